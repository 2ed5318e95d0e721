"""Every API error as DESIGN "API" shapes it:
`{"error": {"code", "message", "fields": [{"field", "code", "message"}]}}`.

HTTP errors keep their status with a stable code; a service's refusal is 422 with the
service's own Vietnamese message (and, for a stage, each rule's code); the form's and
the schema's field messages become `fields`, each with a code read from its message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, g, jsonify
from werkzeug.exceptions import HTTPException, NotFound, default_exceptions

from forms.base import REQUIRED
from forms.fields import NOT_A_CHOICE, NOT_A_DATE
from registry.services import ServiceError
from registry.services.accounts.tokens import TokenRefused
from registry.services.candidates.edit import DuplicateIdNumber, GroupMismatch
from registry.services.candidates.filtering import FilterError
from registry.services.candidates.stages import StageRefused
from registry.services.imports.batches import Unreadable
from registry.services.imports.candidate_import import ImportAlreadyDone
from registry.services.imports.rollback import RollbackRefused
from registry.services.reports.workbooks import ReportError
from registry.services.rounds import RoundError

HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không đúng dạng."),
    401: ("unauthorized", "Cần mã truy cập hợp lệ."),
    403: ("forbidden", "Tài khoản của bạn không được phép thực hiện việc này."),
    404: ("not_found", "Không tìm thấy, hoặc nằm ngoài phạm vi của bạn."),
    405: ("method_not_allowed", "Địa chỉ này không nhận phương thức này."),
    409: ("conflict", "Không thực hiện được vì dữ liệu đã thay đổi."),
    413: ("too_large", "Tệp tải lên vượt quá dung lượng cho phép."),
    415: ("unsupported_media_type", "Nội dung gửi lên phải là JSON."),
    422: ("validation", "Dữ liệu gửi lên chưa hợp lệ."),
    429: ("rate_limited", "Gọi quá nhiều lần trong một phút. Hãy đợi rồi thử lại."),
    500: ("server_error", "Đã có lỗi xảy ra. Dữ liệu không bị thay đổi."),
}

# A field message → its stable code, by how the message begins (the forms' own texts).
MESSAGE_CODES: tuple[tuple[str, str], ...] = (
    (REQUIRED, "required"),
    (NOT_A_DATE, "invalid_date"),
    (NOT_A_CHOICE, "invalid_choice"),
    ("Ngày không được ở tương lai", "future_date"),
    ("Dài quá", "too_long"),
    ("Số CCCD không hợp lệ", "invalid_id_number"),
    ("Không có dân tộc", "unknown_ethnicity"),
    ("Hãy chọn đơn vị", "required"),
    ("Đơn vị này không thuộc phạm vi", "out_of_scope"),
    ("Chi bộ này không thuộc phạm vi", "out_of_scope"),
    ("Hãy chọn bước", "required"),
    ("Bước không hợp lệ", "invalid_stage"),
    ("Hãy chọn lý do", "exit_reason"),
    ("Hãy ghi lý do", "required"),
    ("Not a valid choice", "invalid_choice"),
)

# The field a stage refusal is about (the web shows the rest under the date).
STAGE_FIELDS = {"exit_reason": "reason", "forbidden": "_"}
ENGLISH = {"Not a valid choice.": NOT_A_CHOICE}

# The schema library's messages (its defaults), in Vietnamese with a code.
SCHEMA_MESSAGES: dict[str, tuple[str, str]] = {
    "Missing data for required field.": ("required", REQUIRED),
    "Unknown field.": ("unknown_field", "Trường này không có trong API."),
    "Not a valid string.": ("invalid_type", "Phải là một chuỗi ký tự."),
    "Not a valid integer.": ("invalid_type", "Phải là một số nguyên."),
    "Not a valid boolean.": ("invalid_type", "Phải là true hoặc false."),
    "Not a valid date.": ("invalid_date", "Ngày không hợp lệ: ghi dạng YYYY-MM-DD."),
    "Field may not be null.": ("required", REQUIRED),
    "Invalid input type.": ("invalid_type", "Kiểu dữ liệu không đúng."),
    "Invalid value.": ("invalid", "Giá trị không hợp lệ."),
}


def body(
    code: str, message: str, fields: Iterable[Mapping[str, str]] = ()
) -> dict[str, dict[str, Any]]:
    return {"error": {"code": code, "message": message, "fields": list(fields)}}


def answer(status: int, code: str, message: str, fields=()) -> tuple[Response, int]:
    """The JSON error; its code also goes on the request's log line (`refused`)."""
    g.setdefault("log_fields", {})["refused"] = code
    return jsonify(body(code, message, fields)), status


