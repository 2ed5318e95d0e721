"""The admission dossier (hồ sơ kết nạp), the introducers, and the recognition file.

Pure rules over plain values (reference admission_rules.md): which documents a dossier
must hold before the `dossier` stage, how long a statement stays valid, who may
introduce, the vote of a resolution, and what the recognition procedure asks for after
the probation. The services store DossierItem and Introducer rows and ask these
functions; the candidate page shows their answers.

Rules and their marks in the reference:
- 4: the training certificate is valid 60 months (the `trained` stage holds it);
- 5 [S]: 12 months after the dossier was made without the chi bộ considering it, the
  introductions, the union resolution and the opinions of the mass organisations and
  of the residence cell must be redone: each such item is "stale" once it is older
  than that at the date it is needed for (the dossier stage, the cell's resolution);
- 6 [S]: two full members who have worked with the applicant at least a year; refused
  without the date they became full members or when it is after the introduction,
  warned under 12 months together;
- 6a [M]: where a youth-union organisation exists, its resolution replaces one
  introducer (likewise the trade union's for a union member): RuleSettings
  `union_resolution_replaces_introducer`, on by default;
- 7 [M]: a resolution needs at least two thirds of the full members in favour
  (RuleSettings `vote_share`);
- 11, 12 [C]: the chi bộ's recognition resolution comes after the 12 months of
  probation; full membership takes effect when they end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from registry.domain.rules.dates import certificate_expiry, probation_end
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.workdays import ONE_DAY, add_months, fmt_date

ADMISSION = "admission"
RECOGNITION = "recognition"

# code → (label, file it belongs to, has a vote)
DOSSIER_KINDS: dict[str, tuple[str, str, bool]] = {
    "application": ("Đơn xin vào Đảng (Mẫu 1-KNĐ)", ADMISSION, False),
    "background": ("Lý lịch của người xin vào Đảng", ADMISSION, False),
    "verification": ("Kết quả thẩm tra lý lịch", ADMISSION, False),
    "mass_opinions": (
        "Tổng hợp ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc",
        ADMISSION,
        False,
    ),
    "residence_opinion": ("Ý kiến nhận xét của chi ủy, chi bộ nơi cư trú", ADMISSION, False),
    "cell_resolution": ("Nghị quyết chi bộ đề nghị kết nạp", ADMISSION, True),
    "committee_resolution": ("Nghị quyết đảng ủy cơ sở đề nghị kết nạp", ADMISSION, True),
    "decision": ("Quyết định kết nạp đảng viên", ADMISSION, False),
    "self_assessment": ("Bản tự kiểm điểm của đảng viên dự bị", RECOGNITION, False),
    "helper_assessment": ("Bản nhận xét của đảng viên giúp đỡ", RECOGNITION, False),
    "recognition_mass_opinions": (
        "Ý kiến nhận xét của đoàn thể chính trị - xã hội nơi làm việc",
        RECOGNITION,
        False,
    ),
    "recognition_residence_opinion": (
        "Ý kiến nhận xét của chi ủy, chi bộ nơi cư trú",
        RECOGNITION,
        False,
    ),
    "recognition_cell_resolution": (
        "Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức",
        RECOGNITION,
        True,
    ),
    "recognition_decision": ("Quyết định công nhận đảng viên chính thức", RECOGNITION, False),
}
# The chi bộ's resolution proposing recognition: its date starts the committee's deadline.
RECOGNITION_RESOLUTION = "recognition_cell_resolution"
DOSSIER_LABELS = {code: label for code, (label, _file, _vote) in DOSSIER_KINDS.items()}
VOTED = frozenset(code for code, (_l, _f, vote) in DOSSIER_KINDS.items() if vote)

# Required before the `dossier` stage, besides the certificate and the introducers.
REQUIRED_FOR_DOSSIER = (
    "application",
    "background",
    "verification",
    "mass_opinions",
    "residence_opinion",
)
# Statements redone when the dossier waits too long (rule 5).
DATED_STATEMENTS = frozenset({"mass_opinions", "residence_opinion"})
REQUIRED_FOR_RECOGNITION = (
    "self_assessment",
    "helper_assessment",
    "recognition_mass_opinions",
    "recognition_residence_opinion",
    "recognition_cell_resolution",
)

MEMBER = "member"
YOUTH_UNION = "youth_union"
TRADE_UNION = "trade_union"
INTRODUCER_KINDS: dict[str, str] = {
    MEMBER: "Đảng viên chính thức giới thiệu",
    YOUTH_UNION: "Nghị quyết giới thiệu của Ban Chấp hành Đoàn cơ sở",
    TRADE_UNION: "Nghị quyết giới thiệu của Ban Chấp hành Công đoàn cơ sở",
}


class DossierError(ValueError):
    """A document or introducer that the rules refuse; the message is for the user, the
    code (an import error code) for a list that carries the same values."""

    def __init__(self, message: str, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.code = code


# Import error codes of the dossier checks (the import's columns go through them too).
NOT_FULL_MEMBER = "introducer_not_full_member"
VOTE_BELOW_SHARE = "vote_below_share"
INVALID_VOTE = "invalid_vote"
_VOTE = re.compile(r"(\d{1,4})\s*/\s*(\d{1,4})")


def format_vote(votes_for: int, votes_total: int) -> str:
    """A resolution's vote as lists write it: "in favour/full members", e.g. "18/20"."""
    return f"{votes_for}/{votes_total}"


