from sqlalchemy import func, select

from registry.domain.taxcode import normalise_tax_code
from registry.domain.workdays import full_months_between, today_vn
from registry.extensions import db
from registry.models import Area, AuditLog, Candidate, Holiday, StageEvent, Unit, User
from tests.factories import AreaFactory, CellFactory


def test_init_db_is_repeatable_and_loads_holidays(runner):
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "phiên bản mới nhất" in first.output
    holidays = db.session.scalar(select(func.count()).select_from(Holiday))
    assert holidays > 50
    again = runner.invoke(args=["init-db"])
    assert "(0 ngày nghỉ lễ được thêm)" in again.output


def test_create_user_reads_password_from_stdin(runner):
    area = AreaFactory(code="X01")
    db.session.commit()
    result = runner.invoke(
        args=["create-user", "canbo.x01", "--role", "area", "--area", "X01"],
        input="MatKhauManh2026\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "canbo.x01"))
    assert user.area_id == area.id and user.check_password("MatKhauManh2026")
    assert db.session.scalar(select(AuditLog.actor)) == "dòng lệnh"


def test_create_user_refuses_weak_password_and_missing_area(runner):
    weak = runner.invoke(args=["create-user", "a1", "--role", "admin"], input="123\n")
    assert weak.exit_code != 0 and "ít nhất 10 ký tự" in weak.output
    no_area = runner.invoke(
        args=["create-user", "a2", "--role", "area", "--area", "KHONGCO"], input="MatKhau12345\n"
    )
    assert no_area.exit_code != 0 and "--area" in no_area.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_fills_an_empty_database_once(runner):
    result = runner.invoke(args=["seed-demo", "--candidates", "300"])
    assert result.exit_code == 0, result.output
    assert "laocai@2026" in result.output and "chibo.thpt1" in result.output
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 300
    stages = set(db.session.scalars(select(Candidate.stage).distinct()))
    assert {"source", "trained", "admitted", "full_member"} <= stages
    # Every candidate's stored last date agrees with their events, none in the future,
    # and nobody was proposed by the cell before turning 18.
    latest = (
        select(func.max(StageEvent.event_date))
        .where(StageEvent.candidate_id == Candidate.id)
        .scalar_subquery()
    )
    assert db.session.scalar(select(func.count()).where(Candidate.last_event_date != latest)) == 0
    assert db.session.scalar(select(func.max(StageEvent.event_date))) <= today_vn()
    for birth, proposed in db.session.execute(
        select(Candidate.birth_date, Candidate.cell_resolution_date).where(
            Candidate.cell_resolution_date.is_not(None)
        )
    ):
        assert full_months_between(birth, proposed) >= 216
    for (tax_code,) in db.session.execute(select(Unit.tax_code).where(Unit.tax_code.is_not(None))):
        assert normalise_tax_code(tax_code) == tax_code
    again = runner.invoke(args=["seed-demo"])
    assert "không nạp dữ liệu mẫu" in again.output
    assert db.session.scalar(select(func.count()).select_from(Candidate)) == 300
    # Nine districts in each former province (Lào Cai and Yên Bái, to 30/06/2025).
    assert (
        db.session.scalar(select(func.count()).select_from(Area).where(Area.level == "district"))
        == 18
    )


def test_create_user_is_the_user_service_with_the_typed_password_kept(runner):
    AreaFactory(code="X01")
    db.session.commit()
    created = runner.invoke(
        args=[
            "create-user",
            "canbo.x01",
            "--role",
            "area",
            "--area",
            "X01",
            "--subgroups",
            "thpt,GDNN_GDTX",
            "--no-forced-change",
        ],
        input="MatKhauManh2026\n",
    )
    assert created.exit_code == 0, created.output
    user = db.session.scalar(select(User).where(User.username == "canbo.x01"))
    assert (user.subgroup_codes, user.must_change_password) == (("thpt", "gdnn_gdtx"), False)
    # The same name in capitals is the same account, as on the admin page.
    again = runner.invoke(
        args=["create-user", "CANBO.X01", "--role", "admin"], input="MatKhauManh2026\n"
    )
    assert again.exit_code != 0 and "«CANBO.X01» đã có" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_refuses_the_published_demo_password(runner):
    from registry.demo.accounts import DEMO_PASSWORD

    for password in (DEMO_PASSWORD, DEMO_PASSWORD.upper(), f" {DEMO_PASSWORD} "):
        result = runner.invoke(args=["create-user", "quantri", "--role", "admin"], input=password)
        assert result.exit_code != 0 and "mật khẩu dùng thử" in result.output, password
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_user_made_on_the_command_line_changes_the_password_at_first_sign_in(runner, client):
    result = runner.invoke(
        args=["create-user", "quantri", "--role", "admin"], input="Manh2026xyz\n"
    )
    assert result.exit_code == 0, result.output
    assert "đổi mật khẩu" in result.output
    client.post("/login", data={"username": "quantri", "password": "Manh2026xyz"})
    response = client.get("/candidates/")
    assert response.status_code == 302 and response.headers["Location"] == "/password"


def test_create_user_without_a_forced_change_only_when_asked(runner):
    result = runner.invoke(
        args=["create-user", "quantri", "--role", "admin", "--no-forced-change"],
        input="Manh2026xyz\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "quantri"))
    assert user.must_change_password is False
    assert db.session.scalar(select(AuditLog.after)).get("must_change_password") is False


def test_create_user_finds_the_cell_by_name_or_number_and_checks_the_subgroups(runner):
    cell = CellFactory(name="Chi bộ Trường THPT Số Một")
    db.session.commit()
    by_name = runner.invoke(
        args=["create-user", "bithu.mot", "--role", "cell", "--cell", "Chi bộ Trường THPT Số Một"],
        input="MatKhauManh2026\n",
    )
    assert by_name.exit_code == 0, by_name.output
    by_number = runner.invoke(
        args=["create-user", "bithu.hai", "--role", "cell", "--cell", str(cell.id),
              "--subgroups", "student"],
        input="MatKhauManh2026\n",
    )  # fmt: skip
    assert by_number.exit_code == 0, by_number.output
    made = dict(db.session.execute(select(User.username, User.cell_id)).tuples().all())
    assert made == {"bithu.mot": cell.id, "bithu.hai": cell.id}
    two = db.session.scalar(select(User).where(User.username == "bithu.hai"))
    assert two.subgroup_codes == ("thpt", "gdnn_gdtx", "sinh_vien")  # a group: all of its own
    unknown = runner.invoke(
        args=["create-user", "bithu.ba", "--role", "cell", "--cell", "Chi bộ Không Có"],
        input="MatKhauManh2026\n",
    )
    assert unknown.exit_code != 0 and "mã số hoặc tên chi bộ" in unknown.output
    wrong = runner.invoke(
        args=["create-user", "so.moi", "--role", "province", "--subgroups", "thpt,hoc_sinh"],
        input="MatKhauManh2026\n",
    )
    assert wrong.exit_code != 0 and "Không có đối tượng «hoc_sinh»" in wrong.output
    assert db.session.scalar(select(User).where(User.username == "so.moi")) is None