def field_code(message: str) -> str:
    return next((code for start, code in MESSAGE_CODES if message.startswith(start)), "invalid")


def form_fields(errors: Mapping[str, list[str]]) -> list[dict[str, str]]:
    """A form's errors, field by field."""
    return [
        {"field": name, "code": field_code(str(text)), "message": ENGLISH.get(str(text), str(text))}
        for name, messages in errors.items()
        for text in messages
    ]


def _schema_fields(messages: Any, path: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """webargs' {location: {field: [messages]}} as a flat list; the location is dropped."""
    if isinstance(messages, Mapping):
        return [
            item for key, value in messages.items() for item in _schema_fields(value, (*path, key))
        ]
    if isinstance(messages, list) and not all(isinstance(m, str) for m in messages):
        return [item for m in messages for item in _schema_fields(m, path)]
    texts = messages if isinstance(messages, list) else [messages]
    name = ".".join(str(p) for p in path[1:]) or "_"
    fields = []
    for text in texts:
        code, message = SCHEMA_MESSAGES.get(str(text), ("invalid", "Giá trị không hợp lệ."))
        fields.append({"field": name, "code": code, "message": message})
    return fields


def http_error(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    code, message = HTTP_ERRORS.get(status, HTTP_ERRORS[500])
    fields: list[dict[str, str]] = []
    data = getattr(error, "data", None)
    if status == 422 and isinstance(data, Mapping) and "messages" in data:
        fields = _schema_fields(data["messages"])
    own = getattr(error, "api_error", None)  # (code, message, fields) given by the API itself
    if own:
        code, message, fields = own
    response, status = answer(status, code, message, fields)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    for name, value in (getattr(error, "headers", None) or {}).items():
        response.headers.setdefault(name, value)
    return response, status


def refusal(error: ServiceError) -> tuple[Response, int]:
    """A service's refusal: the service's message, its code, and the field it names."""
    message = str(error)
    if isinstance(error, TokenRefused):
        return answer(401, error.code, message)
    if isinstance(error, FilterError):
        return http_error(NotFound())
    if isinstance(error, StageRefused):
        fields = [
            {"field": STAGE_FIELDS.get(c, "event_date"), "code": c, "message": m}
            for c, m in error.issues
        ]
        return answer(422, error.issues[0][0], message, fields)
    if isinstance(error, DuplicateIdNumber):
        fields = [{"field": "id_number", "code": "duplicate_id_number", "message": message}]
        return answer(422, "duplicate_id_number", message, fields)
    if isinstance(error, GroupMismatch):
        fields = [{"field": "subgroup", "code": "invalid_group", "message": message}]
        return answer(422, "invalid_group", message, fields)
    if isinstance(error, ImportAlreadyDone):
        return answer(409, "already_done", ImportAlreadyDone.message)
    if isinstance(error, Unreadable):
        return answer(
            422,
            "unreadable_file",
            message,
            [{"field": "file", "code": "unreadable_file", "message": message}],
        )
    if isinstance(error, RollbackRefused):
        return answer(409, "rollback_refused", message)
    if isinstance(error, ReportError):
        return answer(422, "invalid_report", message)
    if isinstance(error, RoundError):
        return answer(422, error.code, message)
    return answer(
        422,
        "refused",
        message,
        [{"field": getattr(error, "field", "_"), "code": "refused", "message": message}]
        if getattr(error, "field", None)
        else [],
    )


def raise_api(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None
) -> None:
    """Stop the call with this status, code, message and fields."""
    error = default_exceptions[status]()
    error.api_error = (code, message, fields or [])  # type: ignore[attr-defined]  # read by http_error
    raise error
