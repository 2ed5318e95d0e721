"""Cell secretaries' outputs: their cell's register from the reports page and the command
line, the candidate list downloaded as filtered; scope, the audit log, what the files hold."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exports import CANDIDATE_HEADERS, REGISTER_FIELDS
from exports.layout import leaves
from exports.register import REGISTER_COLUMNS
from registry.domain.textutil import fold
from registry.extensions import db
from registry.models import AuditLog, Candidate, Unit
from tests.factories import PASSWORD, UserFactory
from tests.integration.reports_world import build_world
from tests.unit.test_exports_support import all_texts, find_cell

HEADERS = [col.label for col in leaves(REGISTER_COLUMNS)]


def test_the_register_has_a_column_per_field():
    assert len(HEADERS) == len(REGISTER_FIELDS) + 1


@pytest.fixture
def world(ctx):
    world = build_world()
    school_cell = world["units"]["school"].cell
    world["users"]["secretary"] = UserFactory(
        username="bithu_thpt_bac", role="cell", cell=school_cell
    )
    db.session.commit()
    return world


def login(client, user) -> None:
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def register_form(cell_id, **changes) -> dict:
    data = {
        "cell_id": "" if cell_id is None else str(cell_id),
        "preset": "year", "year": "2025", "quarter": "1", "date_from": "", "date_to": "",
        "download": "Tải sổ theo dõi",
    }  # fmt: skip
    data.update(changes)
    return data


def table(ws) -> list[dict]:
    """The register's lines as {field: value}, from the row under the column numbers."""
    numbers = find_cell(ws, "(1)").row
    assert [ws.cell(numbers, c).value for c in (1, 2, 26)] == ["(1)", "(2)", "(26)"]
    rows = []
    for r in ws.iter_rows(min_row=numbers + 1, values_only=True):
        if not isinstance(r[0], int):
            break
        rows.append(dict(zip(("stt", *REGISTER_FIELDS), r, strict=False)))
    return rows


def on_list_in_2025(candidate: Candidate) -> bool:
    """The people of a 2025 register, worked out here from the stored dates."""
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    entered = candidate.source_date is not None and candidate.source_date <= end
    gone = candidate.exited_date is not None and candidate.exited_date < start
    full = candidate.full_member_date is not None and candidate.full_member_date < start
    return entered and not gone and not full


def test_a_cell_secretary_gets_a_reports_page_with_only_their_register(client, world):
    secretary = world["users"]["secretary"]
    login(client, secretary)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "Sổ theo dõi quần chúng ưu tú" in page.text
    assert secretary.cell.name in page.text
    # Nothing else to choose: no other report, cell or the header settings.
    assert "Tải báo cáo" not in page.text and "Cài đặt tiêu đề" not in page.text
    assert world["units"]["college"].cell.name not in page.text
    assert "Mọi chi bộ" not in page.text
    assert client.get("/reports/settings").status_code == 403
    assert client.post("/reports/", data={}).status_code == 403
    home = client.get("/").text
    assert 'href="/reports/"' in home  # the menu offers it


def test_the_register_holds_the_cells_people_with_each_stage_up_to_the_period_end(client, world):
    secretary = world["users"]["secretary"]
    login(client, secretary)
    response = client.post("/reports/register", data=register_form(secretary.cell_id))
    assert response.status_code == 200
    assert "so-theo-doi_2025-01-01_2025-12-31.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert len(book.worksheets) == 1
    ws = book.active
    texts = all_texts(ws)
    # The cell issues its register: party style, no document number.
    assert secretary.cell.name.upper() in texts and "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert not any("BC" in t for t in texts)  # "Số: …/BC-…" is for reports
    assert "SỔ THEO DÕI QUẦN CHÚNG ƯU TÚ" in texts
    rows = table(ws)
    people = db.session.scalars(select(Candidate).where(Candidate.cell_id == secretary.cell_id))
    expected = sorted(c.full_name for c in people if on_list_in_2025(c))
    assert sorted(r["full_name"] for r in rows) == expected
    assert "Lê Văn Minh" not in expected  # on the list only from 2026
    by_name = {r["full_name"]: r for r in rows}
    cuong = by_name["Giàng Thị Cường"]
    assert cuong["source_date"].date() == date(2023, 1, 10)
    assert cuong["trained_date"].date() == date(2024, 3, 1)
    assert cuong["cell_resolution_date"].date() == date(2025, 3, 1)
    assert cuong["decision_date"].date() == date(2025, 6, 1)
    assert cuong["admitted_date"].date() == date(2025, 12, 31)
    assert (cuong["gender"], cuong["unit"]) == ("Nữ", "Trường THPT Bắc")
    assert ws.cell(find_cell(ws, "Giàng Thị Cường").row, 3).number_format == "dd/mm/yyyy"
    # Admitted on 1 January 2026: not yet in the 2025 register.
    dung = by_name["Lò Văn Dũng"]
    assert dung["admitted_date"] is None
    assert dung["cell_resolution_date"].date() == date(2025, 10, 1)
    # Renewed in 2026: the register shows the certificate held in 2025.
    assert by_name["Lê Văn Long"]["trained_date"].date() == date(2021, 6, 1)
    exited = by_name["Vàng Văn Em"]
    assert exited["exited_date"].date() == date(2025, 12, 31)
    assert exited["exit_reason"] == "Chuyển đi nơi khác"
    # Left on 2 January 2026: still on the list at the end of 2025, no exit shown.
    giang = by_name["Hà Thị Giang"]
    assert (giang["exited_date"], giang["exit_reason"]) == (None, None)


