"""The narrative report (Báo cáo bằng văn bản): the organisation's Word template filled
with the figures of the same statements as the xlsx reports, and its templates.

Every figure comes from the students', workers', Chỉ thị 33 and summary reports' data
(arrange), for the groups the user's scope can fill; exports.narrative turns them into
placeholder values and renders the template.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports import ReportMeta
from exports.narrative.context import NarrativeFigures, narrative_context
from exports.narrative.default_template import default_template
from exports.narrative.placeholders import NarrativeContext
from exports.narrative.rendering import TemplateProblem, check_template, render
from registry.domain.report_kinds import REPORT_GROUPS, fillable
from registry.models import Organisation, ReportTemplate, User
from registry.scoping import restriction_of
from registry.services import ServiceError, audit
from registry.services.reports import arrange

KIND = "narrative"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class TemplateError(ServiceError, ValueError):
    """A template refused; the message is for the user (the last good one stays)."""


def template_of(session: Session, organisation: Organisation | None) -> ReportTemplate | None:
    if organisation is None:
        return None
    return session.scalar(
        select(ReportTemplate).where(
            ReportTemplate.organisation_id == organisation.id, ReportTemplate.kind == KIND
        )
    )


def template_bytes(session: Session, organisation: Organisation | None) -> bytes:
    """The organisation's own template, else the default one."""
    own = template_of(session, organisation)
    return own.content if own is not None else default_template()


def save_template(
    session: Session, user: User, organisation: Organisation, filename: str, data: bytes
) -> ReportTemplate:
    """Store an uploaded template once it passes the check; a refused one changes nothing."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError("Mẫu lớn quá 5 MB.")
    try:
        check_template(data)
    except TemplateProblem as problem:
        raise TemplateError(str(problem)) from None
    own = template_of(session, organisation)
    if own is None:
        own = ReportTemplate(
            organisation_id=organisation.id,
            kind=KIND,
            filename=filename[:255],
            content=data,
            uploaded_by_id=user.id,
        )
        session.add(own)
    else:
        own.filename, own.content, own.uploaded_by_id = filename[:255], data, user.id
    session.flush()
    audit.record(
        session, user, "upload", "report_template", own.id,
        after={"organisation_id": organisation.id, "filename": own.filename},
    )  # fmt: skip
    return own


def drop_template(session: Session, user: User, organisation: Organisation) -> bool:
    """Go back to the default template."""
    own = template_of(session, organisation)
    if own is None:
        return False
    audit.record(
        session, user, "delete", "report_template", own.id,
        before={"organisation_id": organisation.id, "filename": own.filename},
    )  # fmt: skip
    session.delete(own)
    session.flush()
    return True


def narrative_figures(session: Session, user: User, request, meta: ReportMeta) -> NarrativeContext:
    """The placeholder values of the request (a ReportRequest of report "narrative")."""
    restriction = restriction_of(user)

    def data(report: str):
        if not fillable(report, restriction) or (
            request.group and request.group not in REPORT_GROUPS[report]
        ):
            return None
        return arrange.BUILDERS[report](session, user, replace(request, report=report), meta)

    organisation = user.organisation
    figures = NarrativeFigures(
        meta=meta,
        students=data("students"),
        workers=data("workers"),
        ct33=data("ct33"),
        summary=arrange.BUILDERS["summary"](
            session, user, replace(request, report="summary"), meta
        ),
        addressee=getattr(organisation, "addressee", "") or "",
        recipients=getattr(organisation, "recipients", "") or "Như trên\nLưu: VT",
    )
    return narrative_context(figures)


def narrative_document(session: Session, user: User, request, meta: ReportMeta):
    """(the .docx stream, the values it was filled with)."""
    context = narrative_figures(session, user, request, meta)
    try:
        stream = render(template_bytes(session, user.organisation), context)
    except TemplateProblem as problem:
        raise TemplateError(str(problem)) from None
    return stream, dict(context.values)
