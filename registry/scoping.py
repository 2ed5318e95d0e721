"""The one place that decides what a user may see.

Every query for candidates, units, cells, areas, imports and reports takes its WHERE
clause from `scope_filter`; `get_in_scope` turns an id outside the scope into a 404, so
another scope's record is never told apart from a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.routing import IntegerConverter

from registry.domain.report_kinds import report_kinds_by_request
from registry.domain.vocabulary import GROUP_SUBGROUPS, SCHOOL_KINDS, kinds_of_subgroups
from registry.models import (
    Area,
    Candidate,
    CandidateTally,
    CandidateWord,
    EnterpriseSurvey,
    ImportBatch,
    Job,
    PartyCell,
    ReportingRound,
    RoundReporter,
    StageEvent,
    Submission,
    SubmittedReport,
    Target,
    Unit,
    User,
)
from registry.services.candidates.sqlite_plans import Unindexed

M = TypeVar("M")

# Ids and numbers from URLs must fit an INTEGER column (32 bits on PostgreSQL): a larger
# one names nothing, and handing it to the database fails (SQLite: OverflowError).
MAX_INT = 2**31 - 1


def db_int(value: str) -> int:
    """int() for query-string values (`request.args.get(name, type=db_int)`): a number no
    INTEGER column can hold is a ValueError, so the argument reads as absent."""
    number = int(value)
    if not -MAX_INT <= number <= MAX_INT:
        raise ValueError(value)
    return number


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes, up to MAX_INT: a larger id matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def scope_role(user: User) -> str:
    """The role whose scope rule applies: a user's own, except for a service account
    (role `api`), which sees as an area officer of its area, a cell secretary of its
    cell, or with neither as the province."""
    if user.role != "api":
        return user.role
    if user.area_id is not None:
        return "area"
    if user.cell_id is not None:
        return "cell"
    return "province"


def full_scope(user: User) -> bool:
    """True for users who see every area (admins and province users)."""
    return scope_role(user) in ("admin", "province")


def _area_path(user: User) -> str:
    return user.area.path if user.area is not None else "/-/"


def _areas_filter(user: User, area_id_column: Any) -> ColumnElement[bool]:
    """area_id_column lies in the user's area subtree."""
    if full_scope(user):
        return true()
    if scope_role(user) == "area":
        subtree = select(Area.id).where(Area.path.startswith(_area_path(user)))
        return area_id_column.in_(subtree)
    if scope_role(user) == "cell" and user.cell is not None:
        return area_id_column == user.cell.area_id
    return false()


def _units_filter(user: User) -> ColumnElement[bool]:
    if scope_role(user) == "cell":
        base = Unit.cell_id == user.cell_id
    else:
        base = _areas_filter(user, Unit.area_id)
    restriction = restriction_of(user)
    if restriction:
        base = base & Unit.kind.in_(kinds_of_subgroups(restriction))
    return base


def restriction_of(user: User) -> frozenset[str] | None:
    """The subgroups a user is restricted to (None: every group)."""
    return frozenset(user.subgroup_codes) or None


def _group_filter(restriction: frozenset[str], rows: Any) -> ColumnElement[bool]:
    """Rows of the restricted subgroups, decided by the kind of their unit (DESIGN
    "Group"): the group and subgroup columns can be edited by a lower role, the unit's
    kind cannot. Only on a unit of kind `other`, which implies no group, does the
    record's own column decide.

    The unit test is a row filter (`Unindexed` on SQLite), as the column test was: a
    group is a large part of a province, so the scope's own conditions (a cell, an area's
    units) or the list's order should pick the index.
    """
    kinds = kinds_of_subgroups(restriction)
    units = select(Unit.id).where(Unit.kind.in_(kinds))
    clause = Unindexed(rows.unit_id).in_(units)
    if "other" in kinds:
        others = select(Unit.id).where(Unit.kind == "other")
        clause = clause & (
            rows.subgroup.in_(sorted(restriction)) | Unindexed(rows.unit_id).not_in(others)
        )
    return clause


def _candidates_filter(user: User, rows: Any = Candidate) -> ColumnElement[bool]:
    """Candidates (or their tally or word rows: the same key columns) the user may see."""
    if scope_role(user) == "cell":
        base = rows.cell_id == user.cell_id
    elif full_scope(user):
        base = true()
    else:
        units = select(Unit.id).where(_areas_filter(user, Unit.area_id))
        base = rows.unit_id.in_(units)
    restriction = restriction_of(user)
    if restriction:
        base = base & _group_filter(restriction, rows)
    return base


def _targets_filter(user: User) -> ColumnElement[bool]:
    """Targets of an area or a unit in scope; for a restricted user, only those of its
    subgroups: a subgroup's, or a whole group's where every subgroup of it is theirs."""
    units = select(Unit.id).where(_units_filter(user))
    base = _areas_filter(user, Target.area_id) | Target.unit_id.in_(units)
    restriction = restriction_of(user)
    if not restriction:
        return base
    whole = [g for g, own in GROUP_SUBGROUPS.items() if set(own) <= restriction]
    # A school's student target is its one subgroup's (services.org.targets).
    schools = [k for k in kinds_of_subgroups(restriction) if k in SCHOOL_KINDS]
    of_schools = Target.unit_id.in_(select(Unit.id).where(Unit.kind.in_(schools)))
    own_kind = (
        Target.subgroup.in_(sorted(restriction))
        | (Target.subgroup.is_(None) & Target.group_code.in_(whole))
        | (Target.subgroup.is_(None) & (Target.group_code == "student") & of_schools)
    )
    return base & own_kind


