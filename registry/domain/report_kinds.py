"""What each report counts: the groups it is made for and the unit kinds it counts.

Pure data, read by the reports service and by scoping (which submitted reports a
group-restricted user may see), so neither has to import the other.
"""

from __future__ import annotations

from collections.abc import Iterable

from registry.domain.vocabulary import (
    ENTERPRISE_KINDS,
    GROUP_SUBGROUPS,
    GROUPS,
    KINDS_OF_GROUP,
    SCHOOL_KINDS,
    SUBGROUPS,
    UNIT_KIND_GROUPS,
    kinds_of_subgroups,
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


def counted_subgroups(
    report: str, group: str | None, restriction: Iterable[str] | None = None
) -> tuple[str, ...]:
    """The subgroups a report counts: those of the unit kinds it counts (its own, narrowed
    by the group chosen), within a restricted user's subgroups; in SUBGROUPS order."""
    kinds = set(report_kinds(report, group))
    if restriction:
        kinds &= set(kinds_of_subgroups(restriction))
    found = {UNIT_KIND_GROUPS[kind][1] for kind in kinds}
    return tuple(s for s in SUBGROUPS if s in found)


def counted_text(subgroups: Iterable[str]) -> str:
    """Whom a set of subgroups names, in a title: "học sinh, sinh viên" for the whole
    student group, "học sinh THPT và học viên GDNN - GDTX" for two of its subgroups."""
    chosen = set(subgroups)
    parts: list[str] = []
    for group, own in GROUP_SUBGROUPS.items():
        if set(own) <= chosen:
            parts.append(GROUPS[group])
        else:
            parts += [SUBGROUPS[s] for s in own if s in chosen]
    words = [part[0].lower() + part[1:] for part in parts]
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " và " + words[-1]


def common_group(reports: Iterable[str]) -> str | None:
    """The one group (student or worker) every report of a set is made for, or None when
    they span both: a round asking the students' report alone gets a narrative report
    about students alone."""
    groups = {g for report in reports for g in REPORT_GROUPS[report] if g in GROUPS}
    return next(iter(groups)) if len(groups) == 1 else None


def fillable(report: str, restriction: Iterable[str] | None) -> bool:
    """Whether a scope restricted to a set of subgroups (None: none) can fill the report:
    it counts some unit kind of the scope (Sở GD&ĐT gets no workers' report, whose every
    figure would be zero for it)."""
    return bool(counted_subgroups(report, None, restriction))
