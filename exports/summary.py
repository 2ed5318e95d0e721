"""`summary`: both groups per area beside the same period a year earlier, a chart, tidy data."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.spreadsheet_drawing import AbsoluteAnchor
from openpyxl.drawing.text import (
    CharacterProperties,
    Font,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from exports.data import GroupFigures, ReportMeta, SummaryReport
from exports.layout import (
    COUNT_FORMAT,
    FONT_NAME,
    HEADING,
    Col,
    Look,
    SheetWriter,
    close_sheet,
    open_sheet,
    save,
    styled,
    workbook,
    write_only_sheet,
)
from exports.printing import MARGINS_MM, decree_margins, parts, setup_print
from exports.tables import TOTAL_LABEL, Figures, Line, change, count, derived, write_lines
from registry.domain.vocabulary import GROUPS

_GROUPS = ("students", "workers")
_GROUP_LABELS = {"students": GROUPS["student"], "workers": GROUPS["worker"]}
SOURCE = "Quần chúng ưu tú trong danh sách nguồn (cuối kỳ)"
TRAINED = "Đã học lớp nhận thức về Đảng"
PROPOSED = "Chi bộ đề nghị kết nạp"
ADMITTED = "Kết nạp đảng viên"
PEOPLE = "người"
EMU_PER_MM = 36_000  # drawing sizes are in English Metric Units
_MEASURES = (  # (field, label) of the current period in the tidy data
    ("source_at_end", SOURCE),
    ("trained", TRAINED),
    ("proposed", PROPOSED),
    ("admitted", ADMITTED),
)
_FIELDS = tuple(GroupFigures.__dataclass_fields__)


def _group_columns(prefix: str, label: str, first: int) -> Col:
    """One group's figures; `first` is the column number of its first figure."""
    return Col(
        label,
        children=(
            count(SOURCE, f"{prefix}source_at_end", unit=PEOPLE),
            count(TRAINED, f"{prefix}trained", unit=PEOPLE),
            count(PROPOSED, f"{prefix}proposed", unit=PEOPLE),
            Col(ADMITTED, children=_admission_columns(prefix, first + 3)),
        ),
    )


def _admission_columns(prefix: str, n: int, sums: tuple[str, str] = ("", "")) -> tuple[Col, ...]:
    """This period, a year earlier and the change, numbered from column n."""
    now, before = f"{prefix}admitted", f"{prefix}admitted_year_before"
    return (
        count("Kỳ này", now, number=f"({n}){sums[0]}" if sums[0] else None, unit=PEOPLE),
        count(
            "Cùng kỳ năm trước",
            before,
            number=f"({n + 1}){sums[1]}" if sums[1] else None,
            unit=PEOPLE,
        ),
        derived(
            "Tăng (+), giảm (-) so với cùng kỳ",
            lambda f: change(f[now], f[before]),
            number=f"({n + 2})=({n})/({n + 1})-1",
            percent=True,
            unit="%",
        ),
    )


SUMMARY_COLUMNS = (
    Col("STT", width=6),
    Col("Địa bàn", width=26),
    _group_columns("students_", _GROUP_LABELS["students"], 3),
    _group_columns("workers_", _GROUP_LABELS["workers"], 9),
    Col(
        "Tổng số kết nạp đảng viên",
        children=_admission_columns("", 15, sums=("=(6)+(12)", "=(7)+(13)")),
    ),
)
ADMITTED_COL = 15  # the total admitted this period; the year before is the next column


def _figures(students: GroupFigures, workers: GroupFigures) -> Figures:
    figures: Figures = {}
    for prefix, group in (("students_", students), ("workers_", workers)):
        figures.update({prefix + name: getattr(group, name) for name in _FIELDS})
    for name in ("admitted", "admitted_year_before"):
        figures[name] = getattr(students, name) + getattr(workers, name)
    return figures


def _total(report: SummaryReport) -> Figures:
    sums = {
        g: GroupFigures(**{n: sum(getattr(getattr(r, g), n) for r in report.rows) for n in _FIELDS})
        for g in _GROUPS
    }
    return _figures(sums["students"], sums["workers"])


