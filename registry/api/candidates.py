"""Candidates: the list with the list page's filters, one record with its stages, the
add and edit forms' checks, and recording a stage through the stage service."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request, url_for

from forms.candidates import CandidateForm, NewCandidateForm, StageForm
from registry import access
from registry.api import errors, schemas
from registry.api.frame import ApiBlueprint, caller, require
from registry.api.webforms import bound, refuse
from registry.candidates.views_edit import form_data, unit_and_cell
from registry.domain.refdata import ethnicity_names
from registry.extensions import db
from registry.models import Candidate
from registry.scoping import get_in_scope
from registry.services.calendar.holidays import holiday_set
from registry.services.candidates import edit as service
from registry.services.candidates import stages
from registry.services.candidates.filtering import CandidateFilters, check_scope
from registry.services.candidates.paging import fetch_page

blp = ApiBlueprint("candidates_api", __name__, description="Quần chúng ưu tú và các bước")


def _unit_and_cell_of(form: CandidateForm):
    form.unit_id.choices = form.cell_id.choices = []
    chosen = unit_and_cell(form)  # the add form's own scope check, for the token's user
    if chosen is None:
        refuse(form)
    return chosen


def _warnings(form: CandidateForm) -> list[dict[str, str]]:
    if not form.id_number_warning:
        return []
    return [{"code": "cmnd", "message": form.id_number_warning}]


def _detail(candidate: Candidate) -> Candidate:
    """The candidate with its events in order (the detail schema reads `events`)."""
    candidate.ordered = stages.ordered_events(candidate.events)  # type: ignore[attr-defined]  # read by the schema
    return candidate


@blp.route("/candidates")
@blp.arguments(schemas.CandidateListArgs, location="query", as_kwargs=False)
@blp.response(200, schemas.CandidatePage)
def list_candidates(_args: dict):
    """Danh sách, với bộ lọc của trang danh sách; phân trang bằng con trỏ."""
    user = caller()
    # The query string as the list page reads it, so both answer the same filters alike.
    filters = CandidateFilters.from_args(request.args)
    check_scope(db.session(), user, filters)
    page = fetch_page(db.session(), user, filters, request.args.get("cursor"))
    return {
        "items": page.rows,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
        "problems": list(filters.problems),
    }


@blp.route("/candidates/<int:candidate_id>")
@blp.response(200, schemas.CandidateDetailSchema)
def read_candidate(candidate_id: int):
    """Một hồ sơ, số CCCD đầy đủ và các bước; mỗi lần đọc được ghi nhật ký."""
    candidate = get_in_scope(db.session(), caller(), Candidate, candidate_id)
    service.log_view(db.session(), caller(), candidate, page="api")
    return _detail(candidate)


@blp.route("/candidates", methods=["POST"])
@blp.arguments(schemas.NewCandidateIn)
@blp.response(201, schemas.SavedCandidate)
def create_candidate(data: dict):
    """Thêm vào danh sách nguồn, kiểm tra như biểu mẫu thêm mới."""
    require(access.EDIT_CANDIDATES)
    user = caller()
    form = bound(NewCandidateForm, data)
    if not form.validate():
        refuse(form)
    unit, cell = _unit_and_cell_of(form)
    if not data.get("confirm_duplicate"):
        probable = service.probable_duplicate(
            db.session(), user, form.full_name.data, form.birth_date.data, unit
        )
        if probable is not None:
            message = (
                f"Đã có hồ sơ số {probable.id} cùng họ tên, ngày sinh và đơn vị. Nếu đây là "
                "một người khác, gửi lại với confirm_duplicate: true."
            )
            field = {"field": "full_name", "code": "probable_duplicate", "message": message}
            errors.raise_api(422, "probable_duplicate", message, [field])
    saved = service.create_candidate(
        db.session(), user, form_data(form), unit, cell, form.source_date.data
    )
    location = url_for("candidates_api.read_candidate", candidate_id=saved.id)
    answer = {"candidate": _detail(saved), "warnings": _warnings(form)}
    return answer, 201, {"Location": location}


def _as_entered(candidate: Candidate) -> dict[str, Any]:
    """The stored record as the edit form shows it (so a change may name only some fields)."""
    return {
        "full_name": candidate.full_name,
        "gender": candidate.gender,
        "birth_date": candidate.birth_date.isoformat(),
        "ethnicity": ethnicity_names().get(candidate.ethnicity or "", ""),
        "religion": candidate.religion,
        "id_number": candidate.id_number,
        "hometown": candidate.hometown,
        "education": candidate.education,
        "unit_id": candidate.unit_id,
        "cell_id": candidate.cell_id if candidate.cell_id != candidate.unit.cell_id else None,
        "subgroup": candidate.subgroup,
        "class_or_job": candidate.class_or_job,
        "youth_union_date": candidate.youth_union_date.isoformat()
        if candidate.youth_union_date
        else None,
        "trade_union": candidate.trade_union,
        "helpers": candidate.helpers,
        "introducers": (candidate.introducers or "").split("; ") if candidate.introducers else None,
        "note": candidate.note,
        "readmission": candidate.readmission,
        "left_party_date": _iso(candidate.left_party_date),
        "left_party_reason": candidate.left_party_reason,
        "record_expunged_date": _iso(candidate.record_expunged_date),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@blp.route("/candidates/<int:candidate_id>", methods=["PATCH"])
@blp.arguments(schemas.CandidateIn(partial=True))
@blp.response(200, schemas.SavedCandidate)
def update_candidate(data: dict, candidate_id: int):
    """Sửa hồ sơ: chỉ cần gửi các trường thay đổi; kiểm tra như biểu mẫu sửa."""
    user = caller()
    candidate = get_in_scope(db.session(), user, Candidate, candidate_id)
    require(access.EDIT_CANDIDATES)
    form = bound(CandidateForm, {**_as_entered(candidate), **data})
    if not form.validate():
        refuse(form)
    unit, cell = _unit_and_cell_of(form)
    service.update_candidate(db.session(), user, candidate, form_data(form), unit, cell)
    return {"candidate": _detail(candidate), "warnings": _warnings(form)}


@blp.route("/candidates/<int:candidate_id>/stages", methods=["POST"])
@blp.arguments(schemas.StageIn)
@blp.response(201, schemas.StageOut)
def record_stage(data: dict, candidate_id: int):
    """Ghi nhận một bước theo quy định (422 với mã lỗi khi trái quy định)."""
    user = caller()
    candidate = get_in_scope(db.session(), user, Candidate, candidate_id)
    require(access.EDIT_CANDIDATES)
    form = bound(StageForm, data)
    form.set_stages(stages.allowed_next_stages(candidate))
    if not form.validate():
        refuse(form)
    result = stages.record_stage(
        db.session(),
        user,
        candidate,
        form.stage.data,
        form.event_date.data,
        document_no=form.document_no.data,
        note=form.note.data,
        reason=form.reason.data or None,
        holidays=holiday_set(db.session()),
    )
    warnings = [{"code": code, "message": message} for code, message in result.warnings]
    return {"event": result.event, "warnings": warnings}, 201