def parse_vote(text: str) -> tuple[int, int]:
    """The (in favour, full members) of a vote written "18/20" (spaces allowed)."""
    m = _VOTE.fullmatch(text.strip())
    if m is None:
        raise DossierError(
            f"Biểu quyết «{text}» không đúng dạng «số tán thành/số đảng viên chính thức», "
            "ví dụ 18/20.",
            INVALID_VOTE,
        )
    return int(m[1]), int(m[2])


@dataclass(frozen=True)
class Item:
    kind: str
    day: date
    number: str | None = None
    votes_for: int | None = None
    votes_total: int | None = None


@dataclass(frozen=True)
class Introduction:
    kind: str
    name: str
    day: date  # the introduction, or the union's resolution
    full_member_since: date | None = None
    months_together: int | None = None


@dataclass(frozen=True)
class Person:
    """What the dossier rules need to know about the candidate."""

    trained: date | None = None
    youth_union_member: bool = False
    trade_union_member: bool = False
    admitted: date | None = None


@dataclass
class Checklist:
    """What a file holds and lacks at a date: the page's list and the stage's check."""

    at: date
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.stale

    def problems(self) -> list[str]:
        return [*self.missing, *self.stale]


# --- one item, one introducer -------------------------------------------------------------


def check_vote(votes_for: int | None, votes_total: int | None, s: RuleSettings) -> None:
    """Refuse a resolution without its vote, or with less than the share it needs."""
    if votes_for is None or votes_total is None:
        raise DossierError(
            "Ghi số phiếu tán thành và tổng số đảng viên chính thức của chi bộ (ví dụ 7/9).",
            INVALID_VOTE,
        )
    if votes_total < 1 or not 0 <= votes_for <= votes_total:
        raise DossierError(
            "Số phiếu tán thành phải từ 0 đến tổng số đảng viên chính thức.", INVALID_VOTE
        )
    if Fraction(votes_for, votes_total) < s.vote_share:
        share = s.vote_share
        raise DossierError(
            f"Chỉ {votes_for}/{votes_total} đảng viên chính thức tán thành, dưới "
            f"{share.numerator}/{share.denominator} (Điều lệ Đảng Điều 4): nghị quyết không "
            "đủ điều kiện đề nghị.",
            VOTE_BELOW_SHARE,
        )


