"""A small province for the report tests, with events on the edges of the year 2025.

Before 1 July 2025 the province had two districts; after it, two communes. The expected
figures for 2025 (and 2024) are worked out by hand in the tests that use this world.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from registry.domain.periods import whole_year
from registry.domain.vocabulary import group_for_unit_kind
from registry.extensions import db
from registry.models import EnterpriseSurvey, StageEvent, Target
from registry.services.candidates.stages import sync_stage_columns
from registry.services.reports.workbooks import ReportRequest, make_report
from tests.factories import (
    AreaFactory,
    CandidateFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)

REFORM, BEFORE = date(2025, 7, 1), date(2025, 6, 30)
D = date


def person(name: str, unit, source: date, *events: tuple[str, date], **fields):
    """A candidate of `unit` with a source event and the other events given."""
    group, subgroup = group_for_unit_kind(unit.kind)
    fields.setdefault("group_code", group)
    fields.setdefault("subgroup", subgroup)
    candidate = CandidateFactory(full_name=name, unit=unit, source_date=source, **fields)
    for stage, day in events:
        db.session.add(
            StageEvent(
                candidate=candidate,
                stage=stage,
                event_date=day,
                unit_id=unit.id,
                cell_id=unit.cell_id,
                reason="moved" if stage == "exited" else None,
            )
        )
    db.session.flush()
    sync_stage_columns(candidate)
    db.session.flush()
    return candidate


def _areas() -> dict:
    province = AreaFactory(code="TN", name="Tỉnh Thử Nghiệm", level="province")
    da = AreaFactory(
        code="D1", name="Huyện Cũ An", level="district", parent=province, valid_to=BEFORE
    )
    db_ = AreaFactory(
        code="D2", name="Huyện Cũ Bình", level="district", parent=province, valid_to=BEFORE
    )
    oa = AreaFactory(code="D1-1", name="Xã Cũ An", parent=da, valid_to=BEFORE)
    ob = AreaFactory(code="D2-1", name="Xã Cũ Bình", parent=db_, valid_to=BEFORE)
    ob2 = AreaFactory(code="D2-2", name="Xã Cũ Bình Hai", parent=db_, valid_to=BEFORE)
    north = AreaFactory(code="C1", name="Phường Bắc", parent=province, valid_from=REFORM)
    south = AreaFactory(code="C2", name="Xã Nam", parent=province, valid_from=REFORM)
    # Phường Bắc replaced one commune of each district (a tie: the lower district code wins).
    oa.successor, ob2.successor, ob.successor = north, north, south
    return {
        "province": province, "da": da, "db": db_, "oa": oa, "ob": ob, "ob2": ob2,
        "north": north, "south": south,
    }  # fmt: skip


def _units(a: dict) -> dict:
    def unit(code, name, kind, area):
        return UnitFactory(code=code, name=name, kind=kind, area=area)

    return {
        "school": unit("THPT-B", "Trường THPT Bắc", "thpt", a["north"]),
        "centre": unit("GDNN-B", "Trung tâm GDNN - GDTX Bắc", "gdnn_gdtx", a["north"]),
        "college": unit("CD-N", "Trường Cao đẳng Nam", "cao_dang_dai_hoc", a["south"]),
        "firm_n": unit("DN-B", "Công ty TNHH Bắc", "cong_ty_tnhh", a["north"]),
        "coop_s": unit("HTX-N", "Hợp tác xã Nam", "hop_tac_xa", a["south"]),
        "firm_s": unit("DN-N", "Công ty cổ phần Nam", "cong_ty_co_phan", a["south"]),
    }


def _students(u: dict) -> dict:
    s = u["school"]
    return {
        "an": person("Nguyễn Thị An", s, D(2024, 9, 5), ("trained", D(2025, 1, 1)), gender="F"),
        "binh": person("Trần Văn Bình", s, D(2024, 9, 5), ("trained", D(2024, 12, 31))),
        "cuong": person(
            "Giàng Thị Cường", s, D(2023, 1, 10),
            ("trained", D(2024, 3, 1)), ("cell_resolution", D(2025, 3, 1)),
            ("decision", D(2025, 6, 1)), ("admitted", D(2025, 12, 31)),
            gender="F", ethnicity="17", religion="01",
        ),
        "dung": person(
            "Lò Văn Dũng", s, D(2023, 1, 10),
            ("trained", D(2024, 3, 1)), ("cell_resolution", D(2025, 10, 1)),
            ("decision", D(2025, 11, 1)), ("admitted", D(2026, 1, 1)),
        ),
        "em": person(
            "Vàng Văn Em", s, D(2024, 1, 1),
            ("trained", D(2025, 2, 1)), ("exited", D(2025, 12, 31)),
        ),
        "giang": person("Hà Thị Giang", s, D(2024, 1, 1), ("exited", D(2026, 1, 2))),
        "ha": person("Lê Văn Hà", s, D(2019, 1, 1), ("trained", D(2020, 12, 30))),
        "khanh": person("Lê Văn Khánh", s, D(2019, 1, 1), ("trained", D(2020, 12, 31))),
        "long": person(
            "Lê Văn Long", s, D(2019, 1, 1),
            ("trained", D(2021, 6, 1)), ("trained", D(2026, 2, 1)),
        ),
        "minh": person("Lê Văn Minh", s, D(2026, 1, 5)),
        "van": person("Phạm Thị Vân", s, D(2023, 1, 1), ("admitted", D(2024, 12, 31)), gender="F"),
        "nga": person(
            "Hoàng Thị Nga", u["centre"], D(2024, 5, 1),
            ("trained", D(2025, 4, 1)), ("cell_resolution", D(2025, 5, 1)),
            ("decision", D(2025, 6, 1)), ("admitted", D(2025, 7, 1)),
            gender="F", ethnicity=None, religion="99",
        ),
        "oanh": person("Đỗ Văn Oanh", u["college"], D(2024, 5, 1), ("admitted", D(2025, 3, 3))),
    }  # fmt: skip


def _workers(u: dict) -> dict:
    return {
        "phuc": person(
            "Ngô Văn Phúc", u["firm_n"], D(2024, 2, 1),
            ("trained", D(2025, 5, 5)), ("admitted", D(2025, 8, 8)),
            youth_union_date=D(2015, 3, 26), trade_union=True,
        ),
        "quang": person("Bùi Văn Quang", u["coop_s"], D(2024, 2, 1)),
        "son": person(
            "Đặng Văn Sơn", u["firm_s"], D(2024, 2, 1),
            ("cell_resolution", D(2024, 12, 31)), ("decision", D(2025, 1, 1)),
        ),
    }  # fmt: skip


def _surveys(u: dict) -> None:
    def survey(unit, day, **facts):
        db.session.add(EnterpriseSurvey(unit_id=unit.id, survey_date=day, **facts))

    survey(
        u["firm_n"], D(2025, 6, 30), operating=True, workers=100, party_org="chi_bo_co_so",
        party_members=5, party_members_held=4, owner_is_member=True, has_trade_union=True,
        trade_union_members=80, has_youth_union=True, youth_union_members=20,
    )  # fmt: skip
    # After the period end: ignored by the 2025 report.
    survey(u["firm_n"], D(2026, 3, 1), operating=True, workers=10, party_members=1)
    survey(u["coop_s"], D(2024, 12, 1), operating=True, workers=30, party_members=2)
    survey(u["firm_s"], D(2025, 12, 31), operating=False, workers=3, party_members=3)


def build_world() -> dict:
    areas = _areas()
    units = _units(areas)
    people = {**_students(units), **_workers(units)}
    _surveys(units)
    db.session.add_all(
        [
            Target(year=2025, group_code="student", unit=units["school"], count=4),
            Target(year=2025, group_code="student", area=areas["north"], count=10),
            Target(year=2025, group_code="worker", unit=units["firm_n"], count=3),
        ]
    )
    orgs = {
        "snv": OrganisationFactory(code="SNV", name="Sở Nội vụ", issuer_code="SNV"),
        "north": OrganisationFactory(
            code="UBND-BAC", name="UBND Phường Bắc", area=areas["north"], issuer_code="UBND"
        ),
    }
    users = {
        "province": UserFactory(username="sonoivu_thu", role="province", organisation=orgs["snv"]),
        "admin": UserFactory(username="quantri_thu", role="admin", organisation=orgs["snv"]),
        "north": UserFactory(
            username="phuong_bac", role="area", area=areas["north"], organisation=orgs["north"]
        ),
        "south": UserFactory(username="xa_nam", role="area", area=areas["south"]),
    }
    db.session.commit()
    return {"areas": areas, "units": units, "people": people, "users": users, "orgs": orgs}


def workbook_of(user, report: str, area, period=None, **options):
    """The report as an openpyxl workbook, and the Export it came from."""
    request = ReportRequest(report, period or whole_year(2025), area, **options)
    export = make_report(db.session, user, request)
    return load_workbook(BytesIO(export.data())), export
