"""A province with two communes, A and B, holding a record of every kind each.

The security tests sign in as a user of side A (or a user restricted to students) and
aim at side B's records. `text` decorates every free-text value, so the same world
carries XSS payloads into every field a page may render.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from registry.extensions import db
from registry.models import (
    AuditLog,
    Candidate,
    EnterpriseSurvey,
    Holiday,
    ImportBatch,
    ImportChange,
    StageEvent,
    SubmittedReport,
    Target,
    User,
)
from tests.factories import AreaFactory, CandidateFactory, CellFactory, UnitFactory, UserFactory
from tests.fixtures.sheets import xlsx_bytes

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMG)
MISSING_ID = 987_654

# URL parameter name → kind of record it names. A new route whose parameter is not
# listed here fails the route tests until its kind is added (so it gets attacked too).
PARAM_KINDS = {
    "candidate_id": "candidate",
    "event_id": "event",
    "unit_id": "unit",
    "cell_id": "cell",
    "area_id": "area",
    "survey_id": "survey",
    "target_id": "target",
    "batch_id": "batch",
    "report_id": "report",
    "submission_id": "report",
    "user_id": "user",
    "holiday_id": "holiday",
    "token_id": "token",
}


@dataclass
class Side:
    """One commune's records, by kind."""

    ids: dict[str, int] = field(default_factory=dict)
    # Strings that only this side's pages hold: seeing one elsewhere is a leak.
    markers: list[str] = field(default_factory=list)


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, User]
    objects: dict[str, object]


def plain(text: str) -> str:
    return text


def with_payload(text: str) -> str:
    """Half the fields get one payload, half the other."""
    payload = SCRIPT if len(text) % 2 else IMG
    return f"{text} {payload}"


def _side(tag: str, province, number: int, text: Callable[[str], str], users: dict) -> Side:
    area = AreaFactory(code=f"X{tag}", name=text(f"Xã {tag}"), parent=province)
    cell = CellFactory(name=text(f"Chi bộ {tag}"), area=area)
    school = UnitFactory(
        code=f"TH{tag}", name=text(f"Trường {tag}"), kind="thpt", area=area, cell=cell
    )
    firm = UnitFactory(
        code=f"DN{tag}",
        name=text(f"Công ty {tag}"),
        kind="cong_ty_tnhh",
        area=area,
        cell=cell,
        address=text(f"Số {number} đường {tag}"),
    )
    survey = EnterpriseSurvey(
        unit=firm, survey_date=date(2025, 1, 2), workers=40, note=text(f"Khảo sát {tag}")
    )
    db.session.add(survey)
    student = CandidateFactory(
        full_name=text(f"Học Sinh {tag}"),
        unit=school,
        id_number=f"00120600{number:04d}",
        hometown=text(f"Quê {tag}"),
        class_or_job=text(f"Lớp 12{tag}"),
        helpers=text(f"Giúp {tag}"),
        introducers=text(f"Giới thiệu {tag}"),
        note=text(f"Ghi chú {tag}"),
        religion=text(f"Đạo {tag}"),
    )
    worker = CandidateFactory(
        full_name=text(f"Công Nhân {tag}"),
        unit=firm,
        group_code="worker",
        subgroup="cong_nhan",
        birth_date=date(1998, 3, 4),
        id_number=f"00109800{number + 50:04d}",
        note=text(f"Ghi chú thợ {tag}"),
    )
    db.session.flush()
    trained = StageEvent(
        candidate=student,
        stage="trained",
        event_date=date(2025, 3, 1),
        document_no=text(f"GCN-{tag}"),
        note=text(f"Lớp nhận thức {tag}"),
        unit_id=school.id,
        cell_id=cell.id,
    )
    worker_trained = StageEvent(
        candidate=worker,
        stage="trained",
        event_date=date(2025, 3, 1),
        document_no=f"GCN-T-{tag}",
        unit_id=firm.id,
        cell_id=cell.id,
    )
    student.stage, student.trained_date = "trained", date(2025, 3, 1)
    student.certificate_no, student.last_event_date = f"GCN-{tag}", date(2025, 3, 1)
    worker.stage, worker.trained_date = "trained", date(2025, 3, 1)
    db.session.add_all([trained, worker_trained])
    area_target = Target(year=2026, group_code="student", area=area, count=7)
    unit_target = Target(year=2026, group_code="worker", unit=firm, count=3)
    db.session.add_all([area_target, unit_target])
    officer = UserFactory(
        username=f"canbo{tag.lower()}", role="area", area=area, full_name=text(f"Cán bộ {tag}")
    )
    secretary = UserFactory(
        username=f"bithu{tag.lower()}", role="cell", cell=cell, full_name=text(f"Bí thư {tag}")
    )
    db.session.flush()
    # A sheet name holds at most 31 characters: the shorter payload fits.
    sheet = "<img src=x onerror=alert(1)>" if text is not plain else f"Danh sách {tag}"
    rows = [["Họ và tên", "Ngày sinh", "Mã đơn vị"], [student.full_name, "01/05/2006", school.code]]
    content = xlsx_bytes(rows, title=sheet)
    batch = ImportBatch(
        kind="candidates",
        filename=text(f"ds_{tag}") + ".xlsx",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        sheet=sheet,
        mapping={"sheets": [sheet], "labels": [text(f"Cột {tag}")]},
        uploaded_by_id=officer.id,
        actor=officer.username,
        area_id=area.id,
        status="committed",
        rows=1,
        new=1,
    )
    db.session.add(batch)
    db.session.flush()
    db.session.add(ImportChange(batch_id=batch.id, candidate_id=student.id, action="new"))
    report = SubmittedReport(
        report="students",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 12, 31),
        area_id=area.id,
        submitted_by_id=officer.id,
        workbook=b"PK\x03\x04",
        figures={"total": 1},
    )
    db.session.add(report)
    db.session.flush()
    users[f"area_{tag.lower()}"] = officer
    users[f"cell_{tag.lower()}"] = secretary
    ids = {
        "area": area.id,
        "cell": cell.id,
        "unit": school.id,
        "firm": firm.id,
        "survey": survey.id,
        "candidate": student.id,
        "worker": worker.id,
        "event": trained.id,
        "worker_event": worker_trained.id,
        "target": area_target.id,
        "unit_target": unit_target.id,
        "batch": batch.id,
        "report": report.id,
        "user": officer.id,
    }
    markers = [student.full_name, worker.full_name, student.id_number, worker.id_number]
    return Side(ids=ids, markers=markers)


