"""An area code is unique within its validity, not for ever: the merged Lào Cai takes code 15
from 1 July 2025, which Yên Bái held until 30 June 2025 (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date
from importlib import resources

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Area, Target, Unit
from registry.services.org.area_paths import AreaError
from registry.services.org.areas import AreaData, by_code, create_area, update_area
from tests.factories import AreaFactory, UserFactory, login

REFORM, BEFORE = date(2025, 7, 1), date(2025, 6, 30)


@pytest.fixture
def yen_bai(ctx):
    area = AreaFactory(code="15", name="Tỉnh Yên Bái", level="province", valid_to=BEFORE)
    db.session.commit()
    return area


def test_a_code_is_reused_once_its_former_holder_has_ended(yen_bai):
    admin = UserFactory(role="admin")
    data = AreaData("15", "Tỉnh Lào Cai", "province", None, valid_from=REFORM)
    merged = create_area(db.session, admin, data)
    db.session.commit()
    assert by_code(db.session, "15", date(2024, 12, 31)).id == yen_bai.id
    assert by_code(db.session, "15", date(2026, 1, 1)).id == merged.id
    assert by_code(db.session, "15").id == merged.id  # today's


def test_a_code_held_on_the_same_days_is_refused_with_a_vietnamese_message(yen_bai):
    admin = UserFactory(role="admin")
    data = AreaData("15", "Tỉnh Mới", "province", None, valid_from=date(2025, 6, 1))
    with pytest.raises(AreaError) as refused:
        create_area(db.session, admin, data)
    assert str(refused.value).startswith(
        "Mã địa bàn «15» đang là mã của «Tỉnh Yên Bái» (hiệu lực đến 30/06/2025)"
    )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Area)) == 1


def test_lengthening_a_validity_into_another_holders_is_refused(yen_bai):
    admin = UserFactory(role="admin")
    merged = create_area(
        db.session, admin, AreaData("15", "Tỉnh Lào Cai", "province", None, valid_from=REFORM)
    )
    with pytest.raises(AreaError, match="«Tỉnh Lào Cai» \\(hiệu lực từ 01/07/2025\\)"):
        update_area(db.session, admin, yen_bai, AreaData("15", "Tỉnh Yên Bái", "province", None))
    db.session.rollback()
    assert merged.id is not None


def test_the_database_itself_refuses_an_overlapping_code(yen_bai):
    """Whatever the write path (a script, a later bug), the schema keeps the rule."""
    insert = sa.text(
        "INSERT INTO area (code, name, level, path, depth, valid_from, disadvantaged)"
        " VALUES ('15', 'Tỉnh Chồng', 'province', '/', 0, :day, false)"
    )
    with pytest.raises(sa.exc.DatabaseError, match="area_code_overlap"):
        db.session.execute(insert, {"day": date(2025, 1, 1)})
    db.session.rollback()
    db.session.execute(insert, {"day": REFORM})  # after Yên Bái's last day: accepted
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(Area.code == "15")) == 2


def test_the_area_form_shows_the_clash_and_accepts_a_reuse(yen_bai, client):
    login(client, UserFactory(role="admin"))
    db.session.commit()
    form = {"code": "15", "name": "Tỉnh Lào Cai", "level": "province", "valid_from": "2025-06-01"}
    page = client.post("/units/areas/new", data=form).get_data(as_text=True)
    assert "Mã địa bàn «15» đang là mã của «Tỉnh Yên Bái»" in page
    assert db.session.scalar(select(func.count()).select_from(Area)) == 1
    response = client.post(
        "/units/areas/new", data=dict(form, valid_from="2025-07-01"), follow_redirects=True
    )
    assert "Đã thêm địa bàn Tỉnh Lào Cai" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Area.code == "15")) == 2


# --- load-areas ---------------------------------------------------------------------------


def _write(tmp_path, text: str):
    path = tmp_path / "areas.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_yen_bai_list_loads_beside_the_merged_province_that_took_its_code(runner, tmp_path, ctx):
    merged = AreaFactory(code="15", name="Tỉnh Lào Cai", level="province", valid_from=REFORM)
    db.session.commit()
    shipped = resources.files("registry").joinpath("data", "yen_bai_districts_2024.csv")
    path = _write(tmp_path, shipped.read_text(encoding="utf-8"))
    result = runner.invoke(args=["load-areas", path])
    assert result.exit_code == 0, result.output
    assert "10 mới, 0 cập nhật" in result.output
    former = db.session.scalar(select(Area).where(Area.code == "15", Area.id != merged.id))
    assert (former.name, former.valid_to) == ("Tỉnh Yên Bái", BEFORE)
    # "Mã cấp trên 15" of a district valid to 30/06/2025 is Yên Bái, not the new Lào Cai.
    districts = db.session.scalars(select(Area).where(Area.level == "district")).all()
    assert len(districts) == 9 and {d.parent_id for d in districts} == {former.id}
    again = runner.invoke(args=["load-areas", path])
    assert "0 mới, 0 cập nhật, 10 không đổi" in again.output


def test_one_file_ends_the_former_holder_and_makes_the_new_one(runner, tmp_path, ctx):
    AreaFactory(code="15", name="Tỉnh Yên Bái", level="province")
    AreaFactory(code="10", name="Tỉnh Lào Cai", level="province")
    db.session.commit()
    path = _write(
        tmp_path,
        "code,name,level,parent_code,valid_from,valid_to,successor_code\n"
        "15,Tỉnh Lào Cai,province,,01/07/2025,,\n"
        "15,Tỉnh Yên Bái,province,,,30/06/2025,15\n"
        "10,Tỉnh Lào Cai,province,,,30/06/2025,15\n"
        "LC-101,Phường Yên Bái,commune,15,01/07/2025,,\n",
    )
    result = runner.invoke(args=["load-areas", path])
    assert result.exit_code == 0, result.output
    assert "2 mới, 2 cập nhật" in result.output
    merged = by_code(db.session, "15", REFORM)
    assert merged.name == "Tỉnh Lào Cai" and merged.valid_from == REFORM
    for code in ("10", "15"):
        former = by_code(db.session, code, BEFORE)
        assert former.valid_to == BEFORE and former.successor_id == merged.id
    assert by_code(db.session, "LC-101").parent_id == merged.id


def test_a_file_that_clashes_on_a_code_writes_nothing(runner, tmp_path, yen_bai):
    path = _write(
        tmp_path,
        "code,name,level,parent_code,valid_from,valid_to\n"
        "15,Tỉnh Mới,province,,01/01/2025,\n"
        "20,Tỉnh Hai,province,,,\n"
        "20,Tỉnh Hai Bis,province,,01/01/2020,\n",
    )
    result = runner.invoke(args=["load-areas", path])
    assert result.exit_code == 1
    assert "Dòng 2, cột «Mã»: Mã địa bàn «15» đang là mã của «Tỉnh Yên Bái»" in result.output
    assert "Dòng 4, cột «Mã»: trùng với dòng 3 trong cùng thời gian hiệu lực" in result.output
    assert db.session.scalar(select(func.count()).select_from(Area)) == 1


# --- other sheets: a code names the area valid at the row's date, or today -------------


def test_units_are_placed_in_the_area_holding_the_code_today(runner, tmp_path, yen_bai):
    merged = AreaFactory(code="15", name="Tỉnh Lào Cai", level="province", valid_from=REFORM)
    db.session.commit()
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name,kind,area_code,tax_code,cell\nTHPT-X,Trường THPT X,thpt,15,,\n", "utf-8"
    )
    result = runner.invoke(args=["import-units", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Unit.area_id).where(Unit.code == "THPT-X")) == merged.id


def test_a_target_row_names_the_area_valid_at_the_end_of_its_year(client, yen_bai):
    merged = AreaFactory(code="15", name="Tỉnh Lào Cai", level="province", valid_from=REFORM)
    login(client, UserFactory(role="admin"))
    db.session.commit()
    sheet = (
        "Năm,Đối tượng,Mã địa bàn,Mã đơn vị,Chỉ tiêu\n2024,Học sinh,15,,8\n2026,Học sinh,15,,9\n"
    )
    response = client.post(
        "/units/targets/import",
        data={"file": (io.BytesIO(sheet.encode()), "chitieu.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã nhập 2 chỉ tiêu" in response.get_data(as_text=True)
    owners = dict(db.session.execute(select(Target.year, Target.area_id)).all())
    assert owners == {2024: yen_bai.id, 2026: merged.id}


def test_create_user_takes_the_area_valid_today(runner, yen_bai):
    merged = AreaFactory(code="15", name="Tỉnh Lào Cai", level="province", valid_from=REFORM)
    db.session.commit()
    result = runner.invoke(
        args=["create-user", "canbo15", "--role", "area", "--area", "15"],
        input="Mat-khau-rat-dai-2026\nMat-khau-rat-dai-2026\n",
    )
    assert result.exit_code == 0, result.output
    from registry.models import User

    assert db.session.scalar(select(User.area_id).where(User.username == "canbo15")) == merged.id
