"""Admin pages for one person's data: see, download (JSON) and erase (DESIGN "Personal data")."""

from __future__ import annotations

import json
from io import BytesIO

from flask import flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from forms.privacy import EraseForm
from registry import access
from registry.extensions import db
from registry.models import Candidate
from registry.privacy import bp
from registry.scoping import get_in_scope
from registry.services import audit
from registry.services.imports.candidate_import import limits
from registry.services.privacy.erasure import ErasureRefused, erase_person, person_data
from registry.transaction import on_refusal


def _person(candidate_id: int) -> Candidate:
    return get_in_scope(db.session(), current_user, Candidate, candidate_id)


def _page(candidate: Candidate, form: EraseForm, status: int = 200):
    data = person_data(db.session(), candidate)
    return render_template("privacy/person.html", candidate=candidate, data=data, form=form), status


@bp.route("/candidates/<int:candidate_id>")
@access.requires(access.HANDLE_PERSONAL_DATA)
def person(candidate_id: int):
    candidate = _person(candidate_id)
    audit.record(db.session(), current_user, "view", "candidate", candidate.id)
    return _page(candidate, EraseForm(formdata=None))


@bp.route("/candidates/<int:candidate_id>/data.json")
@access.requires(access.HANDLE_PERSONAL_DATA)
def export(candidate_id: int):
    candidate = _person(candidate_id)
    payload = json.dumps(person_data(db.session(), candidate), ensure_ascii=False, indent=2)
    audit.record(db.session(), current_user, "export_person", "candidate", candidate.id)
    return send_file(
        BytesIO(payload.encode("utf-8")),
        mimetype="application/json",
        as_attachment=True,
        download_name=f"du_lieu_ca_nhan_{candidate.id}.json",
    )


@bp.route("/candidates/<int:candidate_id>/erase", methods=["POST"])
@access.requires(access.HANDLE_PERSONAL_DATA)
def erase(candidate_id: int):
    candidate = _person(candidate_id)
    form = EraseForm()
    if not form.validate_on_submit():
        return _page(candidate, form, 422)

    @on_refusal
    def flashed(refused: ErasureRefused):
        flash(str(refused), "danger")
        return _page(candidate, form, 409)

    done = erase_person(db.session(), current_user, candidate, limits())
    flash(
        f"Đã xóa dữ liệu cá nhân: hồ sơ nay mang tên «{done['pseudonym']}»; "
        f"{len(done['import_files_dropped'])} tệp nhập đã bị xóa, "
        f"{len(done['import_records_rewritten'])} lần nhập và "
        f"{len(done['audit_entries_rewritten'])} dòng nhật ký đã được thay bằng bí danh "
        "(chi tiết bên dưới).",
        "success",
    )
    return redirect(url_for("privacy.person", candidate_id=candidate.id))