def _submitted_reports_filter(user: User) -> ColumnElement[bool]:
    """Submitted reports on an area in scope; for a group-restricted user, only those
    that count nothing outside the user's subgroups: their report and group count only
    unit kinds of those subgroups, or a user of the same restriction sent them (that
    user's scope narrowed what they count)."""
    base = true() if full_scope(user) else _areas_filter(user, SubmittedReport.area_id)
    restriction = restriction_of(user)
    if not restriction:
        return base
    allowed = set(kinds_of_subgroups(restriction))
    fitting = [
        (report, group)
        for (report, group), kinds in report_kinds_by_request().items()
        if kinds and set(kinds) <= allowed
    ]
    same_restriction = select(User.id).where(User.subgroups == user.subgroups)
    ok: ColumnElement[bool] = SubmittedReport.submitted_by_id.in_(same_restriction)
    for report, group in fitting:
        group_is = (
            SubmittedReport.group_code.is_(None)
            if group is None
            else SubmittedReport.group_code == group
        )
        ok = ok | ((SubmittedReport.report == report) & group_is)
    return base & ok


def _rounds_filter(user: User, model: type) -> ColumnElement[bool]:
    """Rounds and submissions: an admin sees all; a member of an organisation sees the
    rounds it opened (with every submission sent to them) and the rounds it must report
    in (with its own submissions only)."""
    if user.role == "admin":
        return true()
    own = user.organisation_id
    if own is None:
        return false()
    opened = select(ReportingRound.id).where(ReportingRound.organisation_id == own)
    if model is ReportingRound:
        asked = select(RoundReporter.round_id).where(RoundReporter.organisation_id == own)
        return (ReportingRound.organisation_id == own) | ReportingRound.id.in_(asked)
    return (Submission.organisation_id == own) | Submission.round_id.in_(opened)


def scope_filter(user: User, model: type) -> ColumnElement[bool]:
    """WHERE clause limiting `model` rows to what `user` may see."""
    if not user.is_authenticated or not user.active:
        return false()
    if model is Candidate:
        return _candidates_filter(user)
    if model is CandidateTally:
        return _candidates_filter(user, CandidateTally)
    if model is CandidateWord:
        return _candidates_filter(user, CandidateWord)
    if model is StageEvent:
        return StageEvent.candidate_id.in_(select(Candidate.id).where(_candidates_filter(user)))
    if model is Unit:
        return _units_filter(user)
    if model is EnterpriseSurvey:
        return EnterpriseSurvey.unit_id.in_(select(Unit.id).where(_units_filter(user)))
    if model is PartyCell:
        if scope_role(user) == "cell":
            return PartyCell.id == user.cell_id
        return _areas_filter(user, PartyCell.area_id)
    if model is Area:
        if full_scope(user):
            return true()
        if scope_role(user) == "area":
            return Area.path.startswith(_area_path(user))
        return Area.id == (user.cell.area_id if user.cell else -1)
    if model is Target:
        return _targets_filter(user)
    if model is ImportBatch:
        if full_scope(user):
            return true()
        own = ImportBatch.uploaded_by_id == user.id
        return own if scope_role(user) == "cell" else own | _areas_filter(user, ImportBatch.area_id)
    if model is SubmittedReport:
        return _submitted_reports_filter(user)
    if model in (ReportingRound, Submission):
        return _rounds_filter(user, model)
    if model is Job:
        # A background job is its owner's (it may hold their export); admins see all.
        return true() if user.role == "admin" else Job.user_id == user.id
    raise TypeError(f"no scope rule for {model.__name__}")


def scoped(user: User, model: type[M]):
    """SELECT of `model` already limited to the user's scope."""
    return select(model).where(scope_filter(user, model))


def get_in_scope(
    session: Session, user: User, model: type[M], ident: int, options: Sequence[ORMOption] = ()
) -> M:
    """The row with this id if the user may see it; 404 otherwise. `options` are loader
    options (the relations the caller's page shows, loaded by the same statement)."""
    if not 0 < ident <= MAX_INT:
        abort(404)
    # Every scoped model has an integer id; a TypeVar cannot say so of a mapped class.
    by_id = model.id == ident  # type: ignore[attr-defined]  # see above
    stmt = select(model).where(by_id, scope_filter(user, model)).options(*options)
    row = session.scalars(stmt).first()
    if row is None:
        abort(404)
    return row


def in_scope(session: Session, user: User, model: type, ident: int | None) -> bool:
    """Whether an id (from a form field or query string) names a row in scope."""
    if ident is None or not 0 < ident <= MAX_INT:
        return False
    ident_column = model.id  # type: ignore[attr-defined]  # as in get_in_scope
    stmt = select(ident_column).where(ident_column == ident, scope_filter(user, model))
    return session.scalar(stmt) is not None
