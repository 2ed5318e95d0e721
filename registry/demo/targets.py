"""The demo's targets: the groups' yearly targets by area, and the subgroups' where the
area has such schools."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.demo.areas import REFORM
from registry.models import Area, Target, Unit


def add_targets(
    session: Session, communes: dict[str, Area], units: list[Unit], today: date
) -> None:
    """Targets of the last three years: on the districts before the reform, then on the
    communes that replaced them; the groups' targets, and a THPT and a GDNN-GDTX target
    where the area has such schools (what Sở GD&ĐT's reports divide by)."""
    districts = list(
        session.scalars(select(Area).where(Area.level == "district").order_by(Area.code))
    )
    kinds_in: set[tuple[int, str]] = set()
    for unit in units:
        area: Area | None = unit.area
        while area is not None:  # the unit's area and every area above it
            kinds_in.add((area.id, unit.kind))
            area = area.parent
    for year in range(today.year - 2, today.year + 1):
        areas = districts if date(year, 12, 31) < REFORM else list(communes.values())
        for index, area in enumerate(areas):
            session.add(Target(year=year, group_code="student", area=area, count=6 + index % 5))
            session.add(Target(year=year, group_code="worker", area=area, count=4 + index % 4))
            # Subgroup targets where the area has such schools: (subgroup, base, spread).
            for subgroup, base, spread in (("thpt", 2, 3), ("gdnn_gdtx", 1, 2)):
                if (area.id, subgroup) in kinds_in:
                    target = Target(
                        year=year,
                        group_code="student",
                        subgroup=subgroup,
                        area=area,
                        count=base + index % spread,
                    )
                    session.add(target)
