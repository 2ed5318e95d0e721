"""Recording one stage, on one date, for many candidates at once (e.g. a whole class).

Each candidate goes through the stage service with the same rules as one recorded by
hand. A refusal leaves that candidate unchanged (the service checks before it writes)
and does not stop the others: the caller commits the successes and shows who failed
and why. Ids outside the user's scope are refused exactly like ids that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.models import Candidate, User
from registry.scoping import scope_filter
from registry.services import audit
from registry.services.candidates.stages import StageRefused, record_stage

MAX_SELECTED = 500
NOT_FOUND = "Không tìm thấy hồ sơ (không có, hoặc nằm ngoài phạm vi của bạn)."


@dataclass
class BulkOutcome:
    candidate_id: int
    candidate: Candidate | None
    ok: bool
    messages: list[str] = field(default_factory=list)  # reasons, or warnings when ok


def record_for_many(
    session: Session,
    user: User,
    ids: list[int],
    stage: str,
    when: date,
    document_no: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> list[BulkOutcome]:
    """Record `stage` on `when` for each id, in the order given; flushes, never commits."""
    found = {
        c.id: c
        for c in session.scalars(
            select(Candidate)
            .where(Candidate.id.in_(ids), scope_filter(user, Candidate))
            .options(selectinload(Candidate.events), selectinload(Candidate.cell))
        )
    }
    outcomes = []
    for ident in ids:
        candidate = found.get(ident)
        if candidate is None:
            outcomes.append(BulkOutcome(ident, None, False, [NOT_FOUND]))
            continue
        try:
            result = record_stage(
                session,
                user,
                candidate,
                stage,
                when,
                document_no=document_no,
                note=note,
                today=today,
            )
        except StageRefused as refused:
            outcomes.append(BulkOutcome(ident, candidate, False, [m for _c, m in refused.issues]))
        else:
            outcomes.append(BulkOutcome(ident, candidate, True, [m for _c, m in result.warnings]))
    audit.record(
        session,
        user,
        "bulk_stage",
        "candidate",
        None,
        None,
        {
            "stage": stage,
            "date": when.isoformat(),
            "document_no": document_no,
            "recorded": [o.candidate_id for o in outcomes if o.ok],
            "refused": [o.candidate_id for o in outcomes if not o.ok],
        },
    )
    return outcomes


def bulk_summary(
    outcomes: list[BulkOutcome],
    stage: str,
    when: date,
    document_no: str | None,
    back: str,
) -> dict[str, Any]:
    """What a bulk recording did, kept for its result page (ids and messages, no names)."""
    return {
        "stage": stage,
        "when": when.isoformat(),
        "document_no": document_no,
        "back": back,
        "outcomes": [{"id": o.candidate_id, "ok": o.ok, "messages": o.messages} for o in outcomes],
    }


def bulk_outcomes(session: Session, user: User, summary: dict[str, Any]) -> list[BulkOutcome]:
    """The outcomes of a kept summary, with the candidates still in the user's scope."""
    ids = [entry["id"] for entry in summary["outcomes"]]
    found = {
        c.id: c
        for c in session.scalars(
            select(Candidate)
            .where(Candidate.id.in_(ids), scope_filter(user, Candidate))
            .options(selectinload(Candidate.unit))
        )
    }
    return [
        BulkOutcome(entry["id"], found.get(entry["id"]), entry["ok"], list(entry["messages"]))
        for entry in summary["outcomes"]
    ]
