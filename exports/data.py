"""Plain input data for the report builders.

The SQL layer fills these from one aggregate GROUP BY query per report; the builders
only lay the figures out (and add up subtotals), so they never touch the database.
Sequences passed as lists are stored as tuples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

STYLES = ("state", "party")


def _freeze(obj: object, name: str) -> None:
    """Store a list field as a tuple, so a frozen record stays immutable."""
    object.__setattr__(obj, name, tuple(getattr(obj, name)))


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """What every report prints around its table: header block, title, period, signatures."""

    title: str
    period_from: date
    period_to: date
    area_name: str
    place: str
    report_date: date
    # Governing body first, issuing body last: ("UBND TỈNH LÀO CAI", "SỞ NỘI VỤ").
    issuing_body: Sequence[str]
    period_label: str = ""  # "Năm học 2024 - 2025", "6 tháng đầu năm 2025"
    style: str = "state"  # "state" (Nghị định 30/2020) or "party" (Hướng dẫn 36-HD/VPTW)
    form_code: str | None = None  # only when settings give one; never invented
    # The issuer's abbreviation in the document number: "UBND" in "Số:    /BC-UBND".
    issuer_code: str = ""
    preparer_title: str = "Người lập biểu"
    preparer_name: str = ""
    signer_title: str = ""  # lines split on "\n": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: str = ""
    unit_of_measure: str = "Đơn vị tính: người"
    numbered: bool = True  # a report has a number line; a register (sổ) has none
    as_at: bool = False  # a state at period_to ("Tính đến ngày …") rather than a period

    def __post_init__(self) -> None:
        _freeze(self, "issuing_body")
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, not {self.style!r}")
        if self.period_from > self.period_to:
            raise ValueError("period_from is after period_to")


@dataclass(frozen=True, slots=True)
class AdmissionFigures:
    """The figures every line of the `students` and `workers` reports has."""

    name: str
    target: int | None = None  # None: no target set (the % cell stays blank)
    source_at_end: int = 0  # on the source list at the period end, not exited, not admitted
    trained: int = 0  # certificate of the awareness class dated in the period
    followed_at_end: int = 0  # valid certificate at the period end, not yet admitted
    proposed: int = 0  # cell resolution in the period
    decided: int = 0  # admission decision in the period
    admitted: int = 0  # ceremony in the period
    women: int = 0  # the rest: of those admitted in the period
    ethnic_minority: int = 0
    religious: int = 0


@dataclass(frozen=True, slots=True)
class StudentRow(AdmissionFigures):
    """One school or centre (or any labelled line) of the `students` report."""

    thpt: int = 0
    gdnn_gdtx: int = 0
    college: int = 0


@dataclass(frozen=True, slots=True)
class WorkerRow(AdmissionFigures):
    """One enterprise kind within an area of the `workers` report.

    `name` is what the line shows, e.g. registry.domain.vocabulary.UNIT_KINDS[kind]; lines keep the
    order given.
    """

    youth_union: int = 0
    trade_union: int = 0


@dataclass(frozen=True, slots=True)
class Ct33Row:
    """Chỉ thị 33 facts for one enterprise kind within an area (latest survey per enterprise).

    `name` is the kind's label (registry.domain.vocabulary.UNIT_KINDS[kind]). The three `with_*`
    party-organisation counts are disjoint: an enterprise has one kind of organisation.
    """

    name: str
    operating: int = 0
    with_chi_bo_co_so: int = 0
    with_dang_bo_co_so: int = 0
    with_chi_bo_truc_thuoc: int = 0
    members: int = 0  # party members working in these enterprises
    members_held_here: int = 0  # of whom holding their membership there
    owner_members: int = 0  # owners or directors who are party members
    admitted: int = 0  # admitted in the period
    with_trade_union: int = 0
    trade_union_members: int = 0
    with_youth_union: int = 0
    youth_union_members: int = 0
    members_without_org: int = 0  # members working in enterprises with no party organisation
    workers: int = 0  # workers of the operating enterprises (Số lao động)


R = TypeVar("R", StudentRow, WorkerRow, Ct33Row)


@dataclass(frozen=True, slots=True)
class AreaGroup(Generic[R]):
    """An area one level below the report's area, with its lines in display order."""

    name: str
    rows: Sequence[R] = ()
    target: int | None = None  # the area's own target wins over the sum of its units'

    def __post_init__(self) -> None:
        _freeze(self, "rows")


@dataclass(frozen=True, slots=True)
class GroupedReport(Generic[R]):
    """Input of `students`, `workers` and `ct33`: lines grouped by area."""

    meta: ReportMeta
    groups: Sequence[AreaGroup[R]]
    target: int | None = None  # the report area's own target wins over the sum of the groups'

    def __post_init__(self) -> None:
        _freeze(self, "groups")


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """One group's figures for one area in the `summary` report."""

    source_at_end: int = 0
    trained: int = 0
    proposed: int = 0
    admitted: int = 0
    admitted_year_before: int = 0  # admitted in the same period a year earlier


