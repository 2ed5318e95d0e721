"""The default narrative template, built with python-docx.

It is laid out by Nghị định 30/2020, Phụ lục I (A4; Times New Roman 13–14; margins
top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm): issuing body and number on the
left, national motto and date on the right, title, "Kính gửi", body, "Nơi nhận" and the
signer. Built here, the repository holds no binary file and the layout reads as code; an
office downloads it, edits it in Word, and uploads it back.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell

from exports.narrative.placeholders import ROW_FIELDS

FONT = "Times New Roman"  # printed with Liberation Serif where it is missing (same metrics)

# The body's paragraphs, one text each: the results, then the figures by area.
RESULTS = (
    "Trong kỳ, trên địa bàn {{ dia_ban }} đã kết nạp {{ ket_nap }} đảng viên trong "
    "{{ doi_tuong }}{% if ty_le_chi_tieu %}, đạt {{ ty_le_chi_tieu }} chỉ tiêu được giao "
    "({{ chi_tieu }} người){% endif %}; trong đó nữ {{ nu }}, người dân tộc thiểu số "
    "{{ dan_toc_thieu_so }}, người có đạo {{ ton_giao }}.",
    "{% if hoc_sinh_sinh_vien %}Trong học sinh, sinh viên: kết nạp {{ hoc_sinh_sinh_vien }} "
    "(học sinh THPT {{ hoc_sinh_thpt }}, học viên GDNN-GDTX {{ gdnn_gdtx }}, sinh viên "
    "{{ sinh_vien }}). {% endif %}{% if cong_nhan %}Trong công nhân, người lao động ở "
    "doanh nghiệp ngoài khu vực nhà nước: kết nạp {{ cong_nhan }}{% if theo_loai_hinh %} "
    "({{ theo_loai_hinh }}){% endif %}.{% endif %}",
    "Số được cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng trong kỳ: {{ hoc_lop }}; "
    "chi bộ đề nghị kết nạp: {{ de_nghi }}; có quyết định kết nạp: {{ quyet_dinh }}; "
    "quần chúng ưu tú đang theo dõi cuối kỳ: {{ dang_theo_doi }}.",
    "So với cùng kỳ năm trước ({{ cung_ky }} người): {{ so_voi_cung_ky }}.",
    "{% if vuot_chi_tieu %}Các địa bàn đạt, vượt chỉ tiêu: {{ vuot_chi_tieu }}. {% endif %}"
    "{% if chua_dat_chi_tieu %}Các địa bàn chưa đạt chỉ tiêu: {{ chua_dat_chi_tieu }}."
    "{% endif %}",
    "{% if dn_hoat_dong %}Thực hiện Chỉ thị số 33-CT/TW: trong {{ dn_hoat_dong }} doanh "
    "nghiệp ngoài khu vực nhà nước đang hoạt động ({{ lao_dong_dn }} lao động), "
    "{{ dn_co_to_chuc_dang }} doanh nghiệp có tổ chức đảng; {{ dang_vien_trong_dn }} đảng "
    "viên đang làm việc.{% endif %}",
)
TABLE_HEADS = ("STT", "Địa bàn", "Chỉ tiêu", "Kết nạp", "Tỷ lệ", "Cùng kỳ năm trước")
TABLE_WIDTHS_MM = (12, 55, 24, 24, 24, 26)


def default_template() -> bytes:
    """The default template as .docx bytes."""
    document = Document()
    _page(document)
    _heading(document)
    _title(document)
    _body(document, "I. KẾT QUẢ").runs[0].bold = True
    for text in RESULTS:
        _body(document, text)
    _body(document, "II. SỐ LIỆU THEO ĐỊA BÀN").runs[0].bold = True
    _area_table(document)
    document.add_paragraph()
    _line(document, "{{ bieu_do }}")
    document.add_paragraph()
    _closing(document)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document) -> None:
    """A4 portrait with NĐ 30's margins; the Normal style in Times New Roman 14."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)


def _heading(document) -> None:
    """Issuing body and number on the left, national motto and date on the right."""
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


def _title(document) -> None:
    """The kind of document, its name, its period and whom it is sent to."""
    document.add_paragraph()
    _line(document, "BÁO CÁO", bold=True)
    _line(document, "{{ tieu_de }}", bold=True)
    _line(document, "{{ ky_bao_cao }}", italic=True)
    document.add_paragraph()
    _line(document, "Kính gửi: {{ kinh_gui or '……………………………' }}.")
    document.add_paragraph()


def _area_table(document) -> None:
    """The table by area: its header row, then a row repeated for each line of `bang`."""
    # Header, the loop's opening row, its body, its closing row (docxtpl drops the two).
    table = document.add_table(rows=4, cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, TABLE_HEADS, strict=True):
        _line(cell, text, bold=True, size=12, first=True)
    _line(table.rows[1].cells[0], "{%tr for dong in bang %}", size=12, first=True)
    for cell, name in zip(table.rows[2].cells, ROW_FIELDS, strict=True):
        align = WD_ALIGN_PARAGRAPH.LEFT if name == "ten" else WD_ALIGN_PARAGRAPH.CENTER
        _line(cell, f"{{{{ dong.{name} }}}}", size=12, first=True, align=align)
    _line(table.rows[3].cells[0], "{%tr endfor %}", size=12, first=True)
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, TABLE_WIDTHS_MM, strict=True):
            cell.width = Mm(width)


def _closing(document) -> None:
    """The recipients (Nơi nhận) on the left, one line each; the signer on the right."""
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
