"""A province with two wards reporting to Sở Nội vụ, for the reporting-round tests.

Ward A has one THPT student trained on 01/03/2025, ward B two; each ward has an
enterprise worker too. The first half of 2025 is the period the rounds ask about.
"""

from __future__ import annotations

from datetime import date

from registry.extensions import db
from registry.models import Holiday, ReportingRound, StageEvent, Submission
from registry.services.candidates.stages import sync_stage_columns
from tests.factories import (
    AreaFactory,
    CandidateFactory,
    CellFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    login,
)

TRAINED = date(2025, 3, 1)


def _trained(name: str, unit, number: int):
    candidate = CandidateFactory(
        full_name=name,
        unit=unit,
        source_date=date(2025, 1, 10),
        id_number=f"00120600{number:04d}",
        group_code="student" if unit.kind == "thpt" else "worker",
        subgroup="thpt" if unit.kind == "thpt" else "cong_nhan",
        birth_date=date(2006, 5, 1) if unit.kind == "thpt" else date(1998, 5, 1),
    )
    db.session.add(
        StageEvent(
            candidate=candidate,
            stage="trained",
            event_date=TRAINED,
            document_no=f"GCN-{number}",
            unit_id=unit.id,
            cell_id=unit.cell_id,
            sequence=2,
        )
    )
    db.session.flush()
    sync_stage_columns(candidate)
    return candidate


def _ward(tag: str, province, people: int, first: int) -> dict:
    area = AreaFactory(code=f"P{tag}", name=f"Phường {tag}", level="commune", parent=province)
    cell = CellFactory(name=f"Chi bộ {tag}", area=area)
    school = UnitFactory(code=f"THPT-{tag}", name=f"Trường THPT {tag}", area=area, cell=cell)
    firm = UnitFactory(
        code=f"DN-{tag}", name=f"Công ty {tag}", kind="cong_ty_tnhh", area=area, cell=cell
    )
    org = OrganisationFactory(code=f"UBND-{tag}", name=f"UBND Phường {tag}", area=area)
    students = [_trained(f"Học Sinh {tag}{n}", school, first + n) for n in range(people)]
    worker = _trained(f"Công Nhân {tag}", firm, first + 50)
    officer = UserFactory(username=f"canbo{tag.lower()}", role="area", area=area, organisation=org)
    secretary = UserFactory(username=f"bithu{tag.lower()}", role="cell", cell=cell)
    return {
        "area": area,
        "school": school,
        "firm": firm,
        "org": org,
        "students": students,
        "worker": worker,
        "officer": officer,
        "secretary": secretary,
    }


def build_world() -> dict:
    province = AreaFactory(code="TT", name="Tỉnh Thử", level="province")
    snv = OrganisationFactory(code="SNV", name="Sở Nội vụ")
    stc = OrganisationFactory(code="STC", name="Sở Tài chính")
    world = {
        "province": province,
        "snv": snv,
        "stc": stc,
        "a": _ward("A", province, 1, 1),
        "b": _ward("B", province, 2, 10),
        "c_org": OrganisationFactory(code="DU-C", name="Đảng ủy Phường C"),
        "home_affairs": UserFactory(username="sonoivu", role="province", organisation=snv),
        "finance": UserFactory(username="sotaichinh", role="province", organisation=stc),
        "admin": UserFactory(username="quantri", role="admin"),
    }
    # The 2025 National Day holidays (Monday 1 and Tuesday 2 September).
    db.session.add_all(
        [
            Holiday(day=date(2025, 9, 1), name="Quốc khánh", kind="holiday"),
            Holiday(day=date(2025, 9, 2), name="Quốc khánh", kind="holiday"),
        ]
    )
    db.session.commit()
    return world


def sign_in(client, user):
    client.post("/logout")
    response = login(client, user)
    assert response.status_code == 200
    return client


def open_round(client, world, reporters=None, **fields) -> ReportingRound:
    """Sở Nội vụ opens a round for the first half of 2025 (students unless told)."""
    sign_in(client, world["home_affairs"])
    reporters = reporters or [world["a"]["org"], world["b"]["org"]]
    data = {
        "preset": "half",
        "year": "2025",
        "quarter": "1",
        "reports": ["students"],
        "reporters": [str(o.id) for o in reporters],
        "deadline": "15/07/2025",
        "note": "Gửi kèm báo cáo bằng văn bản.",
        **fields,
    }
    response = client.post("/rounds/new", data=data)
    assert response.status_code == 302, response.text[-2000:]
    db.session.expire_all()
    return db.session.scalars(db.select(ReportingRound).order_by(ReportingRound.id.desc())).first()


def send(client, user, round_, comment="") -> Submission:
    sign_in(client, user)
    response = client.post(f"/rounds/{round_.id}/send", data={"comment": comment})
    assert response.status_code == 302, response.text[-2000:]
    return latest(round_, user.organisation_id)


def latest(round_, organisation_id) -> Submission:
    db.session.expire_all()
    return db.session.scalars(
        db.select(Submission)
        .where(Submission.round_id == round_.id, Submission.organisation_id == organisation_id)
        .order_by(Submission.id.desc())
    ).first()


def review(client, world, submission, action: str, reason: str = ""):
    sign_in(client, world["admin"] if action == "unlock" else world["home_affairs"])
    url = f"/rounds/{submission.round_id}/submissions/{submission.id}/{action}"
    return client.post(url, data={"reason": reason} if reason else {})
