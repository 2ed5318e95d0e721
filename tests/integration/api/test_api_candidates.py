"""Candidates over the API: the list page's filters and pages, one record with its
stages, the add and edit forms' checks, stages by the stage service's rules."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from registry.domain.workdays import fmt_date, today_vn
from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from tests.factories import CandidateFactory
from tests.integration.api.conftest import error_of

NEW = {
    "full_name": "Lê Văn Tâm",
    "gender": "M",
    "birth_date": "2007-02-10",
    "ethnicity": "Kinh",
    "source_date": "2025-09-05",
}


def _new(world, **changes):
    return {**NEW, "unit_id": world.a.unit.id, **changes}


def test_the_list_masks_cccd_and_pages_by_cursor(world, api):
    for n in range(3):
        CandidateFactory(full_name=f"Phạm Văn Nam {n}", unit=world.a.unit)
    db.session.commit()
    client = api(world.users["area_a"])
    first = client.get("/candidates?per_page=25&q=pham van").get_json()
    assert [c["full_name"] for c in first["items"]] == [
        "Phạm Văn Nam 0", "Phạm Văn Nam 1", "Phạm Văn Nam 2",
    ]  # fmt: skip
    everyone = client.get("/candidates").get_json()["items"]
    hoa_an = next(c for c in everyone if c["full_name"] == "Trần Thị Hòa An")
    assert hoa_an["id_number"] == "0013******34"
    assert hoa_an["unit"] == {"id": world.a.unit.id, "name": "Trường THPT Hòa An"}
    assert "Trần Thị Bình Minh" not in {c["full_name"] for c in everyone}


def test_the_cursor_walks_the_list_one_page_at_a_time(world, api):
    for n in range(30):
        CandidateFactory(full_name=f"Võ Thị Lan {n:02d}", unit=world.a.unit)
    db.session.commit()
    client = api(world.users["area_a"])
    page = client.get("/candidates?per_page=25&q=vo thi lan").get_json()
    assert len(page["items"]) == 25 and page["next_cursor"]
    rest = client.get(f"/candidates?per_page=25&q=vo thi lan&cursor={page['next_cursor']}")
    seen = [c["full_name"] for c in page["items"] + rest.get_json()["items"]]
    assert sorted(seen) == [f"Võ Thị Lan {n:02d}" for n in range(30)]
    assert rest.get_json()["next_cursor"] is None


def test_the_list_takes_the_list_pages_filters(world, api):
    CandidateFactory(full_name="Đỗ Văn Hùng", unit=world.a.unit, gender="M")
    db.session.commit()
    client = api(world.users["admin"])
    women = client.get("/candidates?gender=F").get_json()["items"]
    assert {c["full_name"] for c in women} == {"Trần Thị Hòa An", "Trần Thị Bình Minh"}
    in_a = client.get(f"/candidates?area={world.a.area.id}&gender=M").get_json()["items"]
    assert [c["full_name"] for c in in_a] == ["Đỗ Văn Hùng"]
    by_cccd = client.get("/candidates?q=001306005678").get_json()["items"]
    assert [c["full_name"] for c in by_cccd] == ["Trần Thị Bình Minh"]
    odd = client.get("/candidates?stage=khong-co").get_json()
    assert odd["problems"] == ["Bỏ qua giá trị không hợp lệ của bộ lọc “stage”: khong-co."]


def test_a_filter_naming_another_scope_answers_404(world, api):
    client = api(world.users["area_a"])
    for query in (f"unit={world.b.unit.id}", f"area={world.b.area.id}", f"cell={world.b.cell.id}"):
        response = client.get(f"/candidates?{query}")
        assert response.status_code == 404, query
        assert error_of(response)["code"] == "not_found"


def test_reading_one_gives_the_full_cccd_and_the_stage_history(world, api):
    client = api(world.users["area_a"])
    body = client.get(f"/candidates/{world.a.candidate.id}").get_json()
    assert body["id_number"] == "001306001234"
    assert [(e["stage"], e["event_date"]) for e in body["events"]] == [("source", "2024-09-05")]
    assert body["stage"] == "source" and body["group"] == "student"


def test_another_scopes_candidate_answers_404_for_every_verb(world, api):
    client = api(world.users["area_a"])
    other = world.b.candidate.id
    responses = [
        client.get(f"/candidates/{other}"),
        client.patch(f"/candidates/{other}", json={"note": "x"}),
        client.post(
            f"/candidates/{other}/stages", json={"stage": "trained", "event_date": "2025-01-02"}
        ),
    ]
    missing = client.get("/candidates/999999")
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {error_of(r)["message"] for r in responses} == {error_of(missing)["message"]}
    assert "Bình Minh" not in "".join(r.get_data(as_text=True) for r in responses)


def test_a_candidate_is_added_with_the_forms_checks(world, api):
    client = api(world.users["area_a"])
    response = client.post("/candidates", json=_new(world, id_number="001207004321"))
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()["candidate"]
    assert response.headers["Location"].endswith(f"/api/v1/candidates/{saved['id']}")
    assert (saved["full_name"], saved["ethnicity"], saved["subgroup"]) == (
        "Lê Văn Tâm",
        "01",
        "thpt",
    )
    assert [(e["stage"], e["event_date"]) for e in saved["events"]] == [("source", "2025-09-05")]
    created = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "create", AuditLog.entity == "candidate")
    )
    assert created.actor == "canbo_a" and created.entity_id == saved["id"]


def test_a_new_candidates_bad_fields_answer_422_with_codes_and_the_forms_messages(world, api):
    client = api(world.users["area_a"])
    tomorrow = (today_vn() + timedelta(days=1)).isoformat()
    response = client.post(
        "/candidates",
        json=_new(
            world, full_name="", birth_date="31/02/2007", ethnicity="Không Có",
            id_number="12345", source_date=tomorrow,
        ),
    )  # fmt: skip
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation"
    codes = {f["field"]: f["code"] for f in error["fields"]}
    assert codes == {
        "full_name": "required",
        "birth_date": "invalid_date",
        "ethnicity": "unknown_ethnicity",
        "source_date": "future_date",
        "id_number": "invalid_id_number",
    }
    messages = {f["field"]: f["message"] for f in error["fields"]}
    assert messages["full_name"] == "Vui lòng nhập trường này."
    assert messages["source_date"].startswith("Ngày không được ở tương lai")
    assert db.session.scalar(select(Candidate).where(Candidate.full_name == "")) is None


def test_the_schema_refuses_wrong_json_types_in_vietnamese(world, api):
    response = api(world.users["area_a"]).post("/candidates", json={"unit_id": "mot", "gender": 5})
    assert response.status_code == 422
    fields = {(f["field"], f["code"]) for f in error_of(response)["fields"]}
    assert ("unit_id", "invalid_type") in fields and ("full_name", "required") in fields
    assert all(
        f["message"] and f["message"].isascii() is False for f in error_of(response)["fields"]
    )


def test_a_unit_of_another_scope_is_refused_on_its_field(world, api):
    response = api(world.users["area_a"]).post(
        "/candidates", json=_new(world, unit_id=world.b.unit.id)
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == [
        {
            "field": "unit_id",
            "code": "out_of_scope",
            "message": "Đơn vị này không thuộc phạm vi của bạn.",
        }
    ]


def test_a_cccd_another_record_holds_is_refused_with_the_neutral_message(world, api):
    response = api(world.users["area_a"]).post(
        "/candidates",
        json=_new(world, id_number="001306005678", gender="F", birth_date="2006-03-04"),
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "duplicate_id_number"
    assert error["message"] == "Số CCCD này đã có trong sổ theo dõi: mỗi số chỉ thuộc một hồ sơ."
    assert str(world.b.candidate.id) not in response.get_data(as_text=True)


def test_a_probable_duplicate_needs_confirming(world, api):
    client = api(world.users["area_a"])
    same = _new(world, full_name="Trần Thị Hòa An", gender="F", birth_date="2006-03-04")
    response = client.post("/candidates", json=same)
    assert response.status_code == 422
    assert error_of(response)["code"] == "probable_duplicate"
    again = client.post("/candidates", json={**same, "confirm_duplicate": True})
    assert again.status_code == 201


def test_an_update_names_only_the_fields_it_changes(world, api):
    client = api(world.users["area_a"])
    response = client.patch(
        f"/candidates/{world.a.candidate.id}", json={"hometown": "Xã Tân Lập", "note": "Lớp 12A1"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()["candidate"]
    assert (body["hometown"], body["note"], body["full_name"]) == (
        "Xã Tân Lập", "Lớp 12A1", "Trần Thị Hòa An",
    )  # fmt: skip
    assert body["id_number"] == "001306001234"  # kept: not named
    change = db.session.scalar(select(AuditLog).where(AuditLog.action == "update"))
    assert change.after == {"hometown": "Xã Tân Lập", "note": "Lớp 12A1"}


def test_an_update_is_checked_like_the_edit_form(world, api):
    response = api(world.users["area_a"]).patch(
        f"/candidates/{world.a.candidate.id}", json={"birth_date": "hôm qua"}
    )
    assert response.status_code == 422
    assert error_of(response)["fields"][0]["code"] == "invalid_date"


def test_a_stage_is_recorded_with_its_warnings(world, api):
    client = api(world.users["cell_a"])
    when = today_vn() - timedelta(days=3)
    response = client.post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "trained", "event_date": when.isoformat()},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["event"]["stage"] == "trained" and body["event"]["event_date"] == when.isoformat()
    assert [w["code"] for w in body["warnings"]] == ["missing_document"]
    db.session.expire_all()
    assert db.session.get(Candidate, world.a.candidate.id).trained_date == when


def test_a_stage_breaking_a_rule_answers_422_with_the_rules_code_and_message(world, api):
    client = api(world.users["area_a"])
    early = date(2024, 1, 2)  # before the source date, 05/09/2024
    response = client.post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "trained", "event_date": early.isoformat()},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "stage_order"
    assert error["fields"][0]["field"] == "event_date"
    assert f"({fmt_date(early)}) sớm hơn ngày của bước" in error["message"]
    assert db.session.scalar(select(StageEvent).where(StageEvent.stage == "trained")) is None


def test_an_underage_cell_resolution_is_refused_with_its_code(world, api):
    young = CandidateFactory(
        unit=world.a.unit, birth_date=today_vn().replace(year=today_vn().year - 16)
    )
    db.session.commit()
    response = api(world.users["area_a"]).post(
        f"/candidates/{young.id}/stages",
        json={"stage": "cell_resolution", "event_date": today_vn().isoformat()},
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "underage"


def test_leaving_the_list_needs_a_reason(world, api):
    client = api(world.users["area_a"])
    path = f"/candidates/{world.a.candidate.id}/stages"
    response = client.post(path, json={"stage": "exited", "event_date": today_vn().isoformat()})
    assert response.status_code == 422
    assert error_of(response)["fields"] == [
        {"field": "reason", "code": "exit_reason", "message": "Hãy chọn lý do ra khỏi danh sách."}
    ]
    odd = client.post(
        path, json={"stage": "exited", "event_date": today_vn().isoformat(), "reason": "??"}
    )
    assert error_of(odd)["fields"][0]["code"] == "invalid_choice"
    assert "Not a valid" not in odd.get_data(as_text=True)


def test_an_unknown_stage_answers_422(world, api):
    response = api(world.users["area_a"]).post(
        f"/candidates/{world.a.candidate.id}/stages",
        json={"stage": "vip", "event_date": "2025-01-01"},
    )
    assert response.status_code == 422
    assert error_of(response)["fields"][0]["code"] == "invalid_stage"


def test_a_province_user_reads_but_may_not_record(world, api):
    client = api(world.users["province"])
    assert client.get(f"/candidates/{world.b.candidate.id}").status_code == 200
    response = client.post(
        f"/candidates/{world.b.candidate.id}/stages",
        json={"stage": "trained", "event_date": today_vn().isoformat()},
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_readmission_is_carried_kept_and_ruled_like_the_form(world, api):
    client = api(world.users["area_a"])
    body = _new(
        world,
        full_name="Phạm Văn Lại",
        birth_date="1988-04-12",
        source_date="2023-01-05",
        readmission=True,
        left_party_date="2021-03-15",
        left_party_reason="Chuyển nơi ở",
    )
    response = client.post("/candidates", json=body)
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()["candidate"]
    assert (saved["readmission"], saved["left_party_date"], saved["left_party_reason"]) == (
        True, "2021-03-15", "Chuyển nơi ở",
    )  # fmt: skip
    assert saved["record_expunged_date"] is None and saved["recognition_resolution_date"] is None
    cid = saved["id"]
    patched = client.patch(f"/candidates/{cid}", json={"note": "Lớp 12A1"})
    assert patched.get_json()["candidate"]["left_party_date"] == "2021-03-15"  # kept
    trained = client.post(
        f"/candidates/{cid}/stages", json={"stage": "trained", "event_date": "2023-06-01"}
    )
    assert trained.status_code == 201
    early = client.post(
        f"/candidates/{cid}/stages", json={"stage": "cell_resolution", "event_date": "2024-03-14"}
    )
    assert early.status_code == 422 and error_of(early)["code"] == "readmission_too_soon"
    assert "15/03/2024" in error_of(early)["message"]
    missing = client.post("/candidates", json={**body, "full_name": "Phạm Văn Khác",
                                               "left_party_date": ""})  # fmt: skip
    assert missing.status_code == 422
    [field] = error_of(missing)["fields"]
    assert field["field"] == "left_party_date" and "ngày ra khỏi Đảng" in field["message"]