@dataclass(frozen=True, slots=True)
class SummaryRow:
    area: str
    students: GroupFigures = field(default_factory=GroupFigures)
    workers: GroupFigures = field(default_factory=GroupFigures)


@dataclass(frozen=True, slots=True)
class SummaryReport:
    meta: ReportMeta
    rows: Sequence[SummaryRow]

    def __post_init__(self) -> None:
        _freeze(self, "rows")


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One criterion of a block; `section` rows head their criteria ("1. Giới tính")."""

    label: str
    admitted: int | None = 0  # admitted (ceremony) in the period; None on a section row
    followed: int | None = 0  # being followed at the period end
    section: bool = False


@dataclass(frozen=True, slots=True)
class BreakdownBlock:
    """An area (or the report's whole area) with its totals and criteria."""

    name: str
    admitted: int = 0
    followed: int = 0
    rows: Sequence[BreakdownRow] = ()

    def __post_init__(self) -> None:
        _freeze(self, "rows")


@dataclass(frozen=True, slots=True)
class BreakdownReport:
    """Input of `breakdown`: the report area's block first, then one per area below it."""

    meta: ReportMeta
    blocks: Sequence[BreakdownBlock]

    def __post_init__(self) -> None:
        _freeze(self, "blocks")


# The canonical import headers, in order; the detail list must re-import through them.
CANDIDATE_HEADERS: tuple[str, ...] = (
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Số CCCD",
    "Quê quán",
    "Trình độ học vấn",
    "Đối tượng",
    "Mã đơn vị",
    "Đơn vị",
    "Chi bộ",
    "Ngày vào Đoàn",
    "Công đoàn viên",
    "Ngày cấp GCN lớp nhận thức",
    "Số GCN",
    "Ngày chi bộ đề nghị",
    "Ngày QĐ kết nạp",
    "Số QĐ kết nạp",
    "Ngày kết nạp",
    "Ngày công nhận chính thức",
    "Ghi chú",
    "Ngày vào danh sách nguồn",
    "Ngày hoàn thiện hồ sơ",
    "Ngày Đảng ủy cơ sở đề nghị",
    "Lớp / Công việc",
    "Đảng viên giúp đỡ",
    "Người giới thiệu",
    "Ngày ra khỏi danh sách",
    "Lý do",
    # The dossier's optional columns: two introducers and the cell's vote "18/20".
    *(
        f"Người giới thiệu {n}: {part}"
        for n in (1, 2)
        for part in (
            "họ tên",
            "ngày giới thiệu",
            "ngày vào Đảng chính thức",
            "số tháng công tác cùng",
        )
    ),
    "Biểu quyết của chi bộ (tán thành/chính thức)",
)
# A row holds one value per header after STT (the builder numbers the rows).
CANDIDATE_ROW_LENGTH = len(CANDIDATE_HEADERS) - 1


@dataclass(frozen=True, slots=True)
class CandidateList:
    """Input of `candidates`: rows may be a one-pass iterator (a DB cursor) of any length.

    Each row is a tuple in CANDIDATE_HEADERS order without STT: dates as `date` (or None),
    the CCCD as text, "Công đoàn viên" as text or bool (True is written as "x").
    """

    meta: ReportMeta
    rows: Iterable[Sequence[object]]
    filter_note: str = ""  # e.g. "Đã kết nạp trong kỳ"; printed under the period line


# Columns of a party cell's register (sổ theo dõi quần chúng ưu tú), after STT; see
# docs/DECISIONS.md "cell secretaries' downloads" for the choice.
REGISTER_FIELDS: tuple[str, ...] = (
    "full_name",
    "birth_date",
    "gender",
    "ethnicity",
    "religion",
    "hometown",
    "education",
    "unit",
    "class_or_job",
    "youth_union_date",
    "source_date",
    "trained_date",
    "certificate_no",
    "helpers",
    "introducers",
    "dossier_date",
    "cell_resolution_date",
    "committee_resolution_date",
    "decision_no",
    "decision_date",
    "admitted_date",
    "full_member_date",
    "exited_date",
    "exit_reason",
    "note",
)


@dataclass(frozen=True, slots=True)
class RegisterSheet:
    """One cell's register: its own heading (the cell issues it) and one row per person,
    each a tuple in REGISTER_FIELDS order (dates as `date` or None, the rest as text)."""

    meta: ReportMeta
    rows: Sequence[Sequence[object]]
    name: str = ""  # the sheet's name; the cell's name

    def __post_init__(self) -> None:
        _freeze(self, "rows")


@dataclass(frozen=True, slots=True)
class RegisterBook:
    """Input of `register`: a sheet per cell (one for a cell secretary)."""

    meta: ReportMeta  # the workbook's own (title, author)
    sheets: Sequence[RegisterSheet]

    def __post_init__(self) -> None:
        _freeze(self, "sheets")
