"""Each role sees its own scope, and another scope's record is a 404."""

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from registry.extensions import db
from registry.models import Area, Candidate, PartyCell, Unit
from registry.scoping import get_in_scope, in_scope, scope_filter
from tests.factories import AreaFactory, CandidateFactory, UnitFactory, UserFactory, login


@pytest.fixture
def world(ctx):
    province = AreaFactory(name="Tỉnh Thử", level="province")
    d1 = AreaFactory(name="Huyện Một", level="district", parent=province)
    d2 = AreaFactory(name="Huyện Hai", level="district", parent=province)
    a1 = AreaFactory(name="Xã Một", parent=d1)
    b1 = AreaFactory(name="Xã Hai", parent=d2)
    school_a = UnitFactory(area=a1, kind="thpt")
    firm_a = UnitFactory(area=a1, kind="cong_ty_tnhh", name="Công ty TNHH Một")
    school_b = UnitFactory(area=b1, kind="thpt")
    centre_a = UnitFactory(area=a1, kind="gdnn_gdtx")
    college_b = UnitFactory(area=b1, kind="cao_dang_dai_hoc")
    w = {
        "areas": (province, d1, d2, a1, b1),
        "cand_a": CandidateFactory(unit=school_a),
        "worker_a": CandidateFactory(unit=firm_a, group_code="worker", subgroup="cong_nhan"),
        "cand_b": CandidateFactory(unit=school_b),
        "learner_a": CandidateFactory(unit=centre_a, subgroup="gdnn_gdtx"),
        "student_b": CandidateFactory(unit=college_b, subgroup="sinh_vien"),
        "units": (school_a, firm_a, school_b, centre_a, college_b),
    }
    w["users"] = {
        "admin": UserFactory(role="admin"),
        "province": UserFactory(role="province"),
        # Sở GD&ĐT: THPT schools and the GDNN-GDTX centres, not the colleges.
        "gddt": UserFactory(role="province", subgroups="thpt,gdnn_gdtx"),
        "district": UserFactory(role="area", area=d1),
        "commune_b": UserFactory(role="area", area=b1),
        "cell": UserFactory(role="cell", cell=school_a.cell),
    }
    db.session.commit()
    return w


EVERYONE = {"cand_a", "worker_a", "cand_b", "learner_a", "student_b"}
EXPECTED = {
    "admin": EVERYONE,
    "province": EVERYONE,
    "gddt": {"cand_a", "cand_b", "learner_a"},
    "district": {"cand_a", "worker_a", "learner_a"},
    "commune_b": {"cand_b", "student_b"},
    "cell": {"cand_a"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_candidates(world, role):
    user = world["users"][role]
    seen = set(db.session.scalars(select(Candidate.id).where(scope_filter(user, Candidate))))
    assert seen == {world[name].id for name in EXPECTED[role]}
    for name in sorted(EVERYONE):
        candidate_id = world[name].id
        if name in EXPECTED[role]:
            assert get_in_scope(db.session, user, Candidate, candidate_id).id == candidate_id
        else:
            with pytest.raises(NotFound):
                get_in_scope(db.session, user, Candidate, candidate_id)


@pytest.mark.parametrize(
    ("role", "units"),
    [
        ("district", {0, 1, 3}),
        ("commune_b", {2, 4}),
        ("cell", {0}),
        ("gddt", {0, 2, 3}),
        ("admin", {0, 1, 2, 3, 4}),
    ],
)
def test_units_follow_the_area_tree(world, role, units):
    user = world["users"][role]
    seen = set(db.session.scalars(select(Unit.id).where(scope_filter(user, Unit))))
    assert seen == {world["units"][i].id for i in units}


def test_area_officer_sees_subtree_not_siblings(world):
    _province, d1, _d2, a1, b1 = world["areas"]
    user = world["users"]["district"]
    seen = set(db.session.scalars(select(Area.id).where(scope_filter(user, Area))))
    assert seen == {d1.id, a1.id}
    assert in_scope(db.session, user, Area, a1.id)
    assert not in_scope(db.session, user, Area, b1.id)
    cells = db.session.scalar(
        select(func.count()).select_from(PartyCell).where(scope_filter(user, PartyCell))
    )
    assert cells == 3  # one per unit of Xã Một


@pytest.mark.parametrize(
    ("role", "total"), [("admin", "5"), ("district", "3"), ("cell", "1"), ("gddt", "3")]
)
def test_home_page_counts_follow_scope(world, client, role, total):
    page = login(client, world["users"][role]).get_data(as_text=True)
    assert f'data-testid="total">{total}<' in page


def test_a_group_restriction_follows_the_units_kind_not_the_editable_group(world, client):
    worker = world["worker_a"]
    # However the record's group came to say THPT (an old edit, a stray import cell),
    # the person works at a company: Sở GD&ĐT does not see them, with or without a CCCD.
    worker.group_code, worker.subgroup, worker.id_number = "student", "thpt", "001099012345"
    club = UnitFactory(area=world["areas"][3], kind="other", name="Câu lạc bộ Một")
    club_student = CandidateFactory(unit=club, group_code="student", subgroup="thpt")
    club_worker = CandidateFactory(unit=club, group_code="worker", subgroup="cong_nhan")
    workers_office = UserFactory(role="province", subgroups="cong_nhan")
    db.session.commit()
    gddt = world["users"]["gddt"]
    seen = set(db.session.scalars(select(Candidate.id).where(scope_filter(gddt, Candidate))))
    assert seen == {world["cand_a"].id, world["cand_b"].id, world["learner_a"].id}
    login(client, gddt)
    assert client.get(f"/candidates/{worker.id}").status_code == 404
    listed = client.get("/candidates/?q=001099012345")
    assert listed.status_code == 200 and f"/candidates/{worker.id}" not in listed.text
    # Only a unit of kind `other` leaves the group to the record.
    seen = set(
        db.session.scalars(select(Candidate.id).where(scope_filter(workers_office, Candidate)))
    )
    assert seen == {worker.id, club_worker.id}
    assert club_student.id not in seen
