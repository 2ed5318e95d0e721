"""The dossier's optional columns of a list: two introducers and the cell's vote, read by
their words and checked by the dossier's rules."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from registry.domain import dossier
from registry.spreadsheet.dossier_columns import introducer_rows, months_of, vote_of
from registry.spreadsheet.headers import CANONICAL_HEADERS
from registry.spreadsheet.lookups import CellRef, DictLookups, UnitRef
from registry.spreadsheet.pipeline import parse_file
from tests.fixtures.sheets import csv_bytes, xlsx_bytes

TODAY = date(2025, 6, 1)
CO_LOA = UnitRef(1, "THPT01", "Trường THPT Cổ Loa", "thpt", cell_id=10)
LOOKUPS = DictLookups([CO_LOA], [CellRef(10, "Chi bộ Trường học", "co_so")])
LABEL = dict(CANONICAL_HEADERS)
BASE = ["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị", "Ngày chi bộ đề nghị"]
PERSON = ["Nguyễn Văn An", "01/03/2005", "Nam", "THPT01", "10/05/2025"]
DOSSIER = [LABEL[f] for f, _l in CANONICAL_HEADERS if f.startswith("introducer_")] + [
    LABEL["cell_vote"]
]
TWO = [
    "Trần Văn Bình", "01/03/2025", "19/05/2015", 24,
    "Lê Thị Cúc", "02/03/2025", "02/09/2019", "18 tháng",
    "18/20",
]  # fmt: skip


def parse(rows, name: str = "ds.xlsx"):
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes(rows)
    return parse_file(data, name, lookups=LOOKUPS, today=TODAY)


def row_of(dossier_cells, header=DOSSIER):
    result = parse([[*BASE, *header], [*PERSON, *dossier_cells]])
    return result, result.rows[0]


def issues(result) -> list[tuple[str, str]]:
    return [(i.column, i.code) for i in result.errors]


def test_the_canonical_dossier_columns_give_two_introducers_and_the_vote():
    result, row = row_of(TWO)
    assert issues(result) == []
    assert introducer_rows(row.values) == [
        dossier.Introduction("member", "Trần Văn Bình", date(2025, 3, 1), date(2015, 5, 19), 24),
        dossier.Introduction("member", "Lê Thị Cúc", date(2025, 3, 2), date(2019, 9, 2), 18),
    ]
    assert vote_of(row.values) == (18, 20) and row.values["cell_vote"] == "18/20"
    # Two introducers named: no "few introducers" warning at the cell's proposal.
    assert "few_introducers" not in {w.code for w in result.warnings}


def test_the_columns_are_optional_and_one_introducer_is_counted_for_the_warning():
    result, row = row_of(TWO[:4], DOSSIER[:4])
    assert issues(result) == [] and len(introducer_rows(row.values)) == 1
    assert [w.column for w in result.warnings if w.code == "few_introducers"] == ["introducers"]
    plain = parse([BASE, PERSON])
    assert plain.errors == [] and vote_of(plain.rows[0].values) is None


@pytest.mark.parametrize(
    ("since", "why"),
    [("02/03/2025", "sau ngày giới thiệu 01/03/2025"), ("", "Ghi ngày người giới thiệu")],
)
def test_an_introducer_not_yet_a_full_member_fails_the_row(since, why):
    result, _row = row_of(["Trần Văn Bình", "01/03/2025", since, 24], DOSSIER[:4])
    assert issues(result) == [("introducer_1_member_date", "introducer_not_full_member")]
    assert why in result.errors[0].message


def test_an_introducer_needs_a_name_an_introduction_date_and_the_months_together():
    result, _row = row_of(["", "01/03/2025", "19/05/2015", 24], DOSSIER[:4])
    assert issues(result) == [("introducer_1_name", "required")]
    result, _row = row_of(["Trần Văn Bình", "", "19/05/2015", 24], DOSSIER[:4])
    assert issues(result) == [("introducer_1_date", "required")]
    result, _row = row_of(["Trần Văn Bình", "01/03/2025", "19/05/2015", ""], DOSSIER[:4])
    assert issues(result) == [("introducer_1_months", "required")]
    result, _row = row_of(["Trần Văn Bình", "01/03/2025", "19/05/2015", "hai năm"], DOSSIER[:4])
    assert issues(result) == [("introducer_1_months", "invalid_value")]
    result, _row = row_of(["Trần Văn Bình", "01/07/2025", "19/05/2015", 24], DOSSIER[:4])
    assert issues(result) == [("introducer_1_date", "future_date")]


def test_under_twelve_months_together_is_a_warning_only():
    result, _row = row_of(["Trần Văn Bình", "01/03/2025", "19/05/2015", 8], DOSSIER[:4])
    assert issues(result) == []
    warned = [w for w in result.warnings if w.code == "few_months_together"]
    assert [w.column for w in warned] == ["introducer_1_months"]
    assert "8 tháng" in warned[0].message


@pytest.mark.parametrize(
    ("vote", "code"),
    [
        ("13/20", "vote_below_share"),
        ("18-20", "invalid_vote"),
        ("21/20", "invalid_vote"),
        ("0/0", "invalid_vote"),
        (datetime(2025, 9, 7), "invalid_vote"),  # "7/9" that Excel took for a date
    ],
)
def test_a_vote_under_two_thirds_or_not_written_in_favour_of_members_fails(vote, code):
    result, _row = row_of([vote], [LABEL["cell_vote"]])
    assert issues(result) == [("cell_vote", code)]


def test_a_vote_of_exactly_two_thirds_passes_and_spaces_are_allowed():
    result, row = row_of([" 14 / 21 "], [LABEL["cell_vote"]])
    assert issues(result) == [] and row.values["cell_vote"] == "14/21"


def test_dossier_headers_match_by_their_words_and_under_a_parent_header():
    header = [
        [*BASE, "Người giới thiệu thứ nhất", None, None, None, "Số phiếu tán thành/Số đảng viên"],
        [None] * 5 + ["Họ tên", "Ngày giới thiệu", "Ngày chính thức", "Số tháng", None],
    ]
    rows = [*header, [*PERSON, *TWO[:4], "18/20"]]
    data = xlsx_bytes(rows, merges=["F1:I1", *(f"{c}1:{c}2" for c in "ABCDEJ")])
    result = parse_file(data, "ds.xlsx", lookups=LOOKUPS, today=TODAY)
    assert issues(result) == []
    assert set(result.header.columns.values()) >= {
        "introducer_1_name", "introducer_1_date", "introducer_1_member_date",
        "introducer_1_months", "cell_vote",
    }  # fmt: skip
    assert vote_of(result.rows[0].values) == (18, 20)
    assert len(introducer_rows(result.rows[0].values)) == 1


def test_headers_written_otherwise_are_told_apart_from_the_stage_dates():
    words = [
        "Họ tên người giới thiệu 2",
        "Ngày giới thiệu 2",
        "Ngày vào Đảng chính thức của người giới thiệu thứ hai",
        "Số tháng công tác cùng người giới thiệu 2",
        "Ngày công nhận chính thức",
        "Chi bộ biểu quyết (tán thành/tổng số)",
    ]
    result = parse([[*BASE, *words], PERSON], "ds.csv")
    mapped = [result.header.columns.get(len(BASE) + i) for i in range(len(words))]
    assert mapped == [
        "introducer_2_name",
        "introducer_2_date",
        "introducer_2_member_date",
        "introducer_2_months",
        "full_member_date",
        "cell_vote",
    ]
    assert not set(result.header.uncertain) & {len(BASE) + i for i in range(len(words))}


def test_months_are_whole_numbers_however_written():
    assert [months_of(v) for v in (18, 18.0, "18", "18 tháng", " 7 THÁNG ")] == [18] * 4 + [7]
    assert [months_of(v) for v in (1.5, "mười", True, "-3")] == [None] * 4
