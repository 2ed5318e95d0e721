"""Find the header row of a sheet and map its columns to fields.

Lists kept by units put a title block above the table, split headers over two or three
merged rows ("Ngày tháng năm sinh" over "Nam | Nữ"), and number the columns in the
row below ("1 2 3 …", "(1) (2) …"). Labels match an alias table on fold_key, so case,
spacing, punctuation and diacritics don't matter; TCVN3/VNI labels are decoded first.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from registry.domain.textutil import fold_key
from registry.spreadsheet.aliases import CANDIDATE_ALIAS_TEXT, CANDIDATE_COMPOUNDS
from registry.spreadsheet.keywords import CANDIDATE_KEYWORDS, EXACT, SURE, Guess, guess
from registry.spreadsheet.legacy import header_candidates
from registry.spreadsheet.normalise import cell_text

# The template's columns, in order (DESIGN "Import contract"); the template download
# and the `candidates` detail report use the same list.
CANONICAL_HEADERS: list[tuple[str, str]] = [
    ("row_no", "STT"),
    ("full_name", "Họ và tên"),
    ("birth_date", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("ethnicity", "Dân tộc"),
    ("religion", "Tôn giáo"),
    ("id_number", "Số CCCD"),
    ("hometown", "Quê quán"),
    ("education", "Trình độ học vấn"),
    ("group", "Đối tượng"),
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Đơn vị"),
    ("cell_name", "Chi bộ"),
    ("youth_union_date", "Ngày vào Đoàn"),
    ("trade_union", "Công đoàn viên"),
    ("trained_date", "Ngày cấp GCN lớp nhận thức"),
    ("certificate_no", "Số GCN"),
    ("cell_resolution_date", "Ngày chi bộ đề nghị"),
    ("decision_date", "Ngày QĐ kết nạp"),
    ("decision_no", "Số QĐ kết nạp"),
    ("admitted_date", "Ngày kết nạp"),
    ("full_member_date", "Ngày công nhận chính thức"),
    ("note", "Ghi chú"),
    ("source_date", "Ngày vào danh sách nguồn"),
    ("dossier_date", "Ngày hoàn thiện hồ sơ"),
    ("committee_resolution_date", "Ngày Đảng ủy cơ sở đề nghị"),
    ("class_or_job", "Lớp / Công việc"),
    ("helpers", "Đảng viên giúp đỡ"),
    ("introducers", "Người giới thiệu"),
    ("exited_date", "Ngày ra khỏi danh sách"),
    ("exit_reason", "Lý do"),
    # The dossier's optional columns (docs/DECISIONS.md "Importing candidate lists"):
    # each introducer's name, the introduction's date, the date they became a full
    # member and the months they worked with the candidate; the cell's vote "18/20".
    *(
        (f"introducer_{n}_{part}", f"Người giới thiệu {n}: {label}")
        for n in (1, 2)
        for part, label in (
            ("name", "họ tên"),
            ("date", "ngày giới thiệu"),
            ("member_date", "ngày vào Đảng chính thức"),
            ("months", "số tháng công tác cùng"),
        )
    ),
    ("cell_vote", "Biểu quyết của chi bộ (tán thành/chính thức)"),
]
# The introducer columns of each of the two introducers: name, date, member date, months.
INTRODUCER_COLUMNS: tuple[tuple[str, str, str, str], ...] = tuple(
    (f"introducer_{n}_name", f"introducer_{n}_date", f"introducer_{n}_member_date",
     f"introducer_{n}_months")
    for n in (1, 2)
)  # fmt: skip

# Columns of older layouts that feed a canonical field (see validate.py).
LAYOUT_FIELDS: dict[str, str] = {
    "family_middle": "Họ đệm",
    "family_name": "Họ",
    "middle_name": "Tên đệm",
    "given_name": "Tên",
    "gender_male_mark": "Nam",
    "gender_female_mark": "Nữ",
    "birth_date_male": "Ngày sinh (Nam)",
    "birth_date_female": "Ngày sinh (Nữ)",
    "birth_date_day": "Ngày sinh: ngày",
    "birth_date_month": "Ngày sinh: tháng",
    "birth_date_year": "Ngày sinh: năm",
}
# A date written in three columns "Ngày | Tháng | Năm" under one merged parent: the
# parent's field → its part fields (validate.py joins them).
DATE_PARTS: dict[str, tuple[str, str, str]] = {
    "birth_date": ("birth_date_day", "birth_date_month", "birth_date_year"),
}
_PART_WORDS = ("ngay", "thang", "nam")
FIELD_LABELS: dict[str, str] = {**dict(CANONICAL_HEADERS), **LAYOUT_FIELDS}


def _split(labels: str) -> list[str]:
    return [label for label in labels.split("|") if label]


@dataclass(frozen=True)
class AliasTable:
    """How one kind of record's headers map to its fields."""

    fields: tuple[str, ...]
    aliases: Mapping[str, str]
    compounds: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The header is the row that maps at least one of these (a name column).
    anchors: tuple[str, ...] = ()
    # Field → weighted keywords (keywords.py), for headers no alias names.
    keywords: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        labels: Mapping[str, str],
        extra: Mapping[str, str] | None = None,
        compounds: Sequence[tuple[str, Mapping[str, str]]] = (),
        anchors: tuple[str, ...] = (),
        keywords: Mapping[str, tuple[tuple[str, float], ...]] | None = None,
    ) -> AliasTable:
        """From field → main label, field → "alias|alias" and (parents, children)."""
        index: dict[str, str] = {}
        for name, label in labels.items():
            for text in (label, name, *_split((extra or {}).get(name, ""))):
                index.setdefault(fold_key(text), name)
        nested: dict[str, dict[str, str]] = {}
        for parents, children in compounds:
            for parent in _split(parents):
                slot = nested.setdefault(fold_key(parent), {})
                for child_labels, name in children.items():
                    for child in _split(child_labels):
                        slot.setdefault(fold_key(child), name)
        return cls(tuple(labels), index, nested, anchors, keywords or {})

    def match(self, parts: Sequence[str]) -> str | None:
        """The field for a column whose header reads `parts` from top to bottom."""
        keys = [fold_key(p) for p in parts]
        if len(keys) >= 2:
            for parent in keys[:-1]:
                found = self.compounds.get(parent, {}).get(keys[-1])
                if found:
                    return found
        return self.aliases.get(keys[-1]) or self.aliases.get("".join(keys))

    def scored(self, parts: Sequence[str]) -> tuple[str, int] | None:
        """(field, score) for a header: EXACT when an alias names it, else the keyword
        guess (every legacy reading of the labels is tried)."""
        readings = list(zip(*(header_candidates(p) for p in parts), strict=True))
        for reading in readings:
            name = self.match(reading)
            if name:
                return name, EXACT
        best: Guess | None = None
        for reading in readings:
            found = guess(reading, self.keywords)
            if found is not None and (best is None or found.score > best.score):
                best = found
        return (best.field, best.score) if best else None


