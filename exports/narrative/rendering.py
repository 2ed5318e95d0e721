"""Filling a narrative template, and the checks of an uploaded template or document.

Templates are rendered by docxtpl in a sandboxed Jinja environment: an organisation's
admin uploads the template, so it may name only the placeholders listed in PLACEHOLDERS
and can reach nothing but the values given.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from exports.narrative.placeholders import PLACEHOLDERS, ROW_FIELDS, NarrativeContext


class TemplateProblem(ValueError):
    """A template that cannot be used; the message is for the user."""


# An organisation's template is an uploaded file: what it may hold is decided here, at
# upload and again at every render. The template language is cut down to what a report
# needs (a value, a row of the table, a condition, `or` with a text): no call, filter,
# arithmetic or attribute of Python objects, so a template can neither reach the server
# nor make it loop (the sandbox alone lets `x.method()` and `range(10**9)` through).
_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
    nodes.For, nodes.Not, nodes.And, nodes.Or, nodes.CondExpr, nodes.Compare, nodes.Operand,
    nodes.Getattr,
)  # fmt: skip
_LOOPS = {"bang": "dong", "noi_nhan": "noi"}  # what a template may loop over, and as what
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_PARTS = 400


class _Restricted(SandboxedEnvironment):
    """Items of the values given, nothing else: no attribute, no callable, no global."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=ChainableUndefined)
        self.globals.clear()
        self.parsed: list[nodes.Template] = []

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False  # `dong.ten` reads the row's item, never an attribute

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def parse(self, source, name=None, filename=None):
        tree = super().parse(source, name, filename)
        self.parsed.append(tree)  # kept for the check of what the template holds
        return tree


def _refusal(node: nodes.Node) -> str | None:
    """Why a part of the template is refused, or None."""
    if not isinstance(node, _ALLOWED_NODES):
        return f"cú pháp «{type(node).__name__}» không được dùng trong mẫu"
    if isinstance(node, nodes.Getattr):
        loop_names = set(_LOOPS.values())
        if not (isinstance(node.node, nodes.Name) and node.node.name in loop_names):
            return "chỉ được đọc cột của một dòng trong bảng (dong.ten…)"
        if node.attr not in ROW_FIELDS:
            return f"dòng của bảng không có cột «{node.attr}»"
    if isinstance(node, nodes.For):
        target, iterable = node.target, node.iter
        if not (
            isinstance(target, nodes.Name)
            and isinstance(iterable, nodes.Name)
            and _LOOPS.get(iterable.name) == target.name
        ):
            return "chỉ được lặp «for dong in bang» và «for noi in noi_nhan»"
    if isinstance(node, nodes.Const) and not isinstance(node.value, str):
        return "chỉ được dùng chữ, không dùng số hay phép tính"
    if isinstance(node, nodes.Operand) and node.op not in ("eq", "ne"):
        return "chỉ được so sánh bằng (==, !=)"
    return None


def _check_package(data: bytes, what: str = "Mẫu") -> None:
    """A .docx whose unpacked size and parts are bounded (no zip bomb) and that links to
    nothing outside itself (a printed template would fetch it); `what` names the file in
    the message (a template, or a document sent as it is)."""
    if not zipfile.is_zipfile(BytesIO(data)):
        raise TemplateProblem("Tệp không phải văn bản Word (.docx).")
    with zipfile.ZipFile(BytesIO(data)) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
            raise TemplateProblem("Văn bản Word quá lớn khi giải nén (quá 30 MB).")
        for part in parts:
            if part.filename.endswith(".rels") or part.filename.startswith("word/"):
                text = archive.read(part).decode("utf-8", "replace")
                if (
                    'TargetMode="External"' in text
                    or "INCLUDETEXT" in text
                    or ("INCLUDEPICTURE" in text)
                ):
                    raise TemplateProblem(
                        f"{what} có liên kết hoặc hình lấy từ ngoài văn bản; hãy bỏ chúng "
                        "rồi tải lên lại."
                    )


def _template(data: bytes) -> DocxTemplate:
    _check_package(data)
    try:
        return DocxTemplate(BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError):
        raise TemplateProblem(
            "Không đọc được văn bản Word: tệp hỏng hoặc không đúng định dạng."
        ) from None


def check_document(data: bytes) -> None:
    """Refuse a filled document sent as it is (a report edited in Word) that is no .docx:
    not a Word package, too big unpacked, linking outside itself, carrying macros, or
    whose text cannot be read. It is kept and printed, never rendered as a template."""
    _check_package(data, "Văn bản")
    with zipfile.ZipFile(BytesIO(data)) as archive:
        if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
            raise TemplateProblem("Văn bản có macro; hãy lưu lại dạng .docx rồi tải lên.")
    try:
        document = Document(BytesIO(data))  # refuses a .docm, .dotx or a spreadsheet
        _ = [paragraph.text for paragraph in document.paragraphs]
    except (KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError):
        raise TemplateProblem(
            "Không đọc được văn bản Word: tệp hỏng hoặc không đúng định dạng .docx."
        ) from None


def check_template(data: bytes) -> None:
    """Refuse a template that is no .docx (or too big unpacked, or linking outside), has a
    broken placeholder, holds more than the cut-down language, names a placeholder not in
    PLACEHOLDERS (named in the message), or fails to fill with the example values."""
    template = _template(data)
    environment = _Restricted()
    try:
        used = template.get_undeclared_template_variables(jinja_env=environment)
    except TemplateSyntaxError as error:
        raise TemplateProblem(
            f"Mẫu có chỗ điền viết sai (dòng {error.lineno}): {error.message}."
        ) from None
    except etree.LxmlError:
        raise TemplateProblem("Không đọc được văn bản Word: tệp hỏng.") from None
    unknown = sorted(used - set(PLACEHOLDERS))
    if unknown:
        names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
        raise TemplateProblem(f"Mẫu dùng chỗ điền không có trong danh sách: {names}.")
    for tree in environment.parsed:
        for node in (tree, *tree.find_all(nodes.Node)):
            reason = _refusal(node)
            if reason:
                raise TemplateProblem(f"Mẫu không dùng được: {reason}.")
    examples = {name: example for name, (_label, example) in PLACEHOLDERS.items()}
    example_row = {name: name for name in ROW_FIELDS}
    render(data, NarrativeContext(examples, (example_row,), None))


def render(template_data: bytes, context: NarrativeContext) -> BytesIO:
    """The filled document."""
    template = _template(template_data)
    values: dict[str, Any] = dict(context.values)
    values["bang"] = [dict(row) for row in context.rows]
    values["noi_nhan"] = [line for line in context.values.get("noi_nhan", "").split("\n") if line]
    for name, text in context.values.items():
        if name != "noi_nhan" and "\n" in text:
            values[name] = Listing(text)  # kept as line breaks in Word
    values["bieu_do"] = (
        InlineImage(template, BytesIO(context.chart_png), width=Mm(160))
        if context.chart_png
        else ""
    )
    try:
        template.render(values, jinja_env=_Restricted(), autoescape=True)
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"Mẫu có chỗ điền viết sai: {error.message}.") from None
    except (TemplateError, TypeError, ValueError, etree.LxmlError):
        raise TemplateProblem(
            "Không điền được mẫu báo cáo; hãy kiểm tra lại các chỗ điền của mẫu."
        ) from None
    out = BytesIO()
    template.save(out)
    out.seek(0)
    return out