def check_item(item: Item, person: Person, today: date, s: RuleSettings = DEFAULT_SETTINGS) -> None:
    """Refuse an item the rules do not allow."""
    if item.kind not in DOSSIER_KINDS:
        raise DossierError("Loại giấy tờ không có trong hồ sơ kết nạp.")
    if item.day > today:
        raise DossierError(f"Ngày {fmt_date(item.day)} ở tương lai.")
    if item.kind in VOTED:
        check_vote(item.votes_for, item.votes_total, s)
    if item.kind == "recognition_cell_resolution":
        if person.admitted is None:
            raise DossierError("Chưa có ngày kết nạp: chưa thể xét công nhận đảng viên chính thức.")
        end = probation_end(person.admitted, s)
        if item.day < end:
            raise DossierError(
                f"Chi bộ chỉ xét công nhận sau khi hết {s.probation_months} tháng dự bị "
                f"(ngày {fmt_date(end)})."
            )


def check_introduction(
    intro: Introduction, person: Person, today: date, s: RuleSettings = DEFAULT_SETTINGS
) -> list[str]:
    """Refuse an introducer the rules do not allow; return the warnings for one allowed."""
    if intro.kind not in INTRODUCER_KINDS:
        raise DossierError("Hãy chọn đảng viên giới thiệu hoặc nghị quyết của Đoàn, Công đoàn.")
    if intro.day > today:
        raise DossierError(f"Ngày {fmt_date(intro.day)} ở tương lai.", "future_date")
    if intro.kind != MEMBER:
        if not s.union_resolution_replaces_introducer:
            raise DossierError(
                "Theo cài đặt hiện hành, nghị quyết của đoàn thể không thay người giới thiệu."
            )
        if intro.kind == YOUTH_UNION and not person.youth_union_member:
            raise DossierError(
                "Người vào Đảng chưa có ngày vào Đoàn: nghị quyết của Đoàn chỉ thay người giới "
                "thiệu cho đoàn viên."
            )
        if intro.kind == TRADE_UNION and not person.trade_union_member:
            raise DossierError(
                "Người vào Đảng không phải công đoàn viên: nghị quyết của Công đoàn chỉ thay người "
                "giới thiệu cho công đoàn viên."
            )
        return []
    if intro.full_member_since is None:
        raise DossierError(
            "Ghi ngày người giới thiệu trở thành đảng viên chính thức: chỉ đảng viên chính thức "
            "được giới thiệu người vào Đảng.",
            NOT_FULL_MEMBER,
        )
    if intro.full_member_since > intro.day:
        raise DossierError(
            f"{intro.name} trở thành đảng viên chính thức ngày {fmt_date(intro.full_member_since)}"
            f", sau ngày giới thiệu {fmt_date(intro.day)}: khi giới thiệu chưa là đảng viên "
            "chính thức.",
            NOT_FULL_MEMBER,
        )
    if intro.months_together is None or intro.months_together < 0:
        raise DossierError(
            "Ghi số tháng người giới thiệu đã công tác cùng người vào Đảng.", "required"
        )
    if intro.months_together < s.min_months_together:
        return [
            f"{intro.name} mới công tác cùng người vào Đảng {intro.months_together} tháng "
            f"(Điều lệ yêu cầu ít nhất {s.min_months_together} tháng)."
        ]
    return []


# --- the whole file -----------------------------------------------------------------------


def _stale(day: date, at: date, s: RuleSettings) -> bool:
    return add_months(day, s.dossier_stale_months) < at


def _latest(items: Iterable[Item]) -> dict[str, Item]:
    return {i.kind: i for i in sorted(items, key=lambda i: i.day)}


def _introducers(intros: list[Introduction], at: date, s: RuleSettings, out: Checklist) -> None:
    current = [i for i in intros if i.day <= at]
    fresh = [i for i in current if not _stale(i.day, at, s)]
    for i in current:
        if _stale(i.day, at, s):
            out.stale.append(
                f"{INTRODUCER_KINDS[i.kind]} ({i.name}, ngày {fmt_date(i.day)}) đã quá "
                f"{s.dossier_stale_months} tháng: cần làm lại."
            )
    members = sum(i.kind == MEMBER for i in fresh)
    union = s.union_resolution_replaces_introducer and any(i.kind != MEMBER for i in fresh)
    needed = s.min_introducers
    if members >= needed or (union and members >= needed - 1):
        return
    wanted = f"cần {needed} đảng viên chính thức giới thiệu"
    if s.union_resolution_replaces_introducer:
        wanted += f", hoặc {needed - 1} đảng viên và nghị quyết giới thiệu của Đoàn, Công đoàn"
    out.missing.append(f"Người giới thiệu: mới có {members} đảng viên chính thức; {wanted}.")