def year_earlier(day: date) -> date:
    """The same day a year earlier (29 February becomes the 28th)."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def period_names(meta: ReportMeta) -> tuple[str, str]:
    """How the tidy data and the chart name this period and the same one a year earlier."""
    before = (year_earlier(meta.period_from), year_earlier(meta.period_to))
    spans = [
        f"{a:%d/%m/%Y} - {b:%d/%m/%Y}" for a, b in ((meta.period_from, meta.period_to), before)
    ]
    return f"Kỳ báo cáo ({spans[0]})", f"Cùng kỳ năm trước ({spans[1]})"


def _chart_font(size: int = 1100, bold: bool = False) -> CharacterProperties:
    return CharacterProperties(latin=Font(typeface=FONT_NAME), sz=size, b=bold)


def _chart_text() -> RichText:
    props = _chart_font()
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props, r=[])])


def _chart_title(text: str, size: int = 1100) -> Title:
    props = _chart_font(size, bold=True)
    run = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[run])), overlay=False)


def admissions_chart(ws, first: int, last: int, meta: ReportMeta) -> BarChart:
    """Admissions per area: this period beside the same period a year earlier."""
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    label = f" - {meta.period_label}" if meta.period_label else ""
    chart.title = _chart_title(f"Kết nạp đảng viên theo địa bàn{label}", size=1400)
    chart.y_axis.title, chart.x_axis.title = _chart_title("Người"), _chart_title("Địa bàn")
    areas = Reference(ws, min_col=2, min_row=first, max_row=last)
    for offset, name in enumerate(period_names(meta)):
        values = Reference(ws, min_col=ADMITTED_COL + offset, min_row=first, max_row=last)
        series = Series(values, title=name)
        series.cat = AxDataSource(strRef=StrRef(f=str(areas)))
        chart.series.append(series)
    # Each flag said: LibreOffice shows whatever is left unsaid (series and area names).
    chart.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    # openpyxl hides both axes unless told otherwise.
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.x_axis.txPr = chart.y_axis.txPr = chart.legend.txPr = _chart_text()
    chart.legend.position = "b"
    return chart


def write_chart_sheet(wb: Workbook, chart: BarChart) -> None:
    """The chart on a chart sheet of its own, filling an A4 landscape page.

    Excel stretches a chart sheet's chart over the page; LibreOffice draws it at the size
    the file gives (openpyxl gives none: a dot on a blank page), so the size is the page's
    printable area within the Nghị định 30 margins.
    """
    sheet = wb.create_chartsheet("Biểu đồ")
    sheet.pageSetup = PrintPageSetup(orientation="landscape", paperSize=Worksheet.PAPERSIZE_A4)
    sheet.pageMargins = decree_margins()
    sheet.add_chart(chart)
    page_mm = (297 - MARGINS_MM["left"] - MARGINS_MM["right"], 210 - 2 * MARGINS_MM["top"])
    width, height = (round(mm * EMU_PER_MM) for mm in page_mm)
    # openpyxl takes an anchor object as well as a cell name; its stubs know only the name.
    chart.anchor = AbsoluteAnchor(ext=XDRPositiveSize2D(width, height))  # type: ignore[assignment]


def write_tidy(wb: Workbook, report: SummaryReport) -> None:
    """Long layout, one value a line, as an Excel table ready for a pivot table."""
    ws = write_only_sheet(wb, "Dữ liệu")
    headers = ("Địa bàn", "Đối tượng", "Chỉ tiêu", "Kỳ", "Giá trị")
    widths = (26, 28, 46, 40, 10)
    for letter, width in zip("ABCDE", widths, strict=True):
        parts(ws).column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    setup_print(ws, (1, 1))
    sw = SheetWriter(ws, widths)
    sw.write([styled(ws, h, HEADING) for h in headers])
    now, before = period_names(report.meta)
    count_look = Look(number_format=COUNT_FORMAT, horizontal="right", wrap=False)
    plain = Look(horizontal="left", wrap=False)
    for row in report.rows:
        for group in _GROUPS:
            figures = getattr(row, group)
            lines = [(label, now, getattr(figures, name)) for name, label in _MEASURES]
            lines.append((ADMITTED, before, figures.admitted_year_before))
            for measure, period, value in lines:
                texts = (row.area, _GROUP_LABELS[group], measure, period)
                sw.write([*(styled(ws, t, plain) for t in texts), styled(ws, value, count_look)])
    ref = f"A1:E{max(sw.row, 2)}"
    table = Table(
        displayName="SoLieu",
        ref=ref,
        # A write-only sheet cannot read its header cells back: the columns are named here.
        tableColumns=[TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)],
        autoFilter=AutoFilter(ref=ref),
    )
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    # Added to the sheet's table list directly: `add_table` only checks the name (the one
    # table of the workbook) and warns that write-only tables need their columns named.
    ws.tables.add(table)


def summary_lines(report: SummaryReport) -> list[Line]:
    """One line per area, both groups and the total admitted; the grand total last."""
    lines = [
        Line(i, row.area, _figures(row.students, row.workers), "row")
        for i, row in enumerate(report.rows, 1)
    ]
    lines.append(Line(None, TOTAL_LABEL, _total(report), "total"))
    return lines


def build_summary(report: SummaryReport) -> BytesIO:
    """Province-wide summary, a chart sheet and a tidy data sheet."""
    if not isinstance(report, SummaryReport):
        raise TypeError(f"expected SummaryReport, got {type(report).__name__}")
    meta = report.meta
    with workbook(meta) as wb:
        sw = open_sheet(wb, "Tổng hợp", meta, SUMMARY_COLUMNS)
        first = sw.row + 1
        write_lines(sw, SUMMARY_COLUMNS, summary_lines(report))
        chart = admissions_chart(sw.ws, first, max(first, sw.row - 1), meta)
        close_sheet(sw, meta)
        write_chart_sheet(wb, chart)
        write_tidy(wb, report)
        return save(wb)
