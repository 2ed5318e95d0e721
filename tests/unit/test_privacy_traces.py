"""Finding a person in a stored file, however the file wrote them."""

from __future__ import annotations

from datetime import date

import pytest

from registry.services.privacy.traces import Probe, TextScrubber, file_holds
from registry.spreadsheet import Limits
from registry.spreadsheet.legacy import to_tcvn3, to_vni
from tests.fixtures.sheets import xlsx_bytes

PROBE = Probe("001205001234", "nguyen van an", date(2005, 3, 1))
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"]


def holds(rows) -> bool:
    return file_holds(PROBE, xlsx_bytes([HEADER, *rows]), "ds.xlsx", Limits())


@pytest.mark.parametrize(
    "row",
    [
        [1, "Ai Đó", "02/02/2002", "001205001234"],  # the CCCD alone
        [1, "Ai Đó", "02/02/2002", 1205001234],  # a number cell that lost its zeros
        [1, "NGUYỄN VĂN AN", "01/03/2005", None],  # name and birth date, any case
        [1, "Nguyễn Văn", "An", date(2005, 3, 1)],  # "Họ đệm | Tên"
        [1, "Nguyễn Văn An", 1, 3, 2005],  # "Ngày | Tháng | Năm"
        [1, to_tcvn3("Nguyễn Văn An"), "1/3/2005"],  # legacy fonts
        [1, to_vni("Nguyễn Văn An"), "1-3-2005"],
    ],
)
def test_a_file_holds_the_person_however_written(row):
    assert holds([row])


@pytest.mark.parametrize(
    "row",
    [
        [1, "Nguyễn Văn An", "02/03/2005", None],  # a namesake born another day
        [1, "Nguyễn Văn Anh", "01/03/2005", None],  # another name, same day
        [1, "Ai Đó", "01/03/2005", "001205001235"],
    ],
)
def test_a_namesake_or_a_near_number_is_someone_else(row):
    assert not holds([row])


def test_an_unreadable_file_holds_no_one():
    assert not file_holds(PROBE, b"not a spreadsheet", "ds.xlsx", Limits())


def test_scrubber_replaces_whole_names_in_any_case_and_keeps_longer_names():
    scrub = TextScrubber({"Nguyễn Văn An": "Người đã xóa dữ liệu #7", "001205001234": "***"})
    assert scrub.text("ds_NGUYỄN VĂN AN.xlsx") == "ds_Người đã xóa dữ liệu #7.xlsx"
    assert scrub.text("Nguyễn Văn Anh, 001205001234") == "Nguyễn Văn Anh, ***"
    rows = [
        {"full_name": "Nguyễn Văn An", "birth_date": "01/03/2005", "id_number": "0012******34"},
        {"full_name": "Nguyễn Văn An", "birth_date": "09/09/2009", "id_number": ""},
    ]
    first, second = scrub.samples(rows, PROBE, "Bí danh")
    assert first == {"full_name": "Bí danh", "birth_date": "", "id_number": ""}
    assert second["birth_date"] == "09/09/2009"  # a namesake's row keeps its date
