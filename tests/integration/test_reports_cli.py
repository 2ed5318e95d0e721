"""CLI `export REPORT --from D --to D [--area CODE] [--group G] --out FILE`."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog
from tests.integration.reports_world import build_world
from tests.unit.test_exports_support import all_texts, line


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.mark.parametrize(
    "report", ["students", "workers", "ct33", "summary", "candidates", "breakdown"]
)
def test_every_report_is_written_for_the_whole_province_and_logged(runner, world, tmp_path, report):
    out = tmp_path / f"{report}.xlsx"
    result = runner.invoke(
        args=["export", report, "--from", "2025-01-01", "--to", "31/12/2025", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Đã ghi" in result.output and str(out) in result.output
    book = load_workbook(out)
    texts = all_texts(book.worksheets[0])
    assert "Địa bàn: Tỉnh Thử Nghiệm" in texts
    # The dates of a whole year: labelled as the reports page labels its preset.
    assert "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)" in texts
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert entry.actor == "dòng lệnh" and entry.user_id is None
    assert entry.after["report"] == report


@pytest.mark.parametrize(
    ("start", "end", "period_line"),
    [
        ("2025-04-01", "2025-06-30", "Quý II năm 2025 (từ ngày 01/04/2025 đến ngày 30/06/2025)"),
        ("01/09/2024", "31/08/2025", "Năm học 2024 - 2025 (từ ngày 01/09/2024 đến ngày "
         "31/08/2025)"),
        ("2024-12-15", "2025-06-14", "6 tháng đầu năm 2025 (theo Nghị định 09/2019/NĐ-CP) (từ ngày "
         "15/12/2024 đến ngày 14/06/2025)"),
        # A free period has no preset label.
        ("2025-02-01", "2025-11-30", "Từ ngày 01/02/2025 đến ngày 30/11/2025"),
    ],
)  # fmt: skip
def test_the_period_line_reads_as_on_the_reports_page(
    runner, world, tmp_path, start, end, period_line
):
    out = tmp_path / "students.xlsx"
    result = runner.invoke(
        args=["export", "students", "--from", start, "--to", end, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    texts = all_texts(load_workbook(out).active)
    assert period_line in texts
    assert not any(t.startswith("Năm 2025") for t in texts)


@pytest.mark.parametrize("stage", ["admitted", "ADMITTED", "Admitted"])
def test_stage_and_report_names_are_read_in_any_case(runner, world, tmp_path, stage):
    out = tmp_path / "list.xlsx"
    args = ["export", "CANDIDATES", "--from", "2025-01-01", "--to", "2025-12-31", "--reached"]
    result = runner.invoke(args=[*args, stage, "--group", "STUDENT", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    names = {c.value for c in ws["B"] if c.value}
    # Admitted in 2025: Cường, Nga and Oanh; not Dũng (1/1/2026) nor Phúc (a worker).
    assert {"Giàng Thị Cường", "Hoàng Thị Nga", "Đỗ Văn Oanh"} <= names
    assert not names & {"Lò Văn Dũng", "Ngô Văn Phúc", "Nguyễn Thị An"}
    assert "Đã kết nạp (dự bị) trong kỳ" in all_texts(ws)


def test_area_and_group_narrow_the_report(runner, world, tmp_path):
    out = tmp_path / "north.xlsx"
    args = ["export", "students", "--from", "1/1/2025", "--to", "31/12/2025", "--area", "C1"]
    result = runner.invoke(args=[*args, "--group", "gdnn_gdtx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    assert line(ws, "TỔNG CỘNG")[8] == 1  # Nga, the centre's one admission
    assert "Trường THPT Bắc" not in all_texts(ws)


def test_a_period_before_the_reform_uses_the_old_districts(runner, world, tmp_path):
    out = tmp_path / "old.xlsx"
    result = runner.invoke(
        args=["export", "summary", "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    texts = all_texts(load_workbook(out)["Tổng hợp"])
    assert "Huyện Cũ An" in texts and "Phường Bắc" not in texts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01", "--to", "2025-12-31"], "--from"),
        (["--from", "2025-12-31", "--to", "2025-01-01"], "--to"),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--area", "KHONGCO"], "--area"),
        (["--from", "2025-01-01", "--to", "2025-12-31", "--group", "thpt"], "không lập"),
    ],
)
def test_bad_options_are_errors_and_write_nothing(runner, world, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    result = runner.invoke(args=["export", "ct33", *args, "--out", str(out)])
    assert result.exit_code != 0 and message in result.output
    assert not out.exists()
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "export")) is None


def test_with_a_user_the_scope_is_theirs(runner, world, tmp_path):
    out = tmp_path / "north.xlsx"
    base = ["export", "students", "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(out)]
    refused = runner.invoke(args=[*base, "--user", "phuong_bac", "--area", "C2"])
    assert refused.exit_code != 0 and "--area" in refused.output
    result = runner.invoke(args=[*base, "--user", "phuong_bac"])
    assert result.exit_code == 0, result.output
    texts = all_texts(load_workbook(out).active)
    assert "Địa bàn: Phường Bắc" in texts and "Trường Cao đẳng Nam" not in texts
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert entry.actor == "phuong_bac"
