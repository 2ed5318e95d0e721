"""The area tree keeps its paths right; admins edit it; load-areas loads it all or nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Area, AuditLog
from registry.services.org.area_paths import AreaError, move_area
from registry.services.org.areas import AreaData, create_area
from tests.factories import AreaFactory, UnitFactory, UserFactory, login


def _paths():
    return {a.code: (a.path, a.depth) for a in db.session.scalars(select(Area))}


@pytest.fixture
def tree(ctx):
    province = AreaFactory(code="P", level="province")
    d1 = AreaFactory(code="D1", level="district", parent=province)
    d2 = AreaFactory(code="D2", level="district", parent=province)
    c1 = AreaFactory(code="C1", parent=d1)
    c2 = AreaFactory(code="C2", parent=c1)
    db.session.commit()
    return {"P": province, "D1": d1, "D2": d2, "C1": c1, "C2": c2}


def test_added_area_gets_the_path_of_its_parent(tree):
    admin = UserFactory(role="admin")
    new = create_area(db.session, admin, AreaData("C3", "Xã Ba", "commune", tree["D2"]))
    assert new.path == f"{tree['D2'].path}{new.id}/" and new.depth == 2
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "area"))
    assert entry.action == "create" and entry.after["code"] == "C3"


def test_moving_a_subtree_rewrites_every_path_below_it(tree):
    move_area(db.session, tree["C1"], tree["D2"])
    db.session.commit()
    paths = _paths()
    d2_path = paths["D2"][0]
    c1_id, c2_id = tree["C1"].id, tree["C2"].id
    assert paths["C1"] == (f"{d2_path}{c1_id}/", 2)
    assert paths["C2"] == (f"{d2_path}{c1_id}/{c2_id}/", 3)
    assert paths["D1"][0] == f"{paths['P'][0]}{tree['D1'].id}/"


def test_moving_into_own_descendant_is_refused_and_changes_nothing(tree):
    before = _paths()
    with pytest.raises(AreaError, match="cấp dưới"):
        move_area(db.session, tree["D1"], tree["C2"])
    with pytest.raises(AreaError):
        move_area(db.session, tree["D1"], tree["D1"])
    db.session.rollback()
    assert _paths() == before


def test_admin_moves_renames_and_closes_an_area_through_the_form(tree, client):
    admin = UserFactory(role="admin")
    db.session.commit()
    login(client, admin)
    response = client.post(
        f"/units/areas/{tree['C1'].id}/edit",
        data={
            "code": "C1",
            "name": "Xã Một Mới",
            "level": "commune",
            "parent_id": tree["D2"].id,
            "valid_to": "2025-06-30",
            "successor_id": tree["D2"].id,
        },
        follow_redirects=True,
    )
    assert "Đã lưu địa bàn Xã Một Mới" in response.get_data(as_text=True)
    db.session.expire_all()
    c1, c2 = db.session.get(Area, tree["C1"].id), db.session.get(Area, tree["C2"].id)
    assert c1.parent_id == tree["D2"].id and c2.path.startswith(c1.path)
    assert c1.valid_to == date(2025, 6, 30) and c1.successor_id == tree["D2"].id
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.entity_id == c1.id)) == "move"


def test_the_form_refuses_a_move_into_own_descendant(tree, client):
    login(client, UserFactory(role="admin"))
    db.session.commit()
    response = client.post(
        f"/units/areas/{tree['D1'].id}/edit",
        data={"code": "D1", "name": "Huyện", "level": "district", "parent_id": tree["C2"].id},
    )
    assert "không thể chuyển" in response.get_data(as_text=True).lower()
    db.session.expire_all()
    assert db.session.get(Area, tree["D1"].id).parent_id == tree["P"].id


def test_only_admins_change_areas_and_others_read_their_part(tree, client):
    officer = UserFactory(role="area", area=tree["D1"])
    UnitFactory(area=tree["C1"])
    db.session.commit()
    login(client, officer)
    page = client.get("/units/areas").get_data(as_text=True)
    assert 'data-area="C1"' in page and 'data-area="D2"' not in page
    assert client.get("/units/areas/new").status_code == 403
    assert client.get(f"/units/areas/{tree['C1'].id}/edit").status_code == 403
    assert client.get(f"/units/areas/{tree['D2'].id}/edit").status_code == 404
    assert client.post(f"/units/areas/{tree['D2'].id}/edit", data={}).status_code == 404


AREAS_CSV = """code,name,level,parent_code,valid_from,valid_to
10,Tỉnh Lào Cai,province,,,
LC-002,Phường Cam Đường,Xã,10,01/07/2025,
080,Thành phố Lào Cai,huyện,10,,30/06/2025
080-01,Phường Cốc Lếu,commune,080,,30/06/2025
"""


def test_load_areas_upserts_by_code_with_parents_from_the_file_or_db(runner, tmp_path):
    AreaFactory(code="10", name="Tỉnh cũ", level="province")
    db.session.commit()
    path = tmp_path / "areas.csv"
    # Children listed before their parent still load: parents come first when written.
    lines = AREAS_CSV.splitlines()
    path.write_text("\n".join([lines[0], lines[4], *lines[1:4]]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["load-areas", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 mới, 1 cập nhật" in result.output
    areas = {a.code: a for a in db.session.scalars(select(Area))}
    assert areas["10"].name == "Tỉnh Lào Cai"
    assert areas["080-01"].path == f"{areas['080'].path}{areas['080-01'].id}/"
    assert areas["LC-002"].valid_from == date(2025, 7, 1) and areas["LC-002"].level == "commune"
    again = runner.invoke(args=["load-areas", str(path)])
    assert "0 mới, 0 cập nhật, 4 không đổi" in again.output


def test_load_areas_writes_nothing_when_a_row_is_wrong(runner, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(
        AREAS_CSV + "X1,Xã Lạc,commune,KHONGCO,,\nX2,,bogus,10,31/02/2025,\n", encoding="utf-8"
    )
    result = runner.invoke(args=["load-areas", str(path)])
    assert result.exit_code == 1
    assert "Dòng 6, cột «Mã cấp trên»: không có địa bàn mã «KHONGCO»" in result.output
    assert "Dòng 7, cột «Cấp»" in result.output and "Dòng 7, cột «Tên»" in result.output
    assert "Dòng 7, cột «Hiệu lực từ»" in result.output
    assert "chưa ghi gì" in result.output
    assert db.session.scalar(select(func.count()).select_from(Area)) == 0


def test_load_areas_reports_a_missing_column(runner, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("code,name\n1,A\n", encoding="utf-8")
    result = runner.invoke(args=["load-areas", str(path)])
    assert result.exit_code == 1 and "Không tìm thấy cột: Cấp, Mã cấp trên" in result.output
