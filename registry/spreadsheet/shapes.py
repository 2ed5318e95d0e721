"""The shapes lists take besides one row per person: merged cells and section rows.

Cells merged vertically ("Trường THPT số 1" written once beside its block of rows) are
stored by Excel in the top cell only; every row of the block takes the value. Section
rows ("I | Trường THPT số 1", "A. KHỐI TRƯỜNG HỌC") give the unit, or the group, of the
rows below them and are not people. What was understood is kept (`Shapes`) so the
preview can say it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from registry.domain.textutil import fold
from registry.spreadsheet.normalise import cell_text, is_blank

Row = list
# A merged area: ((first_row, first_col), (last_row, last_col)), 0-based.
Merge = tuple[tuple[int, int], tuple[int, int]]

# "I", "II.", "IV -", "A.", "B)" before a title, or alone in the STT column.
_NUMERAL = re.compile(r"([IVXLCDM]+|[A-Z])(?:\s*[.):\-–]\s*|\s+|$)(.*)", re.DOTALL)
# "1", "2.", "3)" likewise: a person's row number too, so its title must name a unit.
_ARABIC = re.compile(r"(\d{1,3})(?:\s*[.):\-–]\s*|\s+|$)(.*)", re.DOTALL)
# The words a unit's name starts with (folded): "Trường THPT …", "Công ty …".
_UNIT_WORDS = (
    "truong", "cong ty", "tong cong ty", "trung tam", "doanh nghiep", "hop tac xa", "htx",
    "chi nhanh", "nha may", "xi nghiep", "dai hoc", "hoc vien", "cao dang",
)  # fmt: skip
# What a group section's title says about the people below it ("Đối tượng" words).
_GROUP_WORDS = (
    (("gdnn", "gdtx", "giao duc nghe nghiep", "trung tam", "hoc nghe"), "Học viên GDNN-GDTX"),
    (("sinh vien", "cao dang", "dai hoc"), "Sinh viên"),
    (("thpt", "trung hoc pho thong"), "Học sinh THPT"),
    (("truong hoc", "hoc sinh", "giao duc", "truong"), "Học sinh"),
    (
        ("doanh nghiep", "cong ty", "cong nhan", "lao dong", "hop tac xa", "kinh te"),
        "Công nhân",
    ),
)


@dataclass(frozen=True)
class Filled:
    """A vertically merged block whose value every row of it took."""

    column: int
    first: int  # sheet row numbers, both ends included
    last: int
    value: str


@dataclass(frozen=True)
class Section:
    row: int
    title: str
    kind: str  # "unit" or "group"
    group: str = ""  # for a group section: the "Đối tượng" its title implies


@dataclass
class Shapes:
    """How the sheet's shape was understood, for the preview."""

    filled: list[Filled] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "filled": [vars(f) for f in self.filled],
            "sections": [vars(s) for s in self.sections],
        }


def fill_merged(
    rows: list[tuple[int, Row]], merges: Sequence[Merge], data_start: int
) -> list[Filled]:
    """Fill each vertically merged block below the header from its top cell, in the rows
    themselves (rows the block covers that hold nothing else stay blank); answer the
    blocks filled.

    In place: a parse reads the file afresh, and the error workbook reads the stored
    file again, so nothing else sees these rows; a copy of a 100,000-row list would cost
    about 30 MB.
    """
    blocks = [m for m in merges if m[1][0] > m[0][0] and m[0][0] + 1 >= data_start]
    if not blocks:
        return []
    position = {number: i for i, (number, _row) in enumerate(rows)}
    filled: list[Filled] = []
    for (r0, c0), (r1, _c1) in sorted(blocks):
        top = position.get(r0 + 1)
        if top is None:
            continue
        top_row = rows[top][1]
        value = top_row[c0] if c0 < len(top_row) else ""
        if is_blank(value):
            continue
        took = False
        for number in range(r0 + 2, r1 + 2):
            i = position.get(number)
            if i is None:
                continue
            row = rows[i][1]
            if c0 < len(row) and not is_blank(row[c0]):
                continue
            if not any(not is_blank(v) for v in row):
                continue  # a blank row inside the block is still blank
            if c0 >= len(row):
                row.extend([""] * (c0 + 1 - len(row)))
            row[c0] = value
            took = True
        if took:
            filled.append(Filled(c0, r0 + 1, r1 + 1, cell_text(value)))
    return filled