def build_world(text: Callable[[str], str] = plain) -> World:
    province = AreaFactory(code="TINH", name=text("Tỉnh Thử"), level="province")
    users: dict[str, User] = {
        "admin": UserFactory(username="quantri", role="admin", full_name=text("Quản trị")),
        "province": UserFactory(username="sonoivu", role="province"),
        "gddt": UserFactory(username="sogddt", role="province", subgroup="thpt"),
    }
    a = _side("A", province, 1, text, users)
    b = _side("B", province, 2, text, users)
    holiday = Holiday(day=date(2026, 9, 2), name=text("Quốc khánh"), kind="fixed")
    db.session.add(holiday)
    db.session.flush()
    a.ids["holiday"] = b.ids["holiday"] = holiday.id
    db.session.commit()
    return World(a=a, b=b, users=users, objects={"province": province, "holiday": holiday})


# Which of side B's (or side A's worker) records each signed-in role must not reach.
def hidden_ids(world: World, role: str) -> dict[str, int]:
    """Kind → id of a record outside `role`'s scope (kinds it may see are left out)."""
    b = world.b.ids
    if role in ("area_a", "cell_a"):
        return {
            "candidate": b["candidate"],
            "event": b["event"],
            "unit": b["unit"],
            "cell": b["cell"],
            "area": b["area"],
            "survey": b["survey"],
            "target": b["target"],
            "batch": b["batch"],
            "report": b["report"],
        }
    if role == "gddt":  # Sở GD&ĐT: THPT students only
        a = world.a.ids
        return {
            "candidate": a["worker"],
            "event": a["worker_event"],
            "unit": a["firm"],
            "survey": a["survey"],
        }
    raise KeyError(role)


def own_ids(world: World) -> dict[str, int]:
    """Kind → id of side A's record of that kind."""
    return dict(world.a.ids)


def fingerprint() -> str:
    """A digest of every table that holds data, to prove a request changed nothing."""
    digest = hashlib.sha256()
    for model in (
        Candidate,
        StageEvent,
        EnterpriseSurvey,
        Target,
        ImportBatch,
        ImportChange,
        SubmittedReport,
        User,
        Holiday,
    ):
        table = model.__table__
        columns = [c for c in table.columns if not isinstance(c.type, sa.LargeBinary)]
        rows = db.session.execute(sa.select(*columns).order_by(table.c.id)).all()
        digest.update(repr([(model.__name__, tuple(r)) for r in rows]).encode())
    for model_name in ("area", "party_cell", "unit"):
        table = db.metadata.tables[model_name]
        rows = db.session.execute(sa.select(table).order_by(table.c.id)).all()
        digest.update(repr(rows).encode())
    return digest.hexdigest()


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))
