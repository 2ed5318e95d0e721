"""Row validation: required fields, units and cells, stage rules, duplicates, warnings."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.rules.settings import DEFAULT_SETTINGS
from registry.domain.rules.transitions import check_row
from registry.spreadsheet.lookups import CellRef, DictLookups, UnitRef
from registry.spreadsheet.results import StageEventIn, stage_events
from registry.spreadsheet.stagecheck import StageRules
from registry.spreadsheet.validate import RowValidator

TODAY = date(2025, 6, 1)
CO_LOA = UnitRef(1, "THPT01", "Trường THPT Cổ Loa", "thpt", cell_id=10)
CENTRE = UnitRef(2, "GDTX01", "Trung tâm GDNN-GDTX Đông Anh", "gdnn_gdtx", cell_id=11)
COLLEGE = UnitRef(3, "CD01", "Trường Cao đẳng Nghề A", "cao_dang_dai_hoc")
FIRM = UnitRef(4, "DN01", "Công ty TNHH May Hà Nội", "cong_ty_tnhh", cell_id=12)
TWIN_A = UnitRef(5, "DN02", "Công ty Cổ phần Bình An", "cong_ty_co_phan")
TWIN_B = UnitRef(6, "DN03", "Công ty cổ phần Bình An", "cong_ty_co_phan")
CLUB = UnitRef(7, "KH01", "Câu lạc bộ Thanh niên", "other")
LOOKUPS = DictLookups(
    [CO_LOA, CENTRE, COLLEGE, FIRM, TWIN_A, TWIN_B, CLUB],
    [
        CellRef(10, "Chi bộ Trường THPT Cổ Loa", "co_so"),
        CellRef(11, "Chi bộ Trung tâm GDNN-GDTX", "truc_thuoc"),
        CellRef(12, "Chi bộ xã Uy Nỗ", "co_so"),
    ],
    other_unit_codes=["THPT99"],
    other_unit_names=["Trường THPT Sóc Sơn"],
    other_cell_names=["Chi bộ Trường THPT Sóc Sơn"],
)
BASE = {"full_name": "Nguyễn Văn An", "birth_date": "01/03/2000", "unit_code": "THPT01"}


def check(*rows, default_unit=None, lookups=LOOKUPS, first_row=2):
    names = sorted({name for row in rows for name in row})
    validator = RowValidator(dict(enumerate(names)), lookups, TODAY, default_unit=default_unit)
    return [
        validator.validate(n, [row.get(name, "") for name in names])
        for n, row in enumerate(rows, start=first_row)
    ]


def one(**fields):
    return check({**BASE, **fields})[0]


def codes(result):
    return [(i.column, i.code) for i in result.errors]


def warning_codes(result):
    return [(i.column, i.code) for i in result.warnings]


def test_a_complete_row():
    result = one(
        gender="Nữ",
        id_number="001300001234",
        ethnicity="Kinh",
        religion="Công giáo",
        education="12/12",
        trade_union="x",
        source_date="01/09/2022",
        trained_date="15/01/2024",
        certificate_no="GCN 12",
        cell_resolution_date="10/06/2024",
        introducers="Trần Văn B, Lê Thị C",
    )
    assert result.ok and result.warnings == []
    values = result.values
    assert values["full_name"] == "Nguyễn Văn An" and values["name_key"] == "nguyen van an"
    assert values["birth_date"] == date(2000, 3, 1) and values["gender"] == "F"
    assert (values["id_number"], values["id_kind"]) == ("001300001234", "cccd")
    assert (values["ethnicity"], values["religion"], values["trade_union"]) == ("01", "02", True)
    assert values["unit"] is CO_LOA and values["cell"].id == 10
    assert (values["group"], values["subgroup"]) == ("student", "thpt")
    assert (values["education"], values["education_level"]) == ("12/12", (12, 12))
    assert values["trained_date"] == date(2024, 1, 15)
    assert values["cell_resolution_date"] == date(2024, 6, 10)
    assert stage_events(values) == [
        StageEventIn("source", date(2022, 9, 1)),
        StageEventIn("trained", date(2024, 1, 15), "GCN 12"),
        StageEventIn("cell_resolution", date(2024, 6, 10)),
    ]


def test_blank_cells_are_left_out_of_the_values():
    result = one(hometown="", note="  ")
    assert "hometown" not in result.values and "note" not in result.values


def test_required_fields():
    result = check({"full_name": "", "birth_date": "", "unit_name": ""}, first_row=7)[0]
    assert codes(result) == [
        ("full_name", "required"),
        ("birth_date", "required"),
        ("unit_name", "required"),
    ]
    assert {i.row for i in result.errors} == {7}
    assert result.errors[0].message == "Thiếu họ và tên."


def test_default_unit_fills_a_blank_unit():
    result = check(
        {"full_name": "An", "birth_date": "01/03/2000", "unit_code": ""}, default_unit=FIRM
    )[0]
    assert result.ok and result.values["unit"] is FIRM
    assert (result.values["group"], result.values["subgroup"]) == ("worker", "cong_nhan")


def test_units_and_cells():
    assert codes(one(unit_code="XX")) == [("unit_code", "unknown_unit")]
    assert codes(one(unit_code="THPT99")) == [("unit_code", "out_of_scope")]
    by_name = check({**BASE, "unit_code": "", "unit_name": "Trường THPT Sóc Sơn"})[0]
    assert codes(by_name) == [("unit_name", "out_of_scope")]
    assert "không thuộc phạm vi" in by_name.errors[0].message
    twin = check({**BASE, "unit_code": "", "unit_name": "Công ty Cổ phần Bình An"})[0]
    assert codes(twin) == [("unit_name", "unknown_unit")] and "mã đơn vị" in twin.errors[0].message
    folded = check({**BASE, "unit_code": "", "unit_name": "TRƯỜNG THPT CỔ LOA"})[0]
    assert folded.values["unit"] is CO_LOA
    assert codes(one(cell_name="Chi bộ Không Có")) == [("cell_name", "unknown_cell")]
    assert codes(one(cell_name="Chi bộ Trường THPT Sóc Sơn")) == [("cell_name", "out_of_scope")]
    # "Chi bộ" may be left out of the cell's name.
    assert one(cell_name="xã Uy Nỗ").values["cell"].id == 12


def test_group_from_the_column_or_the_unit():
    assert (one(unit_code="GDTX01").values["subgroup"]) == "gdnn_gdtx"
    assert (one(unit_code="CD01").values["subgroup"]) == "sinh_vien"
    assert one(unit_code="GDTX01", group="Học sinh").values["subgroup"] == "gdnn_gdtx"
    assert one(unit_code="DN01", group="Công nhân may").values["subgroup"] == "cong_nhan"
    result = one(group="Bộ đội")
    assert codes(result) == [("group", "invalid_group")]
    assert result.errors[0].message.startswith("Đối tượng không hợp lệ: «Bộ đội»")


def test_invalid_cells_one_error_each():
    result = one(birth_date="31/02/2005", gender="1", ethnicity="4", id_number="3.40123E+11")
    assert codes(result) == [
        ("gender", "invalid_gender"),
        ("birth_date", "invalid_date"),
        ("id_number", "lost_precision"),
        ("ethnicity", "unknown_ethnicity"),
    ]
    assert result.errors[1].message == "Ngày sinh không hợp lệ: «31/02/2005» (ngày không có thật)."


def test_id_number_checked_against_birth_and_gender():
    assert codes(one(id_number="001000001234", gender="Nam")) == [
        ("id_number", "id_number_mismatch")
    ]
    assert codes(one(id_number="001300001234", gender="Nam")) == [
        ("id_number", "id_number_mismatch")
    ]
    assert codes(one(id_number="999300001234")) == [("id_number", "invalid_id_number")]
    cmnd = one(id_number=12345678)
    assert cmnd.ok and cmnd.values["id_number"] == "012345678"
    assert warning_codes(cmnd) == [("id_number", "old_id_number")]


def test_stage_order():
    result = one(
        cell_resolution_date="10/06/2024", decision_date="01/06/2024", trained_date="01/01/2024"
    )
    assert codes(result) == [("decision_date", "stage_order")]
    assert "sớm hơn" in result.errors[0].message
    early = one(admitted_date="01/07/2023", full_member_date="30/06/2024")
    assert codes(early) == [("full_member_date", "stage_order")]
    assert "12 tháng" in early.errors[0].message
    assert one(admitted_date="01/07/2023", full_member_date="01/07/2024").ok
    equal = one(
        trained_date="10/06/2024", cell_resolution_date="10/06/2024", decision_date="10/06/2024"
    )
    assert equal.ok


def test_future_dates_are_refused():
    result = one(trained_date="02/06/2025")
    assert codes(result) == [("trained_date", "future_date")]
    assert "ở tương lai" in result.errors[0].message


@pytest.mark.parametrize(
    ("birth", "cell", "ok"),
    [
        ("10/06/2006", "10/06/2024", True),
        ("10/06/2006", "09/06/2024", False),
        # Born on 29 February: the month is complete on the 28th in a common year.
        ("29/02/2004", "28/02/2022", True),
        ("29/02/2004", "27/02/2022", False),
    ],
)
def test_eighteen_full_years_at_the_cell_resolution(birth, cell, ok):
    result = one(birth_date=birth, trained_date="01/01/2022", cell_resolution_date=cell)
    assert result.ok is ok
    if not ok:
        assert codes(result) == [("cell_resolution_date", "underage")]


def test_underage_on_a_later_stage_without_the_cell_resolution():
    result = one(birth_date="10/06/2007", decision_date="01/06/2024")
    assert codes(result) == [("decision_date", "underage")]


def test_certificate_valid_sixty_months():
    assert one(trained_date="10/06/2019", cell_resolution_date="10/06/2024").ok
    result = one(trained_date="09/06/2019", cell_resolution_date="10/06/2024")
    assert codes(result) == [("trained_date", "expired_certificate")]


def test_committee_stage_only_for_a_chi_bo_truc_thuoc():
    dates = {"trained_date": "01/01/2024", "cell_resolution_date": "10/06/2024"}
    result = one(**dates, committee_resolution_date="20/06/2024")
    assert codes(result) == [("committee_resolution_date", "stage_order")]
    assert one(unit_code="GDTX01", **dates, committee_resolution_date="20/06/2024").ok


def test_warnings_never_block():
    old = one(birth_date="01/01/1960", trained_date="01/01/2024", cell_resolution_date="10/06/2024")
    assert old.ok and warning_codes(old) == [("birth_date", "over_age")]
    assert warning_codes(one(birth_date="01/01/1960")) == [("birth_date", "over_age")]
    for education in ("8/12", "6/10", "Tiểu học"):
        assert warning_codes(one(education=education)) == [("education", "low_education")]
    for education in ("7/10", "9/12", "12/12", "Đại học"):
        assert one(education=education).warnings == []
    religion = one(religion="Đạo Ông Bà")
    assert religion.ok and religion.values["religion_text"] == "Đạo Ông Bà"
    assert warning_codes(religion) == [("religion", "unknown_religion")]
    few = one(
        introducers="Trần Văn B", trained_date="01/01/2024", cell_resolution_date="10/06/2024"
    )
    assert warning_codes(few) == [("introducers", "few_introducers")]


def test_exit():
    result = one(
        admitted_date="01/07/2023", exited_date="01/03/2024", exit_reason="Chuyển công tác"
    )
    assert result.ok
    assert (result.values["exit_reason"], result.values["exit_note"]) == (
        "moved",
        "Chuyển công tác",
    )
    assert stage_events(result.values)[-1] == StageEventIn(
        "exited", date(2024, 3, 1), None, "Chuyển công tác"
    )
    assert codes(one(exit_reason="Chuyển đi")) == [("exited_date", "required")]
    assert one(exited_date="01/03/2024").values["exit_reason"] == "other"
    early = one(admitted_date="01/07/2023", exited_date="01/03/2023")
    assert codes(early) == [("exited_date", "stage_order")]


def test_duplicates_in_the_file():
    rows = check(
        {**BASE, "id_number": "001200001234"},
        {**BASE, "full_name": "Nguyễn Văn Ân", "id_number": "001200001234"},
        {**BASE, "full_name": "Lê Thị Hoà", "birth_date": "02/02/2001"},
        {**BASE, "full_name": "Lê Thị Hòa", "birth_date": "02/02/2001"},
        {**BASE, "full_name": "Lê Thị Hòa", "birth_date": "02/02/2001", "unit_code": "DN01"},
        {**BASE},
    )
    assert [codes(r) for r in rows] == [
        [],
        [("id_number", "duplicate_in_file")],
        [],
        [("full_name", "duplicate_in_file")],
        [],
        [("full_name", "duplicate_in_file")],
    ]
    assert rows[1].errors[0].message == "Trùng với dòng 2 (cùng số CCCD/CMND 001200001234)."
    assert rows[3].errors[0].message == "Trùng với dòng 4 (cùng họ tên, ngày sinh và đơn vị)."


def test_split_names_and_gender_columns():
    parts = check(
        {
            "family_middle": "Nguyễn Văn",
            "given_name": "An",
            "birth_date": "01/03/2000",
            "unit_code": "THPT01",
        }
    )
    assert parts[0].values["full_name"] == "Nguyễn Văn An"
    female_ticks = check(
        {**BASE, "gender_female_mark": "x"},
        {**BASE, "full_name": "Trần B", "gender_female_mark": ""},
    )
    assert [r.values["gender"] for r in female_ticks] == ["F", "M"]
    both = check({**BASE, "gender_male_mark": "x", "gender_female_mark": "x"})[0]
    assert codes(both) == [("gender_female_mark", "invalid_gender")]
    neither = check({**BASE, "gender_male_mark": "", "gender_female_mark": ""})[0]
    assert neither.ok and "gender" not in neither.values


def test_old_layout_birth_date_under_nam_or_nu():
    row = {
        "full_name": "An",
        "unit_code": "THPT01",
        "birth_date_male": "",
        "birth_date_female": "05/07/2006",
    }
    result = check(row)[0]
    assert result.ok and result.values["gender"] == "F"
    assert result.values["birth_date"] == date(2006, 7, 5)
    assert "birth_date_female" not in result.values
    both = check({**row, "birth_date_male": "01/01/2006"})[0]
    assert codes(both) == [("birth_date_female", "invalid_gender")]
    bad = check({**row, "birth_date_female": "32/01/2006"})[0]
    assert codes(bad) == [("birth_date_female", "invalid_date")]


# --- the cached stage rules agree with registry.domain.rules.transitions.check_row ------------

_STAGES = ["source", "trained", "dossier", "cell_resolution", "committee_resolution",
           "decision", "admitted", "full_member", "exited"]  # fmt: skip
_DAYS = st.dates(min_value=date(2015, 1, 1), max_value=TODAY)


@given(
    st.dictionaries(st.sampled_from(_STAGES), _DAYS, max_size=6),
    st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2012, 1, 1)),
    st.sampled_from([None, True, False]),
    st.sampled_from([None, 0, 1, 2]),
)
def test_stage_rules_match_check_row(dates, birth, committee, introducers):
    ordered = {s: dates[s] for s in _STAGES if s in dates}
    cached = StageRules(TODAY, DEFAULT_SETTINGS)
    for _ in range(2):  # the second call is answered from the cache
        got = cached.check(ordered, birth, committee_required=committee, introducers=introducers)
        want = check_row(
            ordered,
            birth,
            None,
            TODAY,
            committee_required=committee,
            introducers_count=introducers,
        )
        assert (got.errors, got.warnings) == (want.errors, want.warnings)


@pytest.mark.parametrize(
    ("unit_code", "group"),
    [
        ("DN01", "Học sinh THPT"),
        ("DN01", "Học sinh"),
        ("THPT01", "Công nhân"),
        ("THPT01", "Sinh viên"),
        ("CD01", "Học viên GDNN-GDTX"),
    ],
)
def test_a_group_that_disagrees_with_the_units_kind_is_invalid_group(unit_code, group):
    result = one(unit_code=unit_code, group=group)
    assert codes(result) == [("group", "invalid_group")]
    assert "không khớp với loại đơn vị" in result.errors[0].message
    assert "group" not in result.values and "subgroup" not in result.values


def test_only_a_unit_of_kind_other_takes_the_group_from_the_column():
    club = one(unit_code="KH01", group="Học sinh THPT").values
    assert (club["group"], club["subgroup"]) == ("student", "thpt")
    assert one(unit_code="KH01").values["subgroup"] == "cong_nhan"
