"""What surrounds a report's table: the header block of Nghị định 30/2020 (or, for a party
committee, of Hướng dẫn 36-HD/VPTW), the title and period, and the signatures under it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import zip_longest

from exports.data import ReportMeta
from exports.styles import TITLE_SIZE, Band, Look, Segment

DOCUMENT_TYPE = "BC"  # Báo cáo (Nghị định 30/2020, Phụ lục III)
# Where the office writes the number when it registers the signed report.
NUMBER_BLANK = " " * 8
UNITS_LABEL = "Đơn vị tính"

SideLine = tuple[str, Look] | None  # text and look of one side of a header row; None: nothing


def date_line(place: str, day: date) -> str:
    """Place and date as Nghị định 30/2020 writes them: 0 before days < 10 and months 1-2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(meta: ReportMeta) -> str:
    """The document number with the number left blank: "Số:        /BC-UBND" (state),
    "Số        -BC/BTCTU" (party: no colon, the type before the issuer)."""
    code = meta.issuer_code.strip()
    if meta.style == "party":
        return f"Số{NUMBER_BLANK}-{DOCUMENT_TYPE}" + (f"/{code}" if code else "")
    return f"Số:{NUMBER_BLANK}/{DOCUMENT_TYPE}" + (f"-{code}" if code else "")


def period_line(meta: ReportMeta) -> str:
    if meta.as_at:
        return f"Tính đến ngày {meta.period_to:%d/%m/%Y}"
    span = f"từ ngày {meta.period_from:%d/%m/%Y} đến ngày {meta.period_to:%d/%m/%Y}"
    return f"{meta.period_label} ({span})" if meta.period_label else span[0].upper() + span[1:]


def sides(
    widths: Sequence[float], span: tuple[int, int] | None = None
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Columns of the left and right blocks of the header and of the signatures: the first
    columns holding a good third of the width, the last ones holding at most half of it;
    within `span` (first, last column) when given."""
    if span is not None:
        (l1, l2), (r1, r2) = sides(widths[span[0] - 1 : span[1]])
        shift = span[0] - 1
        return (l1 + shift, l2 + shift), (r1 + shift, r2 + shift)
    n, total = len(widths), sum(widths)
    if n < 2:
        return (1, 1), (1, 1)
    left, held = 0, 0.0
    while left < n - 1 and held < 0.35 * total:
        held += widths[left]
        left += 1
    right, held = n, widths[-1]
    while right - 1 > left and held + widths[right - 2] <= 0.5 * total:
        right -= 1
        held += widths[right - 1]
    return (1, left), (right, n)


def _header_rows(meta: ReportMeta) -> list[tuple[SideLine, SideLine]]:
    """Left (issuing body, number) and right (national or party name, place and date)."""
    body = list(meta.issuing_body)
    plain, strong = Look(), Look(bold=True)
    left: list[SideLine] = [(line, plain) for line in body[:-1]]
    # The issuing body is bold with a rule under it (underline stands in for the rule).
    left += [(line, Look(bold=True, underline=meta.style == "state")) for line in body[-1:]]
    if meta.style == "party":
        left.append(("*", plain))
        right: list[SideLine] = [("ĐẢNG CỘNG SẢN VIỆT NAM", Look(bold=True, underline=True))]
    else:
        right = [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", strong),
            ("Độc lập - Tự do - Hạnh phúc", Look(bold=True, underline=True, size=TITLE_SIZE)),
        ]
    rows = list(zip_longest(left, right))
    # The number under the issuing body, on the line of the place and date.
    number = (number_line(meta), Look(size=TITLE_SIZE)) if meta.numbered else None
    dated = (date_line(meta.place, meta.report_date), Look(italic=True, size=TITLE_SIZE))
    return [*rows, (number, dated)]


def header_bands(
    meta: ReportMeta,
    widths: Sequence[float],
    *,
    full: bool = True,
    note: str = "",
    unit_text: str | None = None,
    span: tuple[int, int] | None = None,
) -> list[Band]:
    """The rows above the column headers: header block, title, period, area and the unit
    of measure of the whole table (`unit_text`; None when the table has a row of units).
    All of it within `span` (first, last column) when given, else over every column."""
    t1, t2 = span or (1, len(widths))
    (l1, l2), (r1, r2) = sides(widths, span)
    bands: list[Band] = []

    def row(*segments: Segment) -> None:
        bands.append((list(segments), None))

    if full:
        if meta.form_code:
            row((r1, r2, meta.form_code, Look(bold=True, horizontal="right")))
        for lhs, rhs in _header_rows(meta):
            row(*([(l1, l2, *lhs)] if lhs else []), *([(r1, r2, *rhs)] if rhs else []))
        row()
    row((t1, t2, meta.title.upper(), Look(bold=True, size=TITLE_SIZE)))
    row((t1, t2, period_line(meta), Look(italic=True)))
    if note:
        row((t1, t2, note, Look(italic=True)))
    area: Segment = (l1, l2, f"Địa bàn: {meta.area_name}", Look(horizontal="left", wrap=False))
    if full and unit_text:
        row(area, (r1, r2, unit_text, Look(italic=True, horizontal="right", wrap=False)))
    else:
        row(area)
    return bands


def footer_bands(
    meta: ReportMeta, widths: Sequence[float], span: tuple[int, int] | None = None
) -> list[Band]:
    """The signatures under the table: the preparer left, the signer right, each name
    under its title with room for the signature (and the seal) between; within `span`."""
    (l1, l2), (r1, r2) = sides(widths, span)
    bold, italic = Look(bold=True), Look(italic=True)
    left = [(meta.preparer_title, bold), ("(Ký, ghi rõ họ tên)", italic)]
    titles = [line.strip() for line in meta.signer_title.split("\n") if line.strip()]
    right = [(line, bold) for line in titles] + [("(Ký, đóng dấu, ghi rõ họ tên)", italic)]
    bands: list[Band] = [([], None)]
    for lhs, rhs in zip_longest(left, right):
        segments = [(l1, l2, *lhs)] if lhs else []
        bands.append((segments + ([(r1, r2, *rhs)] if rhs else []), None))
    bands += [([], None)] * 3
    bands.append(([(l1, l2, meta.preparer_name, bold), (r1, r2, meta.signer_name, bold)], None))
    return bands