def test_the_download_is_logged_as_personal_data(client, world):
    secretary = world["users"]["secretary"]
    login(client, secretary)
    client.post("/reports/register", data=register_form(secretary.cell_id))
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).one()
    assert entry.user_id == secretary.id
    assert entry.after["report"] == "register" and entry.after["cell_id"] == secretary.cell_id
    assert entry.after["rows"] >= 5


def test_another_cells_register_answers_404(client, world):
    secretary, units = world["users"]["secretary"], world["units"]
    login(client, secretary)
    other = units["centre"].cell_id  # a cell of the same commune
    assert client.post("/reports/register", data=register_form(other)).status_code == 404
    assert client.post("/reports/register", data=register_form(99999)).status_code == 404
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    client.post("/logout")
    login(client, world["users"]["north"])
    south_cell = units["college"].cell_id
    assert client.post("/reports/register", data=register_form(south_cell)).status_code == 404


def test_an_officer_gets_every_cell_of_their_area_a_sheet_each(client, world):
    officer, units = world["users"]["north"], world["units"]
    login(client, officer)
    page = client.get("/reports/register")
    assert page.status_code == 200 and "Mọi chi bộ trong phạm vi" in page.text
    assert units["college"].cell.name not in page.text  # Xã Nam's
    response = client.post("/reports/register", data=register_form(None))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    north_cells = {units[k].cell.name for k in ("school", "centre", "firm_n")}
    assert len(book.worksheets) == len(north_cells)
    for ws in book.worksheets:
        heading = [t for t in all_texts(ws) if t.startswith("CHI BỘ")]
        assert len(heading) == 1 and heading[0].title() in {n.title() for n in north_cells}


def test_the_command_line_writes_one_cell_by_name_or_every_cell(runner, world, tmp_path):
    school = world["units"]["school"]
    out = tmp_path / "so.xlsx"
    base = ["export", "register", "--from", "2025-01-01", "--to", "2025-12-31"]
    result = runner.invoke(args=[*base, "--cell", school.cell.name.upper(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert len(book.worksheets) == 1
    assert school.cell.name.upper() in all_texts(book.active)
    result = runner.invoke(args=[*base, "--area", "C2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    south = {world["units"][k].cell.name for k in ("college", "coop_s", "firm_s")}
    assert len(load_workbook(out).worksheets) == len(south)
    missing = runner.invoke(args=[*base, "--cell", "Chi bộ không có", "--out", str(out)])
    assert missing.exit_code != 0 and "không có chi bộ" in missing.output
    wrong = runner.invoke(
        args=["export", "students", "--from", "2025-01-01", "--to", "2025-12-31",
              "--cell", school.cell.name, "--out", str(out)]
    )  # fmt: skip
    assert wrong.exit_code != 0 and "register" in wrong.output


def test_the_filtered_list_downloads_exactly_the_people_it_shows(client, world):
    login(client, world["users"]["north"])
    north = world["areas"]["north"]
    response = client.get(f"/candidates/export?area={north.id}&gender=F")
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.data)).active
    header = find_cell(ws, "STT").row
    assert [c.value for c in ws[header]][: len(CANDIDATE_HEADERS)] == list(CANDIDATE_HEADERS)
    names = [r[1] for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[1]]
    north_units = select(Unit.id).where(Unit.area_id == north.id)
    expected = db.session.scalars(
        select(Candidate.full_name).where(
            Candidate.gender == "F", Candidate.unit_id.in_(north_units)
        )
    ).all()
    assert sorted(names) == sorted(expected) and len(names) >= 2
    texts = all_texts(ws)
    assert any("giới tính Nữ" in t for t in texts)
    assert f"Địa bàn: {north.name}" in texts
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "export", AuditLog.entity == "candidate_list")
    ).one()
    assert entry.after["gender"] == "F" and entry.after["rows"] == len(names)
    assert entry.user_id == world["users"]["north"].id


def test_the_list_download_keeps_the_full_cccd_and_each_filter(client, world):
    an = world["people"]["an"]
    an.id_number = "001305012345"
    db.session.commit()
    login(client, world["users"]["secretary"])
    list_page = client.get("/candidates/")
    assert "Tải danh sách Excel" in list_page.text
    response = client.get(f"/candidates/export?q={fold(an.full_name)}")
    ws = load_workbook(BytesIO(response.data)).active
    header = find_cell(ws, "STT").row
    rows = [r for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[1]]
    assert [r[1] for r in rows] == [an.full_name]
    assert rows[0][CANDIDATE_HEADERS.index("Số CCCD")] == "001305012345"
    # A cell secretary's list holds their cell only, whatever the filters ask.
    everyone = client.get("/candidates/export")
    ws = load_workbook(BytesIO(everyone.data)).active
    header = find_cell(ws, "STT").row
    column = CANDIDATE_HEADERS.index("Chi bộ")
    cells = {r[column] for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[1]}
    assert cells == {world["units"]["school"].cell.name}


def test_a_list_filter_naming_another_scope_answers_404(client, world):
    login(client, world["users"]["north"])
    college = world["units"]["college"]
    assert client.get(f"/candidates/export?unit={college.id}").status_code == 404
    assert client.get(f"/candidates/export?cell={college.cell_id}").status_code == 404
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