def group_of_title(title: str) -> str:
    """The "Đối tượng" a group section's title implies ("KHỐI DOANH NGHIỆP" → Công
    nhân), or "" when it says none."""
    folded = f" {fold(title)} "
    for words, group in _GROUP_WORDS:
        if any(f" {w} " in folded for w in words):
            return group
    return ""


def _is_group_title(title: str) -> bool:
    return fold(title).startswith(("khoi ", "nhom ", "doi tuong "))


def _starts_with_unit_word(title: str) -> bool:
    folded = fold(title)
    return any(folded.startswith(f"{word} ") for word in _UNIT_WORDS)


def _whole_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value).is_integer()
        and 0 < value < 1000
    )


def section_of(
    number: int,
    row: Sequence[object],
    label_cols: Sequence[int],
    label: Callable[[Sequence[object], int], str],
    is_unit: Callable[[str], bool],
) -> Section | None:
    """The section a row opens, or None when it is no section row.

    A section row holds at most two cells (a numeral and a title), no date and no other
    number: "I | Trường THPT số 1", "A. KHỐI TRƯỜNG HỌC", or a title alone that names a
    known unit or starts with "Khối". After an Arabic numeral ("1 | Trường THPT số 1",
    "1. Trường THPT Chu Văn An"), which a person's row number also is, the title must
    name a known unit, start with a unit's word (Trường, Công ty, …) or with "Khối".
    """
    filled = [v for v in row if not is_blank(v)]
    if not filled or len(filled) > 2:
        return None
    numbers = [v for v in filled if not isinstance(v, str)]
    if numbers and (len(filled) != 2 or len(numbers) > 1 or not _whole_number(numbers[0])):
        return None
    texts = [t for t in (label(row, c) for c in label_cols) if t]
    others = [cell_text(v) for v in filled]
    if not texts:
        texts = others
    first = texts[0]
    title = ""
    m = _NUMERAL.fullmatch(first)
    arabic = _ARABIC.fullmatch(first)
    if numbers or arabic:
        if arabic is None:
            return None  # a number outside the STT or name column: a row of data
        title = arabic[2].strip() or next((t for t in [*texts[1:], *others] if t != first), "")
        if not (_is_group_title(title) or is_unit(title) or _starts_with_unit_word(title)):
            return None
    elif m and (m[2].strip() or len(filled) == 2):
        title = m[2].strip() or next((t for t in [*texts[1:], *others] if t != first), "")
    elif len(filled) == 1 and (_is_group_title(first) or is_unit(first)):
        title = first
    if not title:
        return None
    if _is_group_title(title):
        return Section(number, title, "group", group_of_title(title))
    return Section(number, title, "unit")


class SectionFill:
    """Puts the unit and group of the section rows into the rows below them.

    A unit goes into the row's unit-name cell when blank (or into a column of its own
    when the sheet has none), a group into its "Đối tượng" cell likewise.
    """

    def __init__(self, columns: Mapping[int, str], width: int) -> None:
        index = {name: col for col, name in columns.items()}
        self.columns = dict(columns)
        unit_col, group_col = index.get("unit_name"), index.get("group")
        if unit_col is None:
            unit_col, width = width, width + 1
            self.columns[unit_col] = "unit_name"
        if group_col is None:
            group_col = width
            self.columns[group_col] = "group"
        self.unit_col, self.group_col = unit_col, group_col
        self.need = max(unit_col, group_col) + 1

    def apply(self, row: Row, unit: str, group: str) -> None:
        """Write the section's unit and group into the row's blank cells (in place)."""
        if len(row) < self.need:
            row.extend([""] * (self.need - len(row)))
        if unit and is_blank(row[self.unit_col]):
            row[self.unit_col] = unit
        if group and is_blank(row[self.group_col]):
            row[self.group_col] = group
