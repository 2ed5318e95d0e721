"""The demo's readmission candidates and helper members' notes (for `candidates`).

Each person's extras come from a random stream of their own (seeded by their id), so the
rest of the demo stays as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from registry.domain.vocabulary import Stage
from registry.domain.workdays import add_months
from registry.models import Candidate, HelperNote
from registry.models._types import table_of

READMISSION_SHARE = 0.03
NOTES_SHARE = 0.3
# A demo member who left had been one for a few years at least.
ADULT_AT_LEAVING_MONTHS = 22 * 12
HELPER = "Trần Văn Minh"
NOTES = (
    "Tích cực tham gia hoạt động Đoàn, hoàn thành tốt nhiệm vụ được giao.",
    "Đã trao đổi về Điều lệ Đảng; nhận thức tốt, cần rèn luyện thêm tác phong.",
    "Gương mẫu trong học tập và lao động, được tập thể tín nhiệm.",
    "Tham gia đầy đủ lớp bồi dưỡng nhận thức về Đảng, viết thu hoạch đạt yêu cầu.",
)


def add_extras(
    candidate_id: int, person: dict, dates: dict, admin_id: int, today: date, found: dict
) -> None:
    """A readmission for a few workers, helpers' notes for some of those trained."""
    rng = random.Random(f"training-{candidate_id}")
    cell = dates.get(Stage.CELL_RESOLUTION)
    # Proposed ones waited 37 to 70 months; those not yet proposed left some months
    # before the source list, and some of them are still waiting.
    left = add_months(cell, -rng.randint(37, 70)) if cell else None
    if left is None:
        left = add_months(dates.get(Stage.SOURCE, today), -rng.randint(1, 30))
    readmitted = (
        person["group_code"] == "worker"
        and Stage.EXITED not in dates
        and left >= add_months(person["birth_date"], ADULT_AT_LEAVING_MONTHS)
        and rng.random() < READMISSION_SHARE
    )
    if readmitted:
        found["readmissions"].append(
            {
                "row_id": candidate_id,
                "left": left,
                "reason": f"Quyết định số {rng.randint(10, 99)}-QĐ/ĐU (hồ sơ lưu tại chi bộ)",
            }
        )
    trained = dates.get(Stage.TRAINED)
    if trained is None or rng.random() >= NOTES_SHARE:
        return
    last = min(cell or today, today)
    if last < trained:
        return
    found["helpers"].append({"row_id": candidate_id, "helpers": HELPER})
    for text in rng.sample(NOTES, rng.randint(1, 3)):
        day = trained + timedelta(days=rng.randint(0, (last - trained).days))
        found["notes"].append(
            {
                "candidate_id": candidate_id,
                "day": day,
                "helper": HELPER,
                "text": text,
                "recorded_by_id": admin_id,
            }
        )


def store_extras(session: Session, found: dict) -> None:
    """Write what `add_extras` gathered: three statements, whatever the number of people."""
    table = table_of(Candidate)
    if found["readmissions"]:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                readmission=True,
                left_party_date=bindparam("left"),
                left_party_reason=bindparam("reason"),
            ),
            found["readmissions"],
        )
    if found["helpers"]:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(helpers=bindparam("helpers")),
            found["helpers"],
        )
    if found["notes"]:
        session.execute(insert(HelperNote), found["notes"])


def new_extras() -> dict[str, list[dict]]:
    return {"readmissions": [], "helpers": [], "notes": []}
