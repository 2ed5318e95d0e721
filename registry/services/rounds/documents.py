"""The documents a submission carries beside its workbooks: the narrative report (.docx)
rendered for the round's period and the sender's scope with the sender's organisation
template, or the sender's own edited copy of it, and its PDF.

Both are kept exactly as sent, like the workbooks. The PDF is printed by LibreOffice when
the server has it; where it is missing (or a conversion fails) the submission goes without
it and says why in Vietnamese: a missing printer never stops a report from being sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from exports.narrative.rendering import TemplateProblem, check_document
from registry.domain.report_kinds import common_group
from registry.models import Area, ReportingRound, Submission, SubmissionDocument, User
from registry.services.reports import pdf
from registry.services.reports.workbooks import Export, ReportRequest, make_report
from registry.services.rounds import RoundError
from registry.services.rounds.rounds import period_of

# An edited report is a few pages of text with a table and a chart; 10 MB leaves room for
# a scanned signature or seal without letting a file fill the database.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
NO_LIBREOFFICE = (
    "Không kèm bản PDF vì máy chủ chưa cài LibreOffice; báo cáo bằng văn bản được gửi bản Word."
)


@dataclass(frozen=True)
class EditedNarrative:
    """A .docx the sender uploads in place of the rendered narrative report."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class SentDocuments:
    """What a submission will keep: the .docx, its PDF (or why there is none)."""

    narrative: bytes
    edited: EditedNarrative | None
    pdf: bytes | None
    pdf_missing: str


def checked_upload(filename: str, data: bytes) -> EditedNarrative:
    """The uploaded narrative report, once it is a real .docx within the limits."""
    if not data:
        raise RoundError("empty_document", "Tệp báo cáo bằng văn bản trống.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise RoundError("document_too_large", "Tệp báo cáo bằng văn bản lớn quá 10 MB.")
    try:
        check_document(data)
    except TemplateProblem as problem:
        raise RoundError("invalid_document", str(problem)) from None
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return EditedNarrative(name[:255] or "bao-cao.docx", data)


def round_narrative(session: Session, user: User, round_: ReportingRound, area: Area) -> Export:
    """The narrative report of the round's period on `area`, in the user's scope, with
    their organisation's template, about the group the round's reports ask for (both
    groups when they span both)."""
    request = ReportRequest(
        "narrative", period_of(round_), area, group=common_group(round_.report_codes)
    )
    return make_report(session, user, request)


def prepare(
    session: Session,
    user: User,
    round_: ReportingRound,
    area: Area,
    edited: EditedNarrative | None,
) -> SentDocuments:
    """Render (or take the edited) narrative report and print it; nothing is written, so
    LibreOffice's seconds are spent before the submission's transaction writes."""
    if edited is not None:
        data = edited.data
    else:
        data = round_narrative(session, user, round_, area).data()
    if not pdf.available():
        return SentDocuments(data, edited, None, NO_LIBREOFFICE)
    try:
        printed = pdf.to_pdf(data, ".docx")
    except pdf.PdfError as error:
        return SentDocuments(data, edited, None, f"Không kèm bản PDF: {error}")
    return SentDocuments(data, edited, printed, "")


def attach(submission: Submission, documents: SentDocuments) -> None:
    """Keep the documents on the submission, as sent."""
    edited = documents.edited
    submission.documents.append(
        SubmissionDocument(
            kind="narrative",
            edited=edited is not None,
            filename=edited.filename if edited is not None else "",
            content=documents.narrative,
        )
    )
    if documents.pdf is not None:
        submission.documents.append(
            SubmissionDocument(
                kind="pdf", edited=edited is not None, filename="", content=documents.pdf
            )
        )
    submission.pdf_missing = documents.pdf_missing
