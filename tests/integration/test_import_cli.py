"""`import-candidates`: the JSON contract, exit codes, messy files, stored values."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import AuditLog, Candidate, ImportBatch, ImportChange, StageEvent
from tests.fixtures.oleio import xls_workbook
from tests.fixtures.sheets import cp1258, csv_bytes, xlsx_bytes
from tests.integration.import_world import (
    MESSY_CODES,
    MESSY_MERGES,
    build_world,
    cccd,
    cli_json,
    codes,
    dump,
    messy_rows,
    person,
    serial,
    sheet,
    stored_candidate,
)


@pytest.fixture
def world(ctx):
    return build_world()


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_dry_run_prints_the_json_object_and_writes_nothing(world, runner, tmp_path):
    path = write(tmp_path, "ds.xlsx", xlsx_bytes(sheet([person(1), person(2), person(3)])))
    before = dump()
    code, report = cli_json(runner, path)
    assert code == 0
    assert report == {
        "rows": 3,
        "valid": 3,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [],
    }
    assert dump() == before


def test_commit_stores_the_rows_their_events_and_the_batch(world, runner, tmp_path):
    row = person(
        1,
        full_name="Nguyễn Thị Hoà",
        ethnicity="Tày",
        religion="Phật giáo",
        hometown="Xã Tả Phời, Lào Cai",
        education="12/12",
        trained_date="15/01/2025",
        certificate_no="GCN-15",
        class_or_job="12A1",
        helpers="Lê Văn Cường",
    )
    data = xlsx_bytes(sheet([row, person(2, unit_code="DN-A", gender="Nam", id_number=None)]))
    path = write(tmp_path, "danh sach.xlsx", data)
    code, report = cli_json(runner, path, "--commit")
    assert code == 0 and report["new"] == 2 and report["errors"] == [], report["errors"]
    hoa = db.session.scalar(select(Candidate).where(Candidate.full_name == "Nguyễn Thị Hoà"))
    unit = world["units"]["school_a"]
    assert (hoa.name_key, hoa.sort_key) == ("nguyen thi hoa", "hoa 1 thi 5 nguye{n 3")
    assert (hoa.gender, hoa.birth_date, hoa.id_number) == ("F", row["birth_date"], row["id_number"])
    assert (hoa.ethnicity, hoa.religion, hoa.education) == ("02", "01", "12/12")
    assert (hoa.unit_id, hoa.cell_id) == (unit.id, unit.cell_id)
    assert (hoa.group_code, hoa.subgroup, hoa.class_or_job) == ("student", "thpt", "12A1")
    assert (hoa.stage, hoa.source_date, hoa.trained_date) == (
        "trained",
        date(2024, 9, 5),
        date(2025, 1, 15),
    )
    assert hoa.certificate_no == "GCN-15" and hoa.last_event_date == date(2025, 1, 15)
    events = db.session.scalars(
        select(StageEvent).where(StageEvent.candidate_id == hoa.id).order_by(StageEvent.sequence)
    ).all()
    assert [(e.stage, e.event_date, e.document_no) for e in events] == [
        ("source", date(2024, 9, 5), None),
        ("trained", date(2025, 1, 15), "GCN-15"),
    ]
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.status, batch.actor, batch.filename, batch.new) == (
        "committed",
        "dòng lệnh",
        "danh sach.xlsx",
        2,
    )
    assert batch.content == data and batch.sha256 == hashlib.sha256(data).hexdigest()
    assert {e.import_batch_id for e in events} == {batch.id} == {hoa.import_batch_id}
    worker = db.session.scalar(
        select(Candidate).where(Candidate.unit_id == world["units"]["firm_a"].id)
    )
    assert (worker.gender, worker.group_code, worker.subgroup) == ("M", "worker", "cong_nhan")
    assert count(ImportChange) == 2
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "import"))
    assert entry.entity_id == batch.id and entry.after["new"] == 2


def test_importing_the_same_file_again_changes_nothing(world, runner, tmp_path):
    path = write(tmp_path, "ds.xlsx", xlsx_bytes(sheet([person(n) for n in range(1, 6)])))
    assert cli_json(runner, path, "--commit")[1]["new"] == 5
    before = dump()
    code, report = cli_json(runner, path, "--commit")
    assert code == 0 and (report["new"], report["updated"], report["unchanged"]) == (0, 0, 5)
    after = dump()
    for table in ("candidate", "stage_event", "import_change"):
        assert after[table] == before[table]


def test_messy_workbook_reports_every_error_by_row_and_column(world, runner, tmp_path):
    data = xlsx_bytes(messy_rows(today_vn()), merges=MESSY_MERGES)
    path = write(tmp_path, "ds.xlsx", data)
    code, report = cli_json(runner, path)
    assert code == 1
    assert report["rows"] == 14
    assert codes(report) == MESSY_CODES
    assert report["valid"] == report["new"] == 3  # rows 7, 8 and 11 (admin sees THPT-B)
    assert (report["updated"], report["unchanged"]) == (0, 0)
    assert all(e["message"] for e in report["errors"])


def test_messy_workbook_values_are_normalised(world, runner, tmp_path):
    data = xlsx_bytes(messy_rows(today_vn())[:9], merges=MESSY_MERGES)
    path = write(tmp_path, "ds.xlsx", data)
    code, report = cli_json(runner, path, "--commit")
    assert code == 1 and codes(report) == [(9, "id_number", "lost_precision")]
    assert count(Candidate) == 0  # one failed row: nothing written
    data = xlsx_bytes(messy_rows(today_vn())[:8], merges=MESSY_MERGES)
    code, report = cli_json(runner, write(tmp_path, "ok.xlsx", data), "--commit")
    assert code == 0 and report["new"] == 2
    an, ha = db.session.scalars(select(Candidate).order_by(Candidate.id)).all()
    # The number cell 10205001234 had lost its leading zero.
    assert (an.full_name, an.id_number, an.gender) == ("Nguyễn Văn An", "010205001234", "M")
    assert an.cell_resolution_date == date(2024, 6, 10) and an.trained_date == date(2024, 1, 15)
    assert (ha.full_name, ha.gender, ha.birth_date, ha.ethnicity) == (
        "Lê Thị Hà",
        "F",
        date(2006, 7, 5),
        "02",
    )
    assert ha.cell_id == world["cells"]["a"].id


def test_1904_workbook_dates(world, runner, tmp_path):
    birth, source = date(2005, 3, 1), date(2024, 9, 5)
    rows = sheet(
        [{**person(1), "birth_date": serial(birth, date(1904, 1, 1)), "source_date": None}],
        ["row_no", "full_name", "birth_date", "gender", "id_number", "unit_code", "source_date"],
    )
    rows[1][-2] = "THPT-A"
    rows[1][-1] = serial(source, date(1904, 1, 1))
    rows[1][4] = cccd(birth, True, 77)
    path = write(tmp_path, "mac.xlsx", xlsx_bytes(rows, epoch1904=True))
    code, report = cli_json(runner, path, "--commit")
    assert code == 0, report
    stored = db.session.scalar(select(Candidate))
    assert (stored.birth_date, stored.source_date) == (birth, source)


@pytest.mark.parametrize("encoding", ["cp1258", "utf-8-sig"])
def test_csv_files(world, runner, tmp_path, encoding):
    fields = ["full_name", "birth_date", "gender", "ethnicity", "id_number", "unit_code"]
    rows = sheet([person(1, full_name="Trần Thị Thuỷ", ethnicity="Mường")], fields)
    rows[1][1] = rows[1][1].strftime("%d/%m/%Y")
    if encoding == "cp1258":
        text = "\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n"
        data = cp1258(text)
    else:
        data = csv_bytes(rows, encoding=encoding)
    code, report = cli_json(runner, write(tmp_path, "ds.csv", data), "--commit")
    assert code == 0, report
    stored = db.session.scalar(select(Candidate))
    assert (stored.full_name, stored.ethnicity) == ("Trần Thị Thuỷ", "04")


def test_csv_row_numbers_count_the_header_as_line_one(world, runner, tmp_path):
    rows = sheet([person(1), {**person(2), "birth_date": "32/13/2005"}],
                 ["full_name", "birth_date", "gender", "unit_code"])  # fmt: skip
    rows[1][1] = "01/02/2005"
    code, report = cli_json(runner, write(tmp_path, "ds.csv", csv_bytes(rows)))
    assert code == 1 and codes(report) == [(3, "birth_date", "invalid_date")]


def test_real_xls_file(world, runner, tmp_path):
    birth = date(2004, 5, 6)
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Mã đơn vị", "Ngày vào danh sách nguồn"],
        ["Hoàng Văn Sơn", birth, "Nam", cccd(birth, False, 5), "THPT-A", date(2024, 9, 5)],
    ]
    data = xls_workbook({"Danh sách": rows})
    code, report = cli_json(runner, write(tmp_path, "cu.xls", data), "--commit")
    assert code == 0, report
    stored = db.session.scalar(select(Candidate))
    assert (stored.full_name, stored.birth_date, stored.source_date) == (
        "Hoàng Văn Sơn",
        birth,
        date(2024, 9, 5),
    )


def test_unreadable_file_still_prints_json_and_exits_2(world, runner, tmp_path):
    code, report = cli_json(runner, write(tmp_path, "x.xlsx", b"%PDF-1.4 not a sheet"))
    assert code == 2
    assert report["rows"] == 0 and report["errors"][0]["code"] == "unsupported_type"
    assert report["errors"][0]["message"].startswith("Không nhận ra loại tệp")
    code, report = cli_json(runner, write(tmp_path, "empty.csv", b""))
    assert code == 2 and report["errors"][0]["code"] == "empty_file"


def test_commit_with_a_failed_row_writes_nothing(world, runner, tmp_path):
    stored_candidate(world["units"]["school_a"], full_name="Người Cũ")
    rows = [person(1), person(2, birth_date="not a date")]
    path = write(tmp_path, "ds.xlsx", xlsx_bytes(sheet(rows)))
    before = dump()
    code, report = cli_json(runner, path, "--commit")
    assert code == 1 and codes(report) == [(3, "birth_date", "invalid_date")]
    assert dump() == before


def test_text_output_and_progress_free_when_not_a_terminal(world, runner, tmp_path):
    path = write(tmp_path, "ds.xlsx", xlsx_bytes(sheet([person(1)])))
    result = runner.invoke(args=["import-candidates", str(path)])
    assert result.exit_code == 0
    assert "Chạy thử (chưa ghi gì): 1 dòng, 1 mới" in result.stdout


def test_user_scope_unit_and_sheet_options(world, runner, tmp_path):
    born = date(2005, 1, 2)
    other = stored_candidate(
        world["units"]["school_b"], birth_date=born, gender="F", id_number=cccd(born, True, 9)
    )
    rows = [
        person(1, unit_code=None),
        person(2, unit_code="THPT-B"),
        person(3, id_number=other.id_number, birth_date=other.birth_date),
    ]
    data = xlsx_bytes([["Bìa"]], title="Bìa", more_sheets={"DS": sheet(rows)})
    path = write(tmp_path, "ds.xlsx", data)
    args = (path, "--user", "phuong.an", "--unit", "DN-A", "--sheet", "DS")
    code, report = cli_json(runner, *args)
    assert code == 1
    assert codes(report) == [(3, "unit_code", "out_of_scope"), (4, "id_number", "out_of_scope")]
    assert "đã có trong sổ theo dõi" in report["errors"][1]["message"]
    assert "phạm vi" not in report["errors"][1]["message"]
    assert other.full_name not in report["errors"][1]["message"]
    assert report["new"] == 1  # the blank unit took --unit
    result = runner.invoke(args=["import-candidates", str(path), "--unit", "THPT-B", "--user",
                                 "phuong.an"])  # fmt: skip
    assert result.exit_code == 2 and "--unit" in result.output
    result = runner.invoke(args=["import-candidates", str(path), "--user", "khong.co"])
    assert result.exit_code == 2
    code, report = cli_json(runner, path, "--sheet", "Không có")
    assert code == 2 and report["errors"][0]["code"] == "sheet_not_found"


def test_commit_by_a_user_is_recorded_with_their_area(world, runner, tmp_path):
    path = write(tmp_path, "ds.xlsx", xlsx_bytes(sheet([person(1)])))
    code, _report = cli_json(runner, path, "--user", "phuong.an", "--commit")
    assert code == 0
    batch = db.session.scalar(select(ImportBatch))
    officer = world["users"]["officer_a"]
    assert (batch.actor, batch.uploaded_by_id, batch.area_id) == (
        "phuong.an",
        officer.id,
        officer.area_id,
    )
    stored = db.session.scalar(select(Candidate))
    assert stored.created_by_id == officer.id


def test_other_error_codes_and_warnings(world, runner, tmp_path):
    old = date(1960, 1, 1)
    rows = [
        person(1, full_name=None),
        person(2, birth_date=None),
        person(3, unit_code=None),
        person(4, gender="Không rõ"),
        person(5, group="Hưu trí"),
        person(6),
        {**person(6), "row_no": 7, "id_number": None},  # same person as row 7, no CCCD
        person(8, id_number="012345678", religion="Đạo Ông Bà"),
        person(9, birth_date=old, id_number=cccd(old, True, 4)),
        person(10, admitted_date="01/03/2025", full_member_date="01/06/2025",
               cell_resolution_date="01/01/2025", trained_date="01/12/2024"),
    ]  # fmt: skip
    code, report = cli_json(runner, write(tmp_path, "ds.xlsx", xlsx_bytes(sheet(rows))))
    assert code == 1
    assert codes(report) == [
        (2, "full_name", "required"),
        (3, "birth_date", "required"),
        (4, "unit_name", "required"),
        (5, "gender", "invalid_gender"),
        (6, "group", "invalid_group"),
        (8, "full_name", "duplicate_in_file"),
        (11, "full_member_date", "stage_order"),  # less than 12 months after admission
    ]
    warnings = [(w["row"], w["code"]) for w in report["warnings"]]
    assert (9, "old_id_number") in warnings and (9, "unknown_religion") in warnings
    assert (10, "over_age") in warnings
    assert (report["valid"], report["new"]) == (3, 3)
