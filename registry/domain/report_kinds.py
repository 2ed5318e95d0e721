"""What each report counts: the groups it is made for and the unit kinds it counts.

Pure data, read by the reports service and by scoping (which submitted reports a
group-restricted user may see), so neither has to import the other.
"""

from __future__ import annotations

from registry.domain.vocabulary import (
    ENTERPRISE_KINDS,
    GROUPS,
    KINDS_OF_GROUP,
    SCHOOL_KINDS,
    SUBGROUPS,
    UNIT_KIND_GROUPS,
)

GROUP_CHOICES: dict[str, str] = {**GROUPS, **SUBGROUPS}
REPORT_GROUPS: dict[str, tuple[str, ...]] = {
    "students": ("student", "thpt", "gdnn_gdtx", "sinh_vien"),
    "workers": ("worker", "cong_nhan"),
    "ct33": ("worker", "cong_nhan"),
    "summary": tuple(GROUP_CHOICES),
    "candidates": tuple(GROUP_CHOICES),
    "breakdown": tuple(GROUP_CHOICES),
    "narrative": tuple(GROUP_CHOICES),
    "register": (),  # a cell's whole register, whatever the group
}
KINDS: dict[str | None, tuple[str, ...]] = {None: tuple(UNIT_KIND_GROUPS)}
KINDS.update(KINDS_OF_GROUP)
SUBMITTABLE = ("students", "workers", "ct33", "summary")  # not the list of named people
_OWN_KINDS: dict[str, tuple[str, ...]] = {
    "students": SCHOOL_KINDS,
    "workers": ENTERPRISE_KINDS,
    "ct33": ENTERPRISE_KINDS,
}


def report_kinds(report: str, group: str | None) -> tuple[str, ...]:
    """Unit kinds a report counts: its own, narrowed by the group chosen."""
    chosen = KINDS[group or None]
    return tuple(k for k in _OWN_KINDS.get(report, KINDS[None]) if k in chosen)


def report_kinds_by_request() -> dict[tuple[str, str | None], tuple[str, ...]]:
    """(report, group) → the unit kinds it counts, for every report that can be submitted."""
    return {
        (report, group): report_kinds(report, group)
        for report in SUBMITTABLE
        for group in (None, *REPORT_GROUPS[report])
    }


def fillable(report: str, restriction: str | None) -> bool:
    """Whether a scope restricted to a group or subgroup (None: none) can fill the report:
    it counts some unit kind of the scope (Sở GD&ĐT gets no workers' report, whose every
    figure would be zero for it)."""
    return bool(report_kinds(report, restriction))