def admission_checklist(
    items: Iterable[Item],
    intros: Iterable[Introduction],
    person: Person,
    at: date,
    s: RuleSettings = DEFAULT_SETTINGS,
) -> Checklist:
    """What the dossier holds and lacks for the `dossier` stage on date `at`."""
    out = Checklist(at)
    latest = _latest(i for i in items if i.day <= at)
    for kind in REQUIRED_FOR_DOSSIER:
        item = latest.get(kind)
        if item is None:
            out.missing.append(f"Chưa có: {DOSSIER_LABELS[kind]}.")
        elif kind in DATED_STATEMENTS and _stale(item.day, at, s):
            out.stale.append(
                f"{DOSSIER_LABELS[kind]} ngày {fmt_date(item.day)} đã quá "
                f"{s.dossier_stale_months} tháng: cần làm lại."
            )
    if person.trained is None or person.trained > at:
        out.missing.append("Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.")
    elif certificate_expiry(person.trained, s) < at:
        out.stale.append(
            f"Giấy chứng nhận lớp nhận thức về Đảng cấp ngày {fmt_date(person.trained)} đã hết "
            f"hạn ngày {fmt_date(certificate_expiry(person.trained, s))}: cần học lại."
        )
    background, verification = latest.get("background"), latest.get("verification")
    if background and verification and verification.day < background.day:
        out.warnings.append("Kết quả thẩm tra lý lịch có ngày trước bản lý lịch.")
    _introducers(list(intros), at, s, out)
    return out


def complete_until(
    items: Iterable[Item],
    intros: Iterable[Introduction],
    person: Person,
    today: date,
    s: RuleSettings = DEFAULT_SETTINGS,
    made: date | None = None,
) -> date | None:
    """The last day the dossier is complete: from today on, or, when it no longer is,
    from the day it was made (a date before today: it has lapsed); None when it is not
    complete on either day.

    It can only lapse the day after an item turns stale or the certificate expires, so
    the checklist is asked again on each of those days.
    """
    items, intros = list(items), list(intros)

    def complete(at: date) -> bool:
        return admission_checklist(items, intros, person, at, s).complete

    start = today if complete(today) else made
    if start is None or (start != today and not complete(start)):
        return None
    dated = [i.day for i in items if i.kind in DATED_STATEMENTS] + [i.day for i in intros]
    lapses = {add_months(d, s.dossier_stale_months) + ONE_DAY for d in dated}
    if person.trained is not None:
        lapses.add(certificate_expiry(person.trained, s) + ONE_DAY)
    for day in sorted(d for d in lapses if d > start):
        if not complete(day):
            return day - ONE_DAY
    return max(lapses, default=start)


def recognition_checklist(
    items: Iterable[Item], person: Person, s: RuleSettings = DEFAULT_SETTINGS
) -> Checklist | None:
    """What the recognition file holds and lacks; None before admission."""
    if person.admitted is None:
        return None
    end = probation_end(person.admitted, s)
    out = Checklist(end)
    latest = _latest(items)
    for kind in REQUIRED_FOR_RECOGNITION:
        if kind not in latest:
            out.missing.append(f"Chưa có: {DOSSIER_LABELS[kind]}.")
    out.warnings.append(
        f"Công nhận đảng viên chính thức có hiệu lực từ ngày {fmt_date(end)} (hết "
        f"{s.probation_months} tháng dự bị), dù chi bộ họp xét muộn hơn."
    )
    return out


def kind_choices(file: str | None = None) -> list[tuple[str, str]]:
    return [(c, label) for c, (label, f, _v) in DOSSIER_KINDS.items() if file in (None, f)]
