"""A small province for the units tests: two districts, communes, units, cells, users."""

from __future__ import annotations

from datetime import date

from registry.extensions import db
from registry.models import EnterpriseSurvey
from tests.factories import AreaFactory, CandidateFactory, CellFactory, UnitFactory, UserFactory


def build_world() -> dict:
    province = AreaFactory(code="P", name="Tỉnh Thử", level="province")
    d1 = AreaFactory(code="D1", name="Huyện Một", level="district", parent=province)
    d2 = AreaFactory(code="D2", name="Huyện Hai", level="district", parent=province)
    a1 = AreaFactory(code="A1", name="Xã Một", parent=d1)
    b1 = AreaFactory(code="B1", name="Xã Hai", parent=d2)
    cell_a = CellFactory(name="Chi bộ Xã Một", area=a1)
    cell_b = CellFactory(name="Chi bộ Xã Hai", area=b1)
    firm_a = UnitFactory(
        code="DNA", name="Công ty TNHH An", kind="cong_ty_tnhh", area=a1, cell=cell_a
    )
    school_a = UnitFactory(code="THA", name="Trường THPT An", kind="thpt", area=a1, cell=cell_a)
    firm_b = UnitFactory(
        code="DNB", name="Công ty TNHH Bình", kind="cong_ty_tnhh", area=b1, cell=cell_b
    )
    survey_b = EnterpriseSurvey(unit=firm_b, survey_date=date(2025, 1, 1), workers=10)
    db.session.add(survey_b)
    cand_a = CandidateFactory(unit=school_a)
    cand_b = CandidateFactory(unit=firm_b, group_code="worker", subgroup="cong_nhan")
    users = {
        "admin": UserFactory(username="quantri", role="admin"),
        "province": UserFactory(username="tinh", role="province"),
        "district": UserFactory(username="huyenmot", role="area", area=d1),
        "commune_b": UserFactory(username="xahai", role="area", area=b1),
        "cell_a": UserFactory(username="chiboa", role="cell", cell=cell_a),
    }
    db.session.commit()
    return {
        "areas": {"province": province, "d1": d1, "d2": d2, "a1": a1, "b1": b1},
        "cells": {"a": cell_a, "b": cell_b},
        "units": {"firm_a": firm_a, "school_a": school_a, "firm_b": firm_b},
        "survey_b": survey_b,
        "candidates": {"a": cand_a, "b": cand_b},
        "users": users,
    }
