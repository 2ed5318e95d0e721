"""Figures for the home page: each one GROUP BY query through scope_filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, extract, func, select
from sqlalchemy.orm import Session, aliased

from registry.domain.vocabulary import ENTERPRISE_KINDS
from registry.domain.workdays import add_months
from registry.models import Area, Candidate, Target, Unit, User
from registry.scoping import restriction_of, scope_filter
from registry.services.org.surveys import latest_surveys_select
from registry.services.org.targets import targets_by_area
from registry.services.reports.states import being_followed_at


@dataclass(frozen=True)
class Headline:
    """The home page's headline figures, each as its card explains it."""

    followed: int  # being followed today (states.being_followed_at)
    on_record: int  # every record in scope, whatever its stage
    admitted_this_year: int  # ceremonies from 1 January to today
    units: int  # units (schools, centres, enterprises) in scope, closed ones included


def headline(session: Session, user: User, today: date) -> Headline:
    """One statement over the candidates in scope, one over the units."""
    year_start = today.replace(month=1, day=1)
    admitted = and_(Candidate.admitted_date >= year_start, Candidate.admitted_date <= today)
    row = session.execute(
        select(
            func.count(),
            func.sum(case((and_(*being_followed_at(today)), 1), else_=0)),
            func.sum(case((admitted, 1), else_=0)),
        ).where(scope_filter(user, Candidate))
    ).one()
    units = session.scalar(select(func.count()).select_from(Unit).where(scope_filter(user, Unit)))
    return Headline(int(row[1] or 0), int(row[0] or 0), int(row[2] or 0), int(units or 0))


@dataclass(frozen=True)
class AreaProgress:
    area: Area
    admitted: int
    target: int | None

    @property
    def percent(self) -> float | None:
        return round(100 * self.admitted / self.target, 1) if self.target else None


def _valid_on(day: date):
    return (Area.valid_to.is_(None) | (Area.valid_to >= day)) & (
        Area.valid_from.is_(None) | (Area.valid_from <= day)
    )


def dashboard_areas(session: Session, user: User, today: date) -> list[Area]:
    """The areas the home page breaks figures down by: one level below the user's area
    (the province's current communes for province-wide users), or the area itself."""
    if user.role == "area" and user.area is not None:
        top = [user.area]
    elif user.role in ("admin", "province"):
        # The province valid today: after a merger, not the former provinces kept as history.
        top = list(session.scalars(select(Area).where(Area.parent_id.is_(None), _valid_on(today))))
    else:
        return []
    if len(top) != 1:
        return sorted(top, key=lambda a: a.name)
    below = list(
        session.scalars(
            select(Area).where(Area.parent_id == top[0].id, _valid_on(today)).order_by(Area.name)
        )
    )
    return below or top


def admissions_by_area(session: Session, user: User, today: date) -> list[AreaProgress]:
    """Admissions (ceremonies) this year by area, beside the year's target."""
    areas = dashboard_areas(session, user, today)
    if not areas:
        return []
    shown = aliased(Area)
    unit_area = aliased(Area)
    counts = dict(
        session.execute(
            select(shown.id, func.count(Candidate.id))
            .select_from(Candidate)
            .join(Unit, Unit.id == Candidate.unit_id)
            .join(unit_area, unit_area.id == Unit.area_id)
            .join(shown, unit_area.path.startswith(shown.path))
            .where(
                shown.id.in_([a.id for a in areas]),
                scope_filter(user, Candidate),
                Candidate.admitted_date >= today.replace(month=1, day=1),
                Candidate.admitted_date <= today,
            )
            .group_by(shown.id)
        )
        .tuples()
        .all()
    )
    # The target of exactly whom the figures count: the user's subgroups, else everyone.
    what = restriction_of(user)
    targets = targets_by_area(session, areas, today.year, what, scope_filter(user, Target))
    return [AreaProgress(a, counts.get(a.id, 0), targets.get(a.id)) for a in areas]


def admissions_by_month(session: Session, user: User, today: date) -> list[tuple[str, int]]:
    """("MM/YYYY", admissions) for the last 12 months, this month included."""
    first = add_months(today.replace(day=1), -11)
    year = extract("year", Candidate.admitted_date)
    month = extract("month", Candidate.admitted_date)
    counts = {
        (int(y), int(m)): n
        for y, m, n in session.execute(
            select(year, month, func.count())
            .where(
                scope_filter(user, Candidate),
                Candidate.admitted_date >= first,
                Candidate.admitted_date <= today,
            )
            .group_by(year, month)
        )
    }
    months = [add_months(first, i) for i in range(12)]
    return [(f"{m.month:02d}/{m.year}", counts.get((m.year, m.month), 0)) for m in months]


@dataclass(frozen=True)
class EnterpriseCounts:
    with_party: int
    without_party: int
    not_surveyed: int

    @property
    def total(self) -> int:
        return self.with_party + self.without_party + self.not_surveyed


def enterprises_by_party_org(session: Session, user: User, today: date) -> EnterpriseCounts:
    """Active enterprises in scope by their latest survey: with / without a party
    organisation, or not surveyed yet."""
    latest = latest_surveys_select(user, today).subquery()
    status = case(
        (latest.c.id.is_(None), "not_surveyed"),
        (latest.c.party_org == "none", "without"),
        else_="with",
    ).label("status")
    counts = dict(
        session.execute(
            select(status, func.count())
            .select_from(Unit)
            .outerjoin(latest, latest.c.unit_id == Unit.id)
            .where(scope_filter(user, Unit), Unit.active, Unit.kind.in_(ENTERPRISE_KINDS))
            # By the label: PostgreSQL would not match two copies of a bound CASE.
            .group_by("status")
        )
        .tuples()
        .all()
    )
    return EnterpriseCounts(
        counts.get("with", 0), counts.get("without", 0), counts.get("not_surveyed", 0)
    )
