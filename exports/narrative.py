"""The narrative report (Báo cáo) as .docx: a Word template filled with the figures.

Templates are Word files with placeholders (`{{ ket_nap }}`) and, for the table, a row
loop (`{%tr for dong in bang %}`), rendered by docxtpl in a sandboxed Jinja
environment: an organisation's admin uploads the template, so it may name only the
placeholders listed in PLACEHOLDERS and can reach nothing but the values given.

The default template is built here with python-docx, laid out by Nghị định 30/2020
(issuing body and number on the left, national motto and date on the right, title,
"Kính gửi", body, "Nơi nhận" and the signer), so the repository holds no binary file and
the layout reads as code. An office downloads it, edits it in Word, and uploads it back.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell
from docxtpl import DocxTemplate, InlineImage, Listing
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from registry.domain.textutil import vn_number

FONT = "Times New Roman"  # printed with Liberation Serif where it is missing (same metrics)

# Placeholder → (what it holds, an example value). The one list the product shows on its
# placeholder page, checks uploaded templates against, and fills.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "co_quan_chu_quan": ("Cơ quan chủ quản (dòng trên của tiêu đề)", "UBND TỈNH LÀO CAI"),
    "co_quan_ban_hanh": ("Cơ quan ban hành báo cáo", "SỞ NỘI VỤ"),
    "so_ky_hieu": ("Số và ký hiệu văn bản, theo thể thức", "Số:      /BC-SNV"),
    "quoc_hieu": (
        "Quốc hiệu, hoặc tên Đảng với văn bản của Đảng",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ),
    "tieu_ngu": ("Tiêu ngữ (để trống với văn bản của Đảng)", "Độc lập - Tự do - Hạnh phúc"),
    "noi_ban_hanh": ("Địa danh nơi ban hành", "Lào Cai"),
    "ngay": ("Ngày lập báo cáo", "05"),
    "thang": ("Tháng lập báo cáo", "01"),
    "nam": ("Năm lập báo cáo", "2026"),
    "tieu_de": ("Tên báo cáo", "Kết quả công tác phát triển đảng viên trong học sinh, …"),
    "ky_bao_cao": ("Kỳ báo cáo", "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)"),
    "dia_ban": ("Địa bàn báo cáo", "Tỉnh Lào Cai"),
    "doi_tuong": ("Đối tượng báo cáo", "học sinh, sinh viên và công nhân lao động"),
    "kinh_gui": ("Nơi nhận chính (Kính gửi)", "Ủy ban nhân dân tỉnh"),
    "ket_nap": ("Số được kết nạp trong kỳ", "1.234"),
    "chi_tieu": ("Chỉ tiêu kết nạp của kỳ (để trống khi chưa giao)", "1.500"),
    "ty_le_chi_tieu": ("Tỷ lệ so với chỉ tiêu", "82,3%"),
    "nu": ("Trong số kết nạp: nữ", "640"),
    "dan_toc_thieu_so": ("Trong số kết nạp: người dân tộc thiểu số", "412"),
    "ton_giao": ("Trong số kết nạp: người có đạo", "12"),
    "hoc_sinh_sinh_vien": ("Kết nạp trong học sinh, sinh viên", "800"),
    "hoc_sinh_thpt": ("… trong đó học sinh THPT", "420"),
    "gdnn_gdtx": ("… trong đó học viên GDNN-GDTX", "180"),
    "sinh_vien": ("… trong đó sinh viên cao đẳng, đại học", "200"),
    "cong_nhan": ("Kết nạp trong công nhân, người lao động", "434"),
    "theo_loai_hinh": (
        "Kết nạp công nhân theo loại hình doanh nghiệp (đoạn văn)",
        "công ty TNHH 210, công ty cổ phần 150, doanh nghiệp FDI 74",
    ),
    "hoc_lop": ("Số được cấp giấy chứng nhận lớp nhận thức về Đảng trong kỳ", "2.100"),
    "de_nghi": ("Số được chi bộ đề nghị kết nạp trong kỳ", "1.300"),
    "quyet_dinh": ("Số có quyết định kết nạp trong kỳ", "1.250"),
    "dang_theo_doi": ("Số quần chúng đang theo dõi cuối kỳ", "5.600"),
    "cung_ky": ("Kết nạp cùng kỳ năm trước", "1.100"),
    "so_voi_cung_ky": ("So với cùng kỳ năm trước", "tăng 134 người (12,2%)"),
    "vuot_chi_tieu": ("Các địa bàn đạt hoặc vượt chỉ tiêu", "Phường Lào Cai, Xã Bảo Yên"),
    "chua_dat_chi_tieu": ("Các địa bàn chưa đạt chỉ tiêu", "Xã Bắc Hà"),
    "dn_hoat_dong": ("Doanh nghiệp ngoài nhà nước đang hoạt động (Chỉ thị 33)", "1.020"),
    "dn_co_to_chuc_dang": ("… trong đó có tổ chức đảng", "96"),
    "dang_vien_trong_dn": ("Đảng viên làm việc trong các doanh nghiệp đó", "1.480"),
    "lao_dong_dn": ("Số lao động của các doanh nghiệp đang hoạt động", "45.300"),
    "bang": (
        "Bảng theo địa bàn: mỗi dòng có stt, ten, chi_tieu, ket_nap, ty_le, cung_ky",
        "{%tr for dong in bang %} … {{ dong.ten }} … {%tr endfor %}",
    ),
    "bieu_do": ("Biểu đồ kết nạp theo địa bàn, kỳ này và cùng kỳ năm trước", "(hình)"),
    "noi_nhan": ("Nơi nhận, mỗi dòng một nơi", "Như trên; Lưu: VT"),
    "chuc_vu_nguoi_ky": ("Quyền hạn, chức vụ người ký", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"),
    "nguoi_ky": ("Họ tên người ký", "Trần Văn Ký"),
    "nguoi_lap": ("Họ tên người lập", "Nguyễn Thị Lập"),
}
ROW_FIELDS = ("stt", "ten", "chi_tieu", "ket_nap", "ty_le", "cung_ky")


class TemplateProblem(ValueError):
    """A template that cannot be used; the message is for the user."""


@dataclass(frozen=True)
class NarrativeContext:
    """The values of every placeholder (text, already formatted), the table rows and the
    chart picture (PNG bytes, or None when there is nothing to draw)."""

    values: Mapping[str, str]
    rows: tuple[Mapping[str, str], ...]
    chart_png: bytes | None = None


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


# The default template, by NĐ 30/2020 (Phụ lục I: font Times New Roman 13–14, A4,
# margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm).


def _run(paragraph, text: str, *, bold=False, italic=False, underline=False, size=14):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.name, run.font.size = FONT, Pt(size)
    return run


def _line(cell_or_doc, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER, first=False, **style):
    if first and isinstance(cell_or_doc, _Cell):
        paragraph = cell_or_doc.paragraphs[0]
    else:
        paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, **style)
    return paragraph


def _body(document, text: str, indent=True):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(12.7) if indent else None
    paragraph.paragraph_format.space_after = Pt(6)
    _run(paragraph, text)
    return paragraph


def _borderless(table) -> None:
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    table.style = None


def default_template() -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borderless(header)
    left, right = header.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    _line(left, "{{ co_quan_chu_quan }}", size=13, first=True)
    _line(left, "{{ co_quan_ban_hanh }}", bold=True, size=13)
    _line(left, "{{ so_ky_hieu }}", size=13)
    _line(right, "{{ quoc_hieu }}", bold=True, size=13, first=True)
    _line(right, "{{ tieu_ngu }}", bold=True, underline=True)
    _line(right, "{{ noi_ban_hanh }}, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}", italic=True)

    document.add_paragraph()
    _line(document, "BÁO CÁO", bold=True)
    _line(document, "{{ tieu_de }}", bold=True)
    _line(document, "{{ ky_bao_cao }}", italic=True)
    document.add_paragraph()
    _line(document, "Kính gửi: {{ kinh_gui or '……………………………' }}.")
    document.add_paragraph()

    _body(document, "I. KẾT QUẢ").runs[0].bold = True
    _body(
        document,
        "Trong kỳ, trên địa bàn {{ dia_ban }} đã kết nạp {{ ket_nap }} đảng viên trong "
        "{{ doi_tuong }}{% if ty_le_chi_tieu %}, đạt {{ ty_le_chi_tieu }} chỉ tiêu được giao "
        "({{ chi_tieu }} người){% endif %}; trong đó nữ {{ nu }}, người dân tộc thiểu số "
        "{{ dan_toc_thieu_so }}, người có đạo {{ ton_giao }}.",
    )
    _body(
        document,
        "{% if hoc_sinh_sinh_vien %}Trong học sinh, sinh viên: kết nạp {{ hoc_sinh_sinh_vien }} "
        "(học sinh THPT {{ hoc_sinh_thpt }}, học viên GDNN-GDTX {{ gdnn_gdtx }}, sinh viên "
        "{{ sinh_vien }}). {% endif %}{% if cong_nhan %}Trong công nhân, người lao động ở "
        "doanh nghiệp ngoài khu vực nhà nước: kết nạp {{ cong_nhan }}{% if theo_loai_hinh %} "
        "({{ theo_loai_hinh }}){% endif %}.{% endif %}",
    )
    _body(
        document,
        "Số được cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng trong kỳ: {{ hoc_lop }}; "
        "chi bộ đề nghị kết nạp: {{ de_nghi }}; có quyết định kết nạp: {{ quyet_dinh }}; "
        "quần chúng ưu tú đang theo dõi cuối kỳ: {{ dang_theo_doi }}.",
    )
    _body(
        document,
        "So với cùng kỳ năm trước ({{ cung_ky }} người): {{ so_voi_cung_ky }}.",
    )
    _body(
        document,
        "{% if vuot_chi_tieu %}Các địa bàn đạt, vượt chỉ tiêu: {{ vuot_chi_tieu }}. {% endif %}"
        "{% if chua_dat_chi_tieu %}Các địa bàn chưa đạt chỉ tiêu: {{ chua_dat_chi_tieu }}."
        "{% endif %}",
    )
    _body(
        document,
        "{% if dn_hoat_dong %}Thực hiện Chỉ thị số 33-CT/TW: trong {{ dn_hoat_dong }} doanh "
        "nghiệp ngoài khu vực nhà nước đang hoạt động ({{ lao_dong_dn }} lao động), "
        "{{ dn_co_to_chuc_dang }} doanh nghiệp có tổ chức đảng; {{ dang_vien_trong_dn }} đảng "
        "viên đang làm việc.{% endif %}",
    )
    _body(document, "II. SỐ LIỆU THEO ĐỊA BÀN").runs[0].bold = True
    # Header, the loop's opening row, its body, its closing row (docxtpl drops the two).
    table = document.add_table(rows=4, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ("STT", "Địa bàn", "Chỉ tiêu", "Kết nạp", "Tỷ lệ", "Cùng kỳ năm trước")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _line(cell, text, bold=True, size=12, first=True)
    _line(table.rows[1].cells[0], "{%tr for dong in bang %}", size=12, first=True)
    for cell, name in zip(table.rows[2].cells, ROW_FIELDS, strict=True):
        align = WD_ALIGN_PARAGRAPH.LEFT if name == "ten" else WD_ALIGN_PARAGRAPH.CENTER
        _line(cell, f"{{{{ dong.{name} }}}}", size=12, first=True, align=align)
    _line(table.rows[3].cells[0], "{%tr endfor %}", size=12, first=True)
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, (12, 55, 24, 24, 24, 26), strict=True):
            cell.width = Mm(width)
    document.add_paragraph()
    _line(document, "{{ bieu_do }}")
    document.add_paragraph()

    closing = document.add_table(rows=1, cols=2)
    _borderless(closing)
    left, right = closing.rows[0].cells
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT,
          first=True)  # fmt: skip
    _line(left, "{%p for noi in noi_nhan %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "- {{ noi }};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "{%p endfor %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, "{{ chuc_vu_nguoi_ky }}", bold=True, first=True)
    for _ in range(3):
        _line(right, "")
    _line(right, "{{ nguoi_ky }}", bold=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


# Figures → placeholder values. Pure: the reports service hands in the same dataclasses
# the xlsx builders get, so every figure of the document is one of the workbook's.


def vn_percent(part: int | None, whole: int | None) -> str:
    """82.3% as "82,3%"; "" when there is nothing to divide by."""
    if not whole or part is None:
        return ""
    return f"{100 * part / whole:.1f}%".replace(".", ",")


def _change(now: int, before: int) -> str:
    if now == before:
        return "bằng cùng kỳ"
    word = "tăng" if now > before else "giảm"
    text = f"{word} {vn_number(abs(now - before))} người"
    if before:
        text += f" ({vn_percent(abs(now - before), before)})"
    return text


@dataclass(frozen=True)
class NarrativeFigures:
    """What the document counts, from the reports' own data: the students' and workers'
    grouped reports (None for a group the report does not count), Chỉ thị 33, and the
    summary (for the same period a year earlier)."""

    meta: Any  # exports.ReportMeta
    students: Any | None  # GroupedReport[StudentRow]
    workers: Any | None  # GroupedReport[WorkerRow]
    ct33: Any | None  # GroupedReport[Ct33Row]
    summary: Any  # SummaryReport
    addressee: str = ""
    recipients: str = ""
    subject: str = ""


def narrative_context(f: NarrativeFigures) -> NarrativeContext:
    from exports.data import StudentRow, WorkerRow
    from exports.heading import number_line
    from exports.tables import grouped_lines

    meta = f.meta
    student_lines = grouped_lines(f.students, StudentRow) if f.students else []
    worker_lines = grouped_lines(f.workers, WorkerRow) if f.workers else []
    s_total = student_lines[-1].figures if student_lines else {}
    w_total = worker_lines[-1].figures if worker_lines else {}

    def both(name: str) -> int:
        return int(s_total.get(name) or 0) + int(w_total.get(name) or 0)

    # The target of what is counted (DESIGN "Target"): the sum of the counted groups'
    # targets when every one of them has one, else none (the % is left blank).
    counted = [t for t, present in ((s_total, f.students), (w_total, f.workers)) if present]
    targets = [t.get("target") for t in counted]
    known = [int(t) for t in targets if t is not None]
    target = sum(known) if targets and len(known) == len(targets) else None
    admitted = both("admitted")

    # Per area: the two groups' subtotal lines, and the summary's year-before column.
    per_area: dict[str, dict[str, int | None]] = {}
    groups_counted = sum(1 for present in (f.students, f.workers) if present)
    targets_seen: dict[str, int] = {}
    for line in (*student_lines, *worker_lines):
        if line.kind != "area":
            continue
        entry = per_area.setdefault(line.label, {"target": None, "admitted": 0})
        entry["admitted"] = int(entry["admitted"] or 0) + int(line.figures.get("admitted") or 0)
        if line.figures.get("target") is not None:
            entry["target"] = int(entry["target"] or 0) + int(line.figures["target"])
            targets_seen[line.label] = targets_seen.get(line.label, 0) + 1
    for name, entry in per_area.items():
        if targets_seen.get(name, 0) < groups_counted:
            entry["target"] = None  # a group of the area has no target: no %
    before_by_area: dict[str, int] = {}
    for row in f.summary.rows:
        before = (row.students.admitted_year_before if f.students else 0) + (
            row.workers.admitted_year_before if f.workers else 0
        )
        before_by_area[row.area] = before
    year_before = sum(before_by_area.values())

    kinds: dict[str, int] = {}
    for line in worker_lines:
        if line.kind == "unit":
            kinds[line.label] = kinds.get(line.label, 0) + int(line.figures.get("admitted") or 0)
    by_kind = ", ".join(f"{name.lower()} {vn_number(n)}" for name, n in kinds.items() if n)

    ct: dict[str, int] = {}
    if f.ct33 is not None:
        for group in f.ct33.groups:
            for row in group.rows:
                for name in ("operating", "members", "workers", "with_chi_bo_co_so",
                             "with_dang_bo_co_so", "with_chi_bo_truc_thuoc"):  # fmt: skip
                    ct[name] = ct.get(name, 0) + getattr(row, name)
    with_org = sum(ct.get(n, 0) for n in ("with_chi_bo_co_so", "with_dang_bo_co_so",
                                          "with_chi_bo_truc_thuoc"))  # fmt: skip

    who = [w for w, present in (("học sinh, sinh viên", f.students), ("công nhân lao động "
           "ở doanh nghiệp ngoài khu vực nhà nước", f.workers)) if present]  # fmt: skip
    issuing = list(meta.issuing_body)
    values = {
        "co_quan_chu_quan": "\n".join(issuing[:-1]),
        "co_quan_ban_hanh": issuing[-1] if issuing else "",
        "so_ky_hieu": number_line(meta),
        "quoc_hieu": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        if meta.style == "state"
        else "ĐẢNG CỘNG SẢN VIỆT NAM",
        "tieu_ngu": "Độc lập - Tự do - Hạnh phúc" if meta.style == "state" else "",
        "noi_ban_hanh": meta.place,
        "ngay": f"{meta.report_date.day:02d}",
        # NĐ 30/2020: a 0 before days below 10 and before months 1 and 2 only.
        "thang": f"{meta.report_date.month:02d}"
        if meta.report_date.month <= 2
        else str(meta.report_date.month),
        "nam": str(meta.report_date.year),
        "tieu_de": f.subject or meta.title,
        "ky_bao_cao": meta.period_label
        or f"Từ ngày {meta.period_from:%d/%m/%Y} đến ngày {meta.period_to:%d/%m/%Y}",
        "dia_ban": meta.area_name,
        "doi_tuong": " và ".join(who),
        "kinh_gui": f.addressee,
        "ket_nap": vn_number(admitted),
        "chi_tieu": vn_number(target),
        "ty_le_chi_tieu": vn_percent(admitted, target),
        "nu": vn_number(both("women")),
        "dan_toc_thieu_so": vn_number(both("ethnic_minority")),
        "ton_giao": vn_number(both("religious")),
        "hoc_sinh_sinh_vien": vn_number(s_total.get("admitted")) if f.students else "",
        "hoc_sinh_thpt": vn_number(s_total.get("thpt")) if f.students else "",
        "gdnn_gdtx": vn_number(s_total.get("gdnn_gdtx")) if f.students else "",
        "sinh_vien": vn_number(s_total.get("college")) if f.students else "",
        "cong_nhan": vn_number(w_total.get("admitted")) if f.workers else "",
        "theo_loai_hinh": by_kind,
        "hoc_lop": vn_number(both("trained")),
        "de_nghi": vn_number(both("proposed")),
        "quyet_dinh": vn_number(both("decided")),
        "dang_theo_doi": vn_number(both("followed_at_end")),
        "cung_ky": vn_number(year_before),
        "so_voi_cung_ky": _change(admitted, year_before),
        "vuot_chi_tieu": ", ".join(
            n for n, e in per_area.items() if e["target"] and int(e["admitted"] or 0) >= e["target"]
        ),
        "chua_dat_chi_tieu": ", ".join(
            n for n, e in per_area.items() if e["target"] and int(e["admitted"] or 0) < e["target"]
        ),
        "dn_hoat_dong": vn_number(ct.get("operating")) if f.ct33 else "",
        "dn_co_to_chuc_dang": vn_number(with_org) if f.ct33 else "",
        "dang_vien_trong_dn": vn_number(ct.get("members")) if f.ct33 else "",
        "lao_dong_dn": vn_number(ct.get("workers")) if f.ct33 else "",
        "noi_nhan": f.recipients,
        "chuc_vu_nguoi_ky": meta.signer_title,
        "nguoi_ky": meta.signer_name,
        "nguoi_lap": meta.preparer_name,
    }
    rows = tuple(
        {
            "stt": str(i),
            "ten": name,
            "chi_tieu": vn_number(entry["target"]),
            "ket_nap": vn_number(entry["admitted"]),
            "ty_le": vn_percent(entry["admitted"], entry["target"]),
            "cung_ky": vn_number(before_by_area.get(name, 0)),
        }
        for i, (name, entry) in enumerate(per_area.items(), 1)
    )
    chart = None
    if per_area:
        from exports.chart import admissions_chart

        names = list(per_area)
        chart = admissions_chart(
            names,
            [int(per_area[n]["admitted"] or 0) for n in names],
            [before_by_area.get(n, 0) for n in names],
        )
    return NarrativeContext(values, rows, chart)