CANDIDATE_ALIASES = AliasTable.build(
    FIELD_LABELS,
    CANDIDATE_ALIAS_TEXT,
    CANDIDATE_COMPOUNDS,
    anchors=("full_name", "given_name", "family_middle"),
    keywords=CANDIDATE_KEYWORDS,
)
UNIT_ALIASES = AliasTable.build(
    {
        "code": "Mã đơn vị",
        "name": "Tên đơn vị",
        "kind": "Loại hình",
        "area_code": "Mã địa bàn",
        "tax_code": "Mã số thuế",
        "cell": "Chi bộ",
    },
    {
        "code": "Mã|Mã số|Mã trường|Mã doanh nghiệp",
        "name": "Tên|Đơn vị|Tên trường|Tên doanh nghiệp|Trường|Doanh nghiệp",
        "kind": "Loại|Loại đơn vị|Loại hình doanh nghiệp|Loại hình đơn vị",
        "area_code": "Mã xã|Mã huyện|Mã đơn vị hành chính|Địa bàn|Mã ĐVHC",
        "tax_code": "MST|Mã thuế",
        "cell": "Tên chi bộ|Chi bộ phụ trách",
    },
    anchors=("name",),
)
AREA_ALIASES = AliasTable.build(
    {
        "code": "Mã",
        "name": "Tên",
        "level": "Cấp",
        "parent_code": "Mã cấp trên",
        "valid_from": "Hiệu lực từ",
        "valid_to": "Hiệu lực đến",
    },
    {
        "code": "Mã địa bàn|Mã đơn vị hành chính|Mã ĐVHC|Mã số",
        "name": "Tên địa bàn|Tên đơn vị hành chính|Địa bàn|Tên ĐVHC",
        "level": "Cấp hành chính|Cấp địa bàn",
        "parent_code": "Mã đơn vị cấp trên|Trực thuộc|Mã trực thuộc|Cấp trên",
        "valid_from": "Từ ngày|Ngày hiệu lực",
        "valid_to": "Đến ngày|Ngày hết hiệu lực",
    },
    anchors=("name", "code"),
)


