"""Lists of the shapes units keep, through the web preview and the command line:
section rows, merged cells, a three-part birth date, long headers to confirm."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Candidate, ImportBatch, ImportMapping, StageEvent
from tests.factories import OrganisationFactory, UserFactory, login
from tests.fixtures.sheets import ods_bytes, xlsx_bytes
from tests.integration.import_world import build_world, cli_json, codes, dump

# A title block; a two-row header with "Ngày, tháng, năm sinh" over "Ngày | Tháng | Năm";
# group and unit section rows; the party cell merged down each unit's block; subtotals
# whose cells hold counts.
SECTIONED = [
    ["UBND PHƯỜNG AN"],
    ["DANH SÁCH QUẦN CHÚNG ƯU TÚ NĂM 2025"],
    [],
    ["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, None, "Giới tính", "Dân tộc",
     "Chi bộ", "Ngày kết nạp Đảng"],
    [None, None, "Ngày", "Tháng", "Năm"],
    ["A", "KHỐI TRƯỜNG HỌC"],
    ["I", "Trường THPT An Phú"],
    [1, "Nguyễn Văn An", 1, 3, 2005, "Nam", "Kinh", "Chi bộ Trường THPT An Phú"],
    [2, "Lê Thị Hà", 5, 7, 2006, "Nữ", "Tày"],
    ["Cộng", None, 2, None, None, 1],
    ["B", "KHỐI DOANH NGHIỆP"],
    ["I", "Công ty TNHH Hoàng Liên"],
    [3, "Trần Văn Đức", 3, 4, 1998, "Nam", "Kinh", "Chi bộ doanh nghiệp Phường An",
     "ngày 05 tháng 9 năm 2024"],
    [4, "Phạm Thị Thúy", 29, 2, 2000, "Nữ", "Mường"],
    ["Tổng cộng", None, 4, None, None, 2],
]  # fmt: skip
SECTIONED_MERGES = ["A4:A5", "B4:B5", "C4:E4", "F4:F5", "G4:G5", "H4:H5", "I4:I5", "H8:H9",
                    "H13:H14"]  # fmt: skip

LONG = [
    ["Số TT", "Họ và tên\nquần chúng", "Sinh ngày", "Giới tính (Nam/Nữ)", "Số định danh cá nhân",
     "Đơn vị/Doanh nghiệp", "Ngày cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng",
     "Số hiệu GCN", "Họ tên người giới thiệu"],
    [1, "Đỗ Văn Minh", "12/05/1999", "Nam", "001099001234", "Công ty TNHH Hoàng Liên",
     "15/01/2024", "GCN-15", "Trần Văn Hùng"],
]  # fmt: skip


@pytest.fixture
def world(ctx):
    return build_world()


@pytest.fixture
def officer(world, client):
    login(client, world["users"]["officer_a"])
    return world["users"]["officer_a"]


def upload(client, data: bytes, name: str = "danh_sach.xlsx") -> ImportBatch:
    response = client.post(
        "/imports/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.get(ImportBatch, int(response.headers["Location"].rsplit("/", 1)[-1]))


def page_of(client, batch: ImportBatch) -> str:
    return client.get(f"/imports/{batch.id}").get_data(as_text=True)


def stored() -> list[tuple]:
    rows = db.session.execute(
        select(
            Candidate.full_name,
            Candidate.birth_date,
            Candidate.gender,
            Candidate.unit_id,
            Candidate.cell_id,
            Candidate.subgroup,
            Candidate.admitted_date,
        ).order_by(Candidate.birth_date)
    )
    return [tuple(r) for r in rows]


def test_a_sectioned_merged_list_is_understood_shown_and_committed(world, officer, client):
    batch = upload(client, xlsx_bytes(SECTIONED, merges=SECTIONED_MERGES))
    assert (batch.rows, batch.new, batch.error_count) == (4, 4, 0)
    page = page_of(client, batch)
    assert "4 dòng tiêu đề mục (không phải người)" in page
    assert "dòng 7 «Trường THPT An Phú» (đơn vị)" in page
    assert "dòng 11 «KHỐI DOANH NGHIỆP» (khối: Công nhân)" in page
    assert "cột H dòng 8–9 «Chi bộ Trường THPT An Phú»" in page
    assert "Ngày, tháng, năm sinh / Ngày" in page

    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Đã nhập 4 dòng: 4 thêm mới" in response.get_data(as_text=True)
    units, cells = world["units"], world["cells"]
    assert stored() == [
        ("Trần Văn Đức", date(1998, 4, 3), "M", units["firm_a"].id, cells["dn"].id,
         "cong_nhan", date(2024, 9, 5)),
        ("Phạm Thị Thúy", date(2000, 2, 29), "F", units["firm_a"].id, cells["dn"].id,
         "cong_nhan", None),
        ("Nguyễn Văn An", date(2005, 3, 1), "M", units["school_a"].id, cells["a"].id,
         "thpt", None),
        ("Lê Thị Hà", date(2006, 7, 5), "F", units["school_a"].id, cells["a"].id, "thpt", None),
    ]  # fmt: skip


def test_the_same_sectioned_ods_list_reads_alike(world, officer, client):
    batch = upload(client, ods_bytes(SECTIONED, merges=SECTIONED_MERGES), "danh_sach.ods")
    assert (batch.rows, batch.new, batch.error_count) == (4, 4, 0)
    assert len(batch.mapping["shapes"]["filled"]) == 2


def test_a_section_naming_a_unit_out_of_scope_fails_its_rows_and_writes_nothing(
    world, officer, client
):
    rows = [list(r) for r in SECTIONED]
    rows[6] = ["I", "Trường THPT Bình Minh"]  # in the other ward
    batch = upload(client, xlsx_bytes(rows, merges=SECTIONED_MERGES))
    assert [(e["row"], e["code"]) for e in batch.errors] == [
        (8, "out_of_scope"),
        (9, "out_of_scope"),
    ]
    before = dump()
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Chưa ghi gì: 2 dòng có lỗi" in response.get_data(as_text=True)
    after = dump()
    assert after["candidate"] == before["candidate"] == []
    assert after["stage_event"] == before["stage_event"]


def test_an_uncertain_column_waits_for_confirmation_remembered_for_its_owner(
    world, officer, client
):
    data = xlsx_bytes(LONG)
    batch = upload(client, data)
    assert batch.mapping["uncertain"] == [8]
    assert batch.mapping["columns"]["8"] == "introducers"
    page = page_of(client, batch)
    assert "cần xác nhận" in page and "Chưa chắc chắn 1 cột: I «Họ tên người giới thiệu»" in page
    assert "disabled>Ghi vào sổ theo dõi" in page

    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Còn cột chưa chắc chắn" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Candidate.id))) == 0

    form = {}
    for i, name in batch.mapping["columns"].items():
        form[f"columns-{i}-column"] = i
        form[f"columns-{i}-field"] = name
    assert client.post(f"/imports/{batch.id}/mapping", data=form).status_code == 302
    db.session.expire_all()
    assert batch.mapping["uncertain"] == []
    saved = db.session.scalars(select(ImportMapping)).all()
    assert [m.owner for m in saved] == [f"user:{officer.id}"]

    again = upload(client, data)
    assert again.mapping["uncertain"] == [] and again.mapping["remembered"] is True
    assert "Đã áp dụng cách gán cột mà cơ quan của bạn đã xác nhận" in page_of(client, again)

    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Đã nhập 1 dòng: 1 thêm mới" in response.get_data(as_text=True)
    person = db.session.scalars(select(Candidate)).one()
    assert (person.full_name, person.id_number, person.introducers) == (
        "Đỗ Văn Minh",
        "001099001234",
        "Trần Văn Hùng",
    )
    assert person.unit_id == world["units"]["firm_a"].id
    trained = db.session.scalars(
        select(StageEvent).where(
            StageEvent.stage == "trained", StageEvent.candidate_id == person.id
        )
    ).one()
    assert (trained.event_date, trained.document_no) == (date(2024, 1, 15), "GCN-15")

    # Another officer's file with the same headers is asked again.
    client.post("/logout")
    login(client, world["users"]["admin"])
    other = upload(client, data)
    assert other.mapping["uncertain"] == [8] and other.mapping["remembered"] is False


def test_the_command_line_reads_the_same_shapes(world, runner, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes(SECTIONED, merges=SECTIONED_MERGES))
    code, report = cli_json(runner, path)
    assert code == 0 and (report["rows"], report["new"]) == (4, 4)
    assert codes(report) == []
    code, report = cli_json(runner, path, "--commit")
    assert code == 0
    assert [r[0] for r in stored()] == [
        "Trần Văn Đức",
        "Phạm Thị Thúy",
        "Nguyễn Văn An",
        "Lê Thị Hà",
    ]
    code, report = cli_json(runner, path)
    assert (report["new"], report["unchanged"]) == (0, 4)  # idempotent re-import


def several_sheets() -> bytes:
    """A cover, two class sheets (one person on both) and a summary of counts."""
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"]
    unit = "Trường THPT An Phú"
    return xlsx_bytes(
        [["HƯỚNG DẪN"], ["Mỗi lớp một trang; trang Tổng hợp không nhập."]],
        title="Hướng dẫn",
        more_sheets={
            "Lớp 12A1": [
                header,
                [1, "Nguyễn Văn An", "01/03/2005", "Nam", "001205001001", unit],
                [2, "Lê Thị Hà", "31/02/2006", "Nữ", None, unit],
            ],
            "Lớp 12A2": [
                header,
                [1, "Trần Văn Đức", "03/04/2006", "Nam", "001206001002", unit],
                [2, "Nguyễn Văn An", "01/03/2005", "Nam", "001205001001", unit],
            ],
            "Tổng hợp": [["Lớp", "Số lượng"], ["12A1", 2], ["12A2", 2]],
        },
    )


def test_every_sheet_of_a_workbook_in_one_batch_on_the_command_line(world, runner, tmp_path):
    path = tmp_path / "ca_truong.xlsx"
    path.write_bytes(several_sheets())
    code, report = cli_json(runner, path, "--all-sheets")
    assert code == 1 and report["rows"] == 4
    assert [(e["sheet"], e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        ("Lớp 12A1", 3, "birth_date", "invalid_date"),
        ("Lớp 12A2", 3, "id_number", "duplicate_in_file"),
    ]
    assert "dòng 2 (trang «Lớp 12A1»)" in report["errors"][1]["message"]
    code, report = cli_json(runner, path, "--sheet", "Lớp 12A2", "--sheet", "Lớp 12A1")
    # Read in the order asked: the person is first met on "Lớp 12A2".
    assert [(e["sheet"], e["row"], e["code"]) for e in report["errors"]] == [
        ("Lớp 12A1", 2, "duplicate_in_file"),
        ("Lớp 12A1", 3, "invalid_date"),
    ]
    result = runner.invoke(args=["import-candidates", str(path), "--all-sheets"])
    assert "Bỏ qua trang «Tổng hợp»" in result.output
    assert "Trang «Lớp 12A1», dòng 3" in result.output


def test_every_sheet_of_a_workbook_in_one_batch_on_the_web(world, officer, client):
    batch = upload(client, several_sheets(), "ca_truong.xlsx")
    assert batch.sheet == "Lớp 12A1" and batch.rows == 2
    response = client.post(f"/imports/{batch.id}/sheet", data={"sheet": "*"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (batch.sheet, batch.rows, batch.new, batch.error_count) == ("*", 4, 2, 2)
    page = page_of(client, batch)
    assert "Đọc 2 trang trong một lần nhập: «Lớp 12A1» (2 dòng), «Lớp 12A2» (2 dòng)" in page
    assert "«Tổng hợp» (không có bảng danh sách" in page and "«Hướng dẫn»" in page
    assert "Lớp 12A2 · 3" in page

    workbook = client.get(f"/imports/{batch.id}/errors.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["Lớp 12A1", "Lớp 12A2"]
    assert "không hợp lệ" in book["Lớp 12A1"].cell(3, 7).value
    assert "Trùng với dòng 2" in book["Lớp 12A2"].cell(3, 7).value
    assert book["Lớp 12A2"].cell(2, 7).value is None

    before = dump()
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Chưa ghi gì: 2 dòng có lỗi" in response.get_data(as_text=True)
    assert dump()["candidate"] == before["candidate"] == []


def test_a_clean_workbook_of_several_sheets_commits_every_sheet(world, officer, client):
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị"]
    data = xlsx_bytes(
        [header, [1, "Nguyễn Văn An", "01/03/2005", "Nam", "Trường THPT An Phú"]],
        title="Trường",
        more_sheets={
            "Doanh nghiệp": [
                header,
                [1, "Trần Văn Đức", "03/04/1998", "Nam", "Công ty TNHH Hoàng Liên"],
            ],
        },
    )
    batch = upload(client, data)
    client.post(f"/imports/{batch.id}/sheet", data={"sheet": "*"})
    response = client.post(f"/imports/{batch.id}/commit", follow_redirects=True)
    assert "Đã nhập 2 dòng: 2 thêm mới" in response.get_data(as_text=True)
    assert [(r[0], r[5]) for r in stored()] == [
        ("Trần Văn Đức", "cong_nhan"),
        ("Nguyễn Văn An", "thpt"),
    ]


def test_a_confirmed_mapping_belongs_to_the_organisation(world, client):
    """Confirmed by one officer of a commune, the mapping is applied to a colleague's next
    file with the same headers, and never to another commune's (issue: a place stored as
    a person's name)."""
    a, b = world["users"]["officer_a"], world["users"]["officer_b"]
    own = OrganisationFactory(code="UBND-AN", name="UBND Phường An", area=a.area)
    other = OrganisationFactory(code="UBND-BINH", name="UBND Phường Bình", area=b.area)
    a.organisation, b.organisation = own, other
    colleague = UserFactory(username="phuong.an2", role="area", area=a.area, organisation=own)
    db.session.commit()
    data = xlsx_bytes(LONG)
    login(client, a)
    batch = upload(client, data)
    form = {}
    for i, name in batch.mapping["columns"].items():
        form[f"columns-{i}-column"] = i
        form[f"columns-{i}-field"] = name
    assert client.post(f"/imports/{batch.id}/mapping", data=form).status_code == 302
    assert [m.owner for m in db.session.scalars(select(ImportMapping))] == [f"org:{own.id}"]
    client.post("/logout")
    login(client, colleague)
    again = upload(client, data)
    assert again.mapping["remembered"] is True and again.mapping["uncertain"] == []
    client.post("/logout")
    login(client, b)
    elsewhere = upload(client, data)
    assert elsewhere.mapping["remembered"] is False and elsewhere.mapping["uncertain"] == [8]
