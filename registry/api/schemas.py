"""The API's request and response shapes (marshmallow), which the OpenAPI document shows.

Request schemas check only the JSON types; the candidate and stage forms (forms/) and
the services decide what is valid, with the web's Vietnamese messages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, fields

from registry.domain.identity import mask_id_number
from registry.domain.periods import PRESETS
from registry.domain.report_kinds import SUBMITTABLE
from registry.domain.rounds import (
    REPORTER_STATES,
    ROUND_STATES,
    STEP_ACTIONS,
    SUBMISSION_STATES,
)
from registry.domain.vocabulary import (
    AREA_LEVELS,
    GENDERS,
    GROUPS,
    STAGE_LABELS,
    SUBGROUPS,
    UNIT_KINDS,
)
from registry.services.candidates.filtering import ALL_STAGES, SORTS, STATUSES
from registry.services.reports.workbooks import REPORTS


class UtcDateTime(fields.DateTime):
    """A moment as stored (naive UTC), sent with its offset (RFC 3339)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


# --- errors -------------------------------------------------------------------------------


class FieldErrorSchema(Schema):
    field = fields.String(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)


# Built from a dict: a field called `fields` would hide the Schema's own attribute.
ErrorBodySchema = Schema.from_dict(
    {
        "code": fields.String(required=True, metadata={"description": "Mã lỗi ổn định"}),
        "message": fields.String(required=True, metadata={"description": "Thông báo tiếng Việt"}),
        "fields": fields.List(fields.Nested(FieldErrorSchema), required=True),
    },
    name="ErrorBody",
)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


# --- areas, units, cells -------------------------------------------------------------------


class AreaSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"enum": list(AREA_LEVELS)})
    parent_id = fields.Integer(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    successor_id = fields.Integer(allow_none=True)


class UnitSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": list(UNIT_KINDS)})
    area_id = fields.Integer(required=True)
    cell_id = fields.Integer(allow_none=True)
    tax_code = fields.String(allow_none=True)
    active = fields.Boolean(required=True)


class CellSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    parent_org = fields.String(allow_none=True)
    area_id = fields.Integer(required=True)
    active = fields.Boolean(required=True)


class OrgListArgs(Loose):
    area = fields.Integer(metadata={"description": "Chỉ trong địa bàn này (cả địa bàn con)"})


def listing(item: type[Schema], name: str) -> type[Schema]:
    """{"items": [...]} of one kind."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item), required=True)}, name=name)


AreaList = listing(AreaSchema, "AreaList")
UnitList = listing(UnitSchema, "UnitList")
CellList = listing(CellSchema, "CellList")


# --- candidates ----------------------------------------------------------------------------


class CandidateListArgs(Loose):
    """The list page's filters, by the same names (registry.services.candidates.filtering)."""

    q = fields.String(metadata={"description": "Họ tên (không cần dấu) hoặc số CCCD"})
    area = fields.Integer()
    unit = fields.Integer()
    cell = fields.Integer()
    group = fields.String(metadata={"enum": list(GROUPS)})
    subgroup = fields.String(metadata={"enum": list(SUBGROUPS)})
    stage = fields.String(metadata={"enum": list(ALL_STAGES)})
    status = fields.String(metadata={"enum": list(STATUSES)})
    gender = fields.String(metadata={"enum": list(GENDERS)})
    ethnicity = fields.String(metadata={"description": "kinh, minority hoặc một mã dân tộc"})
    source_year = fields.Integer()
    reached = fields.String(metadata={"enum": list(ALL_STAGES)})
    reached_from = fields.String(metadata={"format": "date"})
    reached_to = fields.String(metadata={"format": "date"})
    sort = fields.String(metadata={"enum": list(SORTS)})
    desc = fields.Boolean()
    per_page = fields.Integer(metadata={"enum": [25, 50, 100, 200]})
    cursor = fields.String(metadata={"description": "next_cursor hoặc prev_cursor của trang"})


class Ref(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class CandidateSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    gender = fields.String(required=True, metadata={"enum": list(GENDERS)})
    birth_date = fields.Date(required=True)
    ethnicity = fields.String(allow_none=True, metadata={"description": "Mã dân tộc (GSO)"})
    religion = fields.String(allow_none=True)
    id_number = fields.String(
        allow_none=True,
        metadata={"description": "CCCD: che bớt trong danh sách, đủ khi đọc một hồ sơ"},
    )
    hometown = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    group = fields.String(attribute="group_code", required=True, metadata={"enum": list(GROUPS)})
    subgroup = fields.String(required=True, metadata={"enum": list(SUBGROUPS)})
    class_or_job = fields.String(allow_none=True)
    unit = fields.Nested(Ref, required=True)
    cell = fields.Nested(Ref, allow_none=True)
    youth_union_date = fields.Date(allow_none=True)
    trade_union = fields.Boolean(required=True)
    helpers = fields.String(allow_none=True)
    introducers = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    readmission = fields.Boolean(required=True, metadata={"description": "Kết nạp lại"})
    left_party_date = fields.Date(allow_none=True, metadata={"description": "Ngày ra khỏi Đảng"})
    left_party_reason = fields.String(allow_none=True)
    record_expunged_date = fields.Date(
        allow_none=True, metadata={"description": "Ngày được xóa án tích (nếu có)"}
    )
    stage = fields.String(required=True, metadata={"enum": list(ALL_STAGES)})
    exited = fields.Boolean(required=True)
    source_date = fields.Date(allow_none=True)
    trained_date = fields.Date(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    dossier_date = fields.Date(allow_none=True)
    cell_resolution_date = fields.Date(allow_none=True)
    committee_resolution_date = fields.Date(allow_none=True)
    decision_date = fields.Date(allow_none=True)
    decision_no = fields.String(allow_none=True)
    admitted_date = fields.Date(allow_none=True)
    full_member_date = fields.Date(allow_none=True)
    exited_date = fields.Date(allow_none=True)
    exit_reason = fields.String(allow_none=True)
    recognition_resolution_date = fields.Date(
        allow_none=True,
        metadata={"description": "Ngày chi bộ có nghị quyết đề nghị công nhận chính thức"},
    )


class EventSchema(Schema):
    id = fields.Integer(required=True)
    stage = fields.String(required=True, metadata={"enum": list(STAGE_LABELS)})
    event_date = fields.Date(required=True)
    document_no = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    unit_id = fields.Integer(required=True)
    cell_id = fields.Integer(allow_none=True)
    recorded_at = UtcDateTime(required=True)


class CandidateDetailSchema(CandidateSchema):
    events = fields.List(fields.Nested(EventSchema), attribute="ordered", required=True)


class CandidateListItem(CandidateSchema):
    id_number = fields.Function(  # type: ignore[assignment]  # lists send it masked
        lambda c: mask_id_number(c.id_number),
        metadata={"type": "string", "nullable": True, "description": "CCCD che bớt"},
    )


class CandidatePage(Schema):
    items = fields.List(fields.Nested(CandidateListItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    prev_cursor = fields.String(allow_none=True, required=True)
    problems = fields.List(
        fields.String(), required=True, metadata={"description": "Bộ lọc bị bỏ qua, vì sao"}
    )


DATE = {"format": "date", "description": "YYYY-MM-DD (hoặc dd/mm/yyyy)"}


class CandidateIn(Loose):
    """What the add and edit forms take (forms/candidates.py checks it)."""

    full_name = fields.String(required=True)
    gender = fields.String(required=True, metadata={"enum": list(GENDERS)})
    birth_date = fields.String(required=True, metadata=DATE)
    ethnicity = fields.String(metadata={"description": "Tên dân tộc, ví dụ “Kinh”, “Tày”"})
    religion = fields.String(metadata={"description": "Mã tôn giáo; trống: chưa ghi"})
    id_number = fields.String()
    hometown = fields.String()
    education = fields.String(metadata={"description": "Ví dụ “12/12”"})
    unit_id = fields.Integer(required=True)
    cell_id = fields.Integer(metadata={"description": "Trống: chi bộ phụ trách đơn vị"})
    subgroup = fields.String(metadata={"enum": list(SUBGROUPS)})
    class_or_job = fields.String()
    youth_union_date = fields.String(metadata=DATE)
    trade_union = fields.Boolean()
    helpers = fields.String()
    introducers = fields.List(fields.String())
    note = fields.String()
    readmission = fields.Boolean(metadata={"description": "Kết nạp lại"})
    left_party_date = fields.String(metadata=DATE)
    left_party_reason = fields.String()
    record_expunged_date = fields.String(metadata=DATE)


class NewCandidateIn(CandidateIn):
    source_date = fields.String(required=True, metadata=DATE)
    confirm_duplicate = fields.Boolean(
        metadata={"description": "true: đã xem hồ sơ trùng họ tên, ngày sinh, đơn vị; vẫn lưu"}
    )


class StageIn(Loose):
    stage = fields.String(required=True, metadata={"enum": list(STAGE_LABELS)})
    event_date = fields.String(required=True, metadata=DATE)
    document_no = fields.String()
    reason = fields.String(metadata={"description": "Bắt buộc khi stage là exited"})
    note = fields.String()


class WarningSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class StageOut(Schema):
    event = fields.Nested(EventSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)


class SavedCandidate(Schema):
    candidate = fields.Nested(CandidateDetailSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)


# --- import batches -------------------------------------------------------------------------


class IssueSchema(Schema):
    row = fields.Integer(allow_none=True)
    column = fields.String(allow_none=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    sheet = fields.String()


class PreviewSchema(Schema):
    """The CLI's `--json` object (DESIGN "CLI")."""

    rows = fields.Integer(required=True)
    valid = fields.Integer(required=True)
    new = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    errors = fields.List(fields.Nested(IssueSchema), required=True)
    warnings = fields.List(fields.Nested(IssueSchema), required=True)


class BatchSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    status = fields.String(
        required=True, metadata={"enum": ["previewed", "committed", "rolled_back"]}
    )
    sheet = fields.String(allow_none=True)
    uploaded_at = UtcDateTime(required=True)
    committed_at = UtcDateTime(allow_none=True)
    rolled_back_at = UtcDateTime(allow_none=True)
    preview = fields.Nested(PreviewSchema, required=True)


class BatchList(Schema):
    items = fields.List(fields.Nested(BatchSchema), required=True)


class UploadIn(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class CommitIn(Loose):
    confirm_duplicate = fields.Boolean(
        metadata={"description": "true: tệp này đã được nhập trước đây, vẫn nhập lần nữa"}
    )


class RollbackOut(Schema):
    removed = fields.Integer(required=True)
    restored = fields.Integer(required=True)


# --- reports --------------------------------------------------------------------------------


class ReportArgs(Loose):
    # The workbooks; the Word report (narrative) is a document, downloaded from the web.
    report = fields.String(
        required=True, metadata={"enum": [r for r in REPORTS if r != "narrative"]}
    )
    # The reports page's period fields: a preset with its year (and quarter), or from–to.
    preset = fields.String(
        metadata={
            "enum": list(PRESETS),
            "description": "Kỳ báo cáo có sẵn (cần year; quarter với quarter). Mặc định: "
            "custom, tức from–to",
        }
    )
    year = fields.Integer(metadata={"description": "Năm của kỳ (năm học: năm bắt đầu)"})
    quarter = fields.Integer(metadata={"enum": [1, 2, 3, 4]})
    # Named as in the period JSON; "from" is a Python keyword, hence data_key.
    date_from = fields.String(
        data_key="from", metadata={**DATE, "description": "Bắt buộc khi không có preset"}
    )
    date_to = fields.String(
        data_key="to", metadata={**DATE, "description": "Bắt buộc khi không có preset"}
    )
    area = fields.Integer(metadata={"description": "Mặc định: địa bàn của bạn, hoặc cả tỉnh"})
    group = fields.String(metadata={"description": "student, worker hoặc một đối tượng"})
    reached = fields.String(
        metadata={"enum": list(STAGE_LABELS), "description": "Chỉ danh sách chi tiết (candidates)"}
    )


class PeriodSchema(Schema):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")


NUMBER = {"type": "number", "nullable": True}


def figures() -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Raw(metadata=NUMBER), required=True)


class FigureRow(Schema):
    area = fields.String(required=True)
    unit = fields.String(allow_none=True, required=True)
    values = figures()


class FiguresSchema(Schema):
    report = fields.String(required=True)
    period = fields.Nested(PeriodSchema, required=True)
    rows = fields.List(fields.Nested(FigureRow), required=True)
    total = figures()


# --- reporting rounds -----------------------------------------------------------------------


class RoundPeriodSchema(PeriodSchema):
    label = fields.String(required=True, metadata={"description": "Ví dụ “Quý I năm 2026”"})


class ReporterSchema(Schema):
    """A reporter's state in a round: that of its latest submission, or not_submitted."""

    organisation = fields.Nested(Ref, required=True)
    state = fields.String(required=True, metadata={"enum": list(REPORTER_STATES)})
    latest_submission_id = fields.Integer(allow_none=True, required=True)
    first_sent = fields.Date(allow_none=True, required=True)
    late_days = fields.Integer(
        required=True, metadata={"description": "Số ngày làm việc quá hạn (đến lần nộp đầu)"}
    )


class RoundSchema(Schema):
    id = fields.Integer(required=True)
    period = fields.Nested(RoundPeriodSchema, required=True)
    reports = fields.List(
        fields.String(metadata={"enum": list(SUBMITTABLE)}), attribute="report_codes", required=True
    )
    deadline = fields.Date(required=True)
    note = fields.String(required=True)
    organisation = fields.Nested(Ref, required=True, metadata={"description": "Cơ quan mở đợt"})
    opened_at = UtcDateTime(required=True)
    state = fields.String(required=True, metadata={"enum": list(ROUND_STATES)})
    reporters = fields.List(
        fields.Nested(ReporterSchema),
        required=True,
        metadata={"description": "Cơ quan mở đợt thấy mọi cơ quan; cơ quan báo cáo thấy mình"},
    )
    to_send = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Báo cáo bạn sẽ nộp (trống khi bạn không phải nộp lúc này)"},
    )


RoundList = listing(RoundSchema, "RoundList")


class SubmittedReportSchema(Schema):
    report = fields.String(required=True, metadata={"enum": list(SUBMITTABLE)})
    totals = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Tổng cộng của báo cáo như đã nộp"},
    )


class StepSchema(Schema):
    action = fields.String(required=True, metadata={"enum": list(STEP_ACTIONS)})
    at = UtcDateTime(required=True)
    actor = fields.String(required=True)
    reason = fields.String(required=True)


class SubmissionSchema(Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    organisation = fields.Nested(Ref, required=True)
    state = fields.String(required=True, metadata={"enum": list(SUBMISSION_STATES)})
    comment = fields.String(required=True)
    area = fields.Nested(Ref, allow_none=True, required=True)
    submitted_at = UtcDateTime(required=True)
    reviewed_at = UtcDateTime(allow_none=True, required=True)
    reason = fields.String(required=True, metadata={"description": "Lý do trả lại, mở khóa"})
    reports = fields.List(fields.Nested(SubmittedReportSchema), required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)


SubmissionList = listing(SubmissionSchema, "SubmissionList")


class SubmitIn(Loose):
    comment = fields.String(metadata={"description": "Ý kiến kèm theo (nếu có)"})


class ReturnIn(Loose):
    # Not required here: the web's ReturnForm refuses a missing reason with its message.
    reason = fields.String(metadata={"description": "Lý do trả lại (bắt buộc)"})


class SubmissionWorkbookArgs(Loose):
    report = fields.String(required=True, metadata={"enum": list(SUBMITTABLE)})
