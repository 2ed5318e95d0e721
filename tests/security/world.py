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
from io import BytesIO

import sqlalchemy as sa
from docx import Document

from registry.extensions import db
from registry.models import (
    AuditLog,
    Candidate,
    DossierItem,
    EnterpriseSurvey,
    HelperNote,
    Holiday,
    ImportBatch,
    ImportChange,
    Introducer,
    Job,
    Organisation,
    ReportingRound,
    RoundReporter,
    StageEvent,
    Submission,
    SubmissionDocument,
    SubmissionReport,
    SubmittedReport,
    Target,
    User,
)
from tests.factories import (
    AreaFactory,
    CandidateFactory,
    CellFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)
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
    "submission_id": "submission",
    "round_id": "round",
    "user_id": "user",
    "holiday_id": "holiday",
    "organisation_id": "organisation",
    "item_id": "dossier_item",
    "introducer_id": "introducer",
    "note_id": "helper_note",
    "job_id": "job",
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
    thpt_target = Target(year=2026, group_code="student", subgroup="thpt", area=area, count=4)
    db.session.add_all([area_target, unit_target, thpt_target])
    organisation = OrganisationFactory(
        code=f"UBND-{tag}",
        name=text(f"UBND Xã {tag}"),
        area=area,
        issuing_body=text(f"UBND XÃ {tag}"),
        signer_name=text(f"Người ký {tag}"),
    )
    officer = UserFactory(
        username=f"canbo{tag.lower()}",
        role="area",
        area=area,
        full_name=text(f"Cán bộ {tag}"),
        organisation=organisation,
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
    job = Job(
        kind="export",
        status="done",
        user_id=officer.id,
        title=text(f"Danh sách chi tiết {tag}"),
        message=text(f"Đã lập xong {tag}"),
        file=b"PK\x03\x04",
        file_name="danh-sach.xlsx",
        params={"report": "candidates"},
    )
    db.session.add(job)
    db.session.flush()
    files = {}
    for key, person in (("", student), ("worker_", worker)):
        item = DossierItem(
            candidate_id=person.id, kind="application", day=date(2025, 2, 1), number=text("Đơn")
        )
        introducer = Introducer(
            candidate_id=person.id,
            kind="member",
            name=text(f"Đảng viên {tag}"),
            day=date(2025, 2, 1),
            full_member_since=date(2010, 1, 1),
            months_together=24,
        )
        note = HelperNote(
            candidate_id=person.id,
            day=date(2025, 2, 3),
            helper=text(f"Đảng viên giúp đỡ {tag}"),
            text=text(f"Nhận xét {tag}"),
        )
        db.session.add_all([item, introducer, note])
        db.session.flush()
        files[f"{key}dossier_item"], files[f"{key}introducer"] = item.id, introducer.id
        files[f"{key}helper_note"] = note.id
    round_, submission = _round(tag, province, organisation, officer, text)
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
        "thpt_target": thpt_target.id,
        "batch": batch.id,
        "report": report.id,
        "user": officer.id,
        "organisation": organisation.id,
        **files,
        "round": round_.id,
        "submission": submission.id,
        "job": job.id,
    }
    markers = [student.full_name, worker.full_name, student.id_number, worker.id_number]
    return Side(ids=ids, markers=markers)


def _docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _round(tag: str, province, organisation, officer, text: Callable[[str], str]):
    """A round asking this side's organisation alone, and its submission, waiting."""
    opener = OrganisationFactory(code=f"SNV-{tag}", name=text(f"Sở Nội vụ {tag}"))
    round_ = ReportingRound(
        period_from=date(2025, 1, 1),
        period_to=date(2025, 6, 30),
        period_label="",
        reports="students",
        deadline=date(2025, 7, 15),
        note=text(f"Ghi chú đợt {tag}"),
        organisation_id=opener.id,
    )
    round_.reporters.append(RoundReporter(organisation_id=organisation.id))
    db.session.add(round_)
    db.session.flush()
    submission = Submission(
        round_id=round_.id,
        organisation_id=organisation.id,
        state="submitted",
        comment=text(f"Ý kiến {tag}"),
        area_id=province.id,
        kinds="thpt",
        submitted_by_id=officer.id,
        reason="",
    )
    submission.reports.append(
        SubmissionReport(report="students", workbook=b"PK\x03\x04", figures={"groups": []})
    )
    submission.documents.append(
        SubmissionDocument(kind="narrative", content=_docx(text(f"Báo cáo bằng văn bản {tag}")))
    )
    submission.documents.append(SubmissionDocument(kind="pdf", content=b"%PDF-1.7"))
    db.session.add(submission)
    db.session.flush()
    return round_, submission


def build_world(text: Callable[[str], str] = plain) -> World:
    province = AreaFactory(code="TINH", name=text("Tỉnh Thử"), level="province")
    users: dict[str, User] = {
        "admin": UserFactory(username="quantri", role="admin", full_name=text("Quản trị")),
        "province": UserFactory(username="sonoivu", role="province"),
        "gddt": UserFactory(username="sogddt", role="province", subgroups="thpt,gdnn_gdtx"),
    }
    a = _side("A", province, 1, text, users)
    b = _side("B", province, 2, text, users)
    holiday = Holiday(day=date(2026, 9, 2), name=text("Quốc khánh"), kind="holiday")
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
            "dossier_item": b["dossier_item"],
            "introducer": b["introducer"],
            "helper_note": b["helper_note"],
            "round": b["round"],
            "submission": b["submission"],
            "job": b["job"],
        }
    if role == "gddt":  # Sở GD&ĐT: THPT students and GDNN-GDTX learners only
        a = world.a.ids
        return {
            "job": a["job"],  # a background job is its owner's alone
            "candidate": a["worker"],
            "event": a["worker_event"],
            "unit": a["firm"],
            "survey": a["survey"],
            # A workers' target, and the whole student group's (it holds sinh_vien).
            "target": a["unit_target"],
            "dossier_item": a["worker_dossier_item"],
            "introducer": a["worker_introducer"],
            "helper_note": a["worker_helper_note"],
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
        Organisation,
        DossierItem,
        Introducer,
        HelperNote,
        ReportingRound,
        Submission,
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
