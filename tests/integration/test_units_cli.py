"""`import-units FILE`: upsert by code, cells by name, tax codes checked, all or nothing."""

import io

import openpyxl
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditLog, ImportBatch, PartyCell, Unit
from tests.factories import AreaFactory, CellFactory, UnitFactory

HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại hình", "Mã địa bàn", "Mã số thuế", "Chi bộ"]


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH ĐƠN VỊ"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_import_units_creates_updates_and_matches_cells(runner, tmp_path):
    area = AreaFactory(code="LC-001", name="Phường Lào Cai")
    CellFactory(name="Chi bộ Doanh nghiệp Phường Lào Cai", area=area)
    UnitFactory(code="DN001", name="Tên cũ", kind="cong_ty_tnhh", area=area, tax_code="0100233488")
    db.session.commit()
    path = _xlsx(
        tmp_path / "donvi.xlsx",
        [
            [
                "DN001",
                "Công ty TNHH Kim Thành",
                "Công ty TNHH",
                "LC-001",
                None,
                "chi bo doanh nghiep phuong lao cai",
            ],
            ["DN002", "Hợp tác xã Chè", "HTX", "LC-001", "0314409058-002", "Chi bộ Hợp tác xã"],
            ["THPT9", "Trường THPT số 9", "thpt", "LC-001", None, None],
        ],
    )
    result = runner.invoke(args=["import-units", path])
    assert result.exit_code == 0, result.output
    assert "2 mới, 1 cập nhật" in result.output and "1 chi bộ mới" in result.output
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    assert units["DN001"].name == "Công ty TNHH Kim Thành"
    assert units["DN001"].tax_code == "0100233488"  # a blank cell keeps the stored value
    assert units["DN001"].cell.name == "Chi bộ Doanh nghiệp Phường Lào Cai"
    assert units["DN002"].kind == "hop_tac_xa" and units["DN002"].tax_code == "0314409058-002"
    assert units["DN002"].cell.name == "Chi bộ Hợp tác xã"
    assert db.session.scalar(select(ImportBatch.kind)) == "units"
    assert db.session.scalar(select(func.count()).where(AuditLog.entity == "unit")) == 3
    again = runner.invoke(args=["import-units", path])
    assert "0 mới, 0 cập nhật, 3 không đổi" in again.output


def test_import_units_writes_nothing_when_a_row_is_wrong(runner, tmp_path):
    AreaFactory(code="LC-001")
    db.session.commit()
    path = _xlsx(
        tmp_path / "donvi.xlsx",
        [
            ["DN001", "Công ty A", "cong_ty_tnhh", "LC-001", "0100233488", None],
            ["DN002", "Công ty B", "Công ty ma", "KHONGCO", "0100233480", None],
            ["DN001", "Công ty A lặp", "cong_ty_tnhh", "LC-001", None, None],
        ],
    )
    result = runner.invoke(args=["import-units", path])
    assert result.exit_code == 1
    assert "Dòng 4, cột «Loại»" in result.output
    assert "Dòng 4, cột «Mã số thuế»: Mã số thuế sai chữ số kiểm tra" in result.output
    assert "Dòng 4, cột «Mã địa bàn»: không có địa bàn mã «KHONGCO»" in result.output
    assert "Dòng 5, cột «Mã đơn vị»: trùng với dòng 3" in result.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    assert db.session.scalar(select(func.count()).select_from(PartyCell)) == 0