@dataclass(frozen=True)
class HeaderMap:
    """Where the table starts and which column holds which field."""

    header_row: int  # the sheet's own row number of the first header row
    header_rows: int
    data_start: int  # first row number after the header (and its column-number row)
    labels: tuple[str, ...]  # header text per column index, "" for none
    columns: Mapping[int, str]  # column index (0 = A) → field
    signature: str  # same headers, same signature: lets the app reuse a mapping
    # Column → how sure the match is (keywords.EXACT for an alias; below keywords.SURE
    # the user is asked to confirm it).
    scores: Mapping[int, int] = field(default_factory=dict)

    @property
    def uncertain(self) -> tuple[int, ...]:
        """Mapped columns the reader was not sure of."""
        return tuple(sorted(c for c in self.columns if self.scores.get(c, EXACT) < SURE))

    @property
    def joined(self) -> tuple[int, ...]:
        """Columns whose header is joined from several rows (a parent over its parts)."""
        return tuple(i for i, label in enumerate(self.labels) if " / " in label)

    @property
    def unmapped(self) -> tuple[int, ...]:
        """Columns with a header that no field took."""
        return tuple(i for i, label in enumerate(self.labels) if label and i not in self.columns)

    def column_of(self) -> dict[str, int]:
        """Field → column index."""
        return {name: index for index, name in self.columns.items()}

    def with_override(
        self, override: Mapping[int, str | None], table: AliasTable = CANDIDATE_ALIASES
    ) -> HeaderMap:
        """Apply a user's mapping (column index → field, or None to ignore the column).

        A field given to a column is taken away from any other column.
        """
        columns = dict(self.columns)
        scores = dict(self.scores)
        for index, name in override.items():
            scores[index] = EXACT  # the user chose it
            if name is not None and name not in table.fields:
                raise ValueError(f"unknown field {name!r}")
            columns.pop(index, None)
            if name is not None:
                for other in [i for i, n in columns.items() if n == name]:
                    del columns[other]
                columns[index] = name
        return replace(self, columns=columns, scores=scores)


def signature(labels: Sequence[str]) -> str:
    keys = [fold_key(label) for label in labels]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()[:32]


# --- header detection --------------------------------------------------------------------

_NUMBER_CELL = re.compile(r"\(?(\d{1,3})\)?")
_LETTER_CELL = re.compile(r"\(?([A-Z])\)?")


def is_column_number_row(row: Sequence[object]) -> bool:
    """Whether a row only numbers the columns: "1 2 3 …", "(1) (2) …" or "A B C …"."""
    numbers: list[int] = []
    for value in row:
        text = cell_text(value)
        if not text:
            continue
        m = _NUMBER_CELL.fullmatch(text)
        if m:
            numbers.append(int(m[1]))
            continue
        m = _LETTER_CELL.fullmatch(text)
        if not m:
            return False
        numbers.append(ord(m[1]) - 64)
    return len(numbers) >= 3 and all(a < b for a, b in pairwise(numbers))


def _header_text(value: object) -> str:
    return cell_text(value) if isinstance(value, str) else ""


def _grid(
    rows: Sequence[Sequence[object]], merges: Sequence[tuple[int, int, int, int]]
) -> list[list[str]]:
    """Header rows as text, with merged areas filled by their top-left value.

    `merges` are 0-based (first_row, first_col, last_row, last_col) relative to the
    header's first row. Without merge information (CSV, ODS) a parent label is carried
    right over the columns whose cell below has a child label.
    """
    width = max(len(r) for r in rows)
    grid = [[_header_text(v) for v in r] + [""] * (width - len(r)) for r in rows]
    for r0, c0, r1, c1 in merges:
        if r0 < 0 or r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < width else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if not grid[r][c]:
                    grid[r][c] = value
    for upper, lower in pairwise(grid):
        carried = ""
        for c in range(width):
            if upper[c]:
                carried = upper[c] if lower[c] else ""
            elif carried and lower[c]:
                upper[c] = carried
            else:
                carried = ""
    return grid


def _column_parts(grid: list[list[str]], c: int) -> list[str]:
    parts: list[str] = []
    for row in grid:
        text = row[c]
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return parts


_Scored = dict[tuple[str, ...], tuple[str, int] | None]


