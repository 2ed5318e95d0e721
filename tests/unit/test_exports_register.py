"""`register`: a sheet per cell, its heading, one line per person, dates as dates."""

from __future__ import annotations

from datetime import date

from exports import REGISTER_FIELDS, RegisterBook, RegisterSheet, build
from exports.register import sheet_names
from tests.unit.test_exports_support import all_texts, find_cell, make_meta, open_book


def person(name: str, **values) -> tuple:
    row = dict.fromkeys(REGISTER_FIELDS)
    row.update(full_name=name, birth_date=date(2007, 3, 4), gender="Nữ", **values)
    return tuple(row[f] for f in REGISTER_FIELDS)


def cell_meta(name: str):
    return make_meta(
        title="Sổ theo dõi quần chúng ưu tú",
        issuing_body=["ĐẢNG BỘ PHƯỜNG CAM ĐƯỜNG", name.upper()],
        style="party",
        numbered=False,
        unit_of_measure="",
    )


def test_each_cell_gets_its_sheet_and_heading_and_its_people():
    book = RegisterBook(
        make_meta(),
        [
            RegisterSheet(
                cell_meta("Chi bộ Trường THPT số 1"),
                [person("Lò Thị Mai", trained_date=date(2025, 3, 1), certificate_no="=12/GCN")],
                name="Chi bộ Trường THPT số 1",
            ),
            RegisterSheet(cell_meta("Chi bộ Công ty May"), [], name="Chi bộ Công ty May"),
        ],
    )
    wb = open_book(build("register", book))
    assert wb.sheetnames == ["Trường THPT số 1", "Công ty May"]
    first = wb["Trường THPT số 1"]
    texts = all_texts(first)
    assert "CHI BỘ TRƯỜNG THPT SỐ 1" in texts and "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert not any("BC" in t for t in texts)  # no document number line
    assert not any(t.startswith("Đơn vị tính") for t in texts)
    mai = find_cell(first, "Lò Thị Mai")
    assert first.cell(mai.row, 1).value == 1
    assert first.cell(mai.row, 3).value.date() == date(2007, 3, 4)
    assert first.cell(mai.row, 3).number_format == "dd/mm/yyyy"
    certificate = first.cell(mai.row, REGISTER_FIELDS.index("certificate_no") + 2)
    assert (certificate.value, certificate.data_type) == ("=12/GCN", "s")  # text, no formula
    assert first.print_title_cols == "$A:$B" and first.page_setup.fitToWidth == 2
    assert find_cell(wb["Công ty May"], "Không có quần chúng nào của chi bộ trong kỳ.")


def test_sheet_names_are_what_excel_accepts_and_distinct():
    names = sheet_names(["Chi bộ A/B: [C]", "chi bộ A B  C", "x" * 40, "x" * 40, "Chi bộ"])
    assert names[0] == "A B   C"
    assert len(set(n.casefold() for n in names)) == len(names)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