def _labels_and_fields(
    grid: list[list[str]], table: AliasTable, cache: _Scored | None = None
) -> tuple[list[str], dict[int, str], dict[int, int]]:
    """Each column's joined label, the field it maps and how sure that is. Of two
    columns proposing one field, the surer (then the first) takes it. `cache` keeps the
    readings of labels met before (the same cells are read at every depth tried)."""
    cache = {} if cache is None else cache
    parts = [_column_parts(grid, c) for c in range(len(grid[0]))]
    labels = [" / ".join(p) for p in parts]
    proposals = _date_parts(parts, table)
    for c, column_parts in enumerate(parts):
        if column_parts and c not in proposals:
            key = tuple(column_parts)
            if key not in cache:
                cache[key] = table.scored(column_parts)
            found = cache[key]
            if found:
                proposals[c] = found
    columns: dict[int, str] = {}
    scores: dict[int, int] = {}
    taken: set[str] = set()
    for c, (name, score) in sorted(proposals.items(), key=lambda item: (-item[1][1], item[0])):
        if name not in taken:
            columns[c], scores[c] = name, score
            taken.add(name)
    return labels, dict(sorted(columns.items())), scores


def _date_parts(parts: list[list[str]], table: AliasTable) -> dict[int, tuple[str, int]]:
    """Columns "Ngày | Tháng | Năm" under one parent naming a date: its part fields.

    Only where the siblings read "Ngày" and "Tháng": "Nam | Nữ" under "Ngày sinh" is the
    old layout of a birth date written under the person's gender.
    """
    groups: dict[tuple[str, ...], dict[str, int]] = {}
    for c, column_parts in enumerate(parts):
        if len(column_parts) >= 2 and (key := fold_key(column_parts[-1])) in _PART_WORDS:
            groups.setdefault(tuple(column_parts[:-1]), {}).setdefault(key, c)
    found: dict[int, tuple[str, int]] = {}
    for parent, children in groups.items():
        if not {"ngay", "thang"} <= children.keys():
            continue
        matched = table.scored(list(parent))
        if matched is None or matched[0] not in DATE_PARTS:
            continue
        name, score = matched
        for word, part in zip(_PART_WORDS, DATE_PARTS[name], strict=True):
            if word in children and part in table.fields:
                found[children[word]] = (part, score)
    return found


def find_header(
    rows: Sequence[tuple[int, Sequence[object]]],
    table: AliasTable = CANDIDATE_ALIASES,
    merges: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    scan: int = 20,
) -> HeaderMap | None:
    """Find the header among the first `scan` rows: the block of one to three rows whose
    labels map the most fields (at least two, one of them an anchor)."""
    head = [(n, r) for n, r in rows[: scan + 3]]
    best: tuple[int, int, int, int] | None = None
    best_map: tuple[list[str], dict[int, str], dict[int, int]] | None = None
    cache: _Scored = {}
    for start in range(min(scan, len(head))):
        if not any(_header_text(v) for v in head[start][1]):
            continue
        for depth in (1, 2, 3):
            block = head[start : start + depth]
            if len(block) < depth or (depth > 1 and is_column_number_row(block[-1][1])):
                break
            first = block[0][0]
            local = [
                (r0 + 1 - first, c0, r1 + 1 - first, c1)
                for (r0, c0), (r1, c1) in merges
                if r0 + 1 <= block[-1][0] and r1 + 1 >= first
            ]
            labels, columns, scores = _labels_and_fields(
                _grid([r for _, r in block], local), table, cache
            )
            count = len(columns)
            if count < 2 or not set(columns.values()) & set(table.anchors or table.fields):
                continue
            key = (count, sum(scores.values()), -depth, -start)
            if best is None or key > best:
                best, best_map = key, (labels, columns, scores)
    if best is None or best_map is None:
        return None
    depth, start = -best[2], -best[3]
    return _header_map(head, start, depth, *best_map)


def _header_map(
    head: Sequence[tuple[int, Sequence[object]]],
    start: int,
    depth: int,
    labels: list[str],
    columns: dict[int, str],
    scores: dict[int, int],
) -> HeaderMap:
    last = start + depth - 1
    data_start = head[last][0] + 1
    following = head[last + 1] if last + 1 < len(head) else None
    if following is not None and is_column_number_row(following[1]):
        data_start = following[0] + 1
    return HeaderMap(
        header_row=head[start][0],
        header_rows=depth,
        data_start=data_start,
        labels=tuple(labels),
        columns=columns,
        signature=signature(labels),
        scores=scores,
    )
