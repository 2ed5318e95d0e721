"""The reports' figures → the narrative's placeholder values, table rows and chart.

Pure: the reports service hands in the same dataclasses the xlsx builders get, so every
figure of the document is one of the workbook's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exports.chart import admissions_chart
from exports.data import StudentRow, WorkerRow
from exports.heading import number_line
from exports.narrative.placeholders import NarrativeContext
from exports.tables import Line, grouped_lines
from registry.domain.textutil import vn_number

# An area's admitted and target, both groups added ("target" None: no % for the area).
AreaFigures = dict[str, int | None]

CT33_COUNTS = ("operating", "members", "workers", "with_chi_bo_co_so",
               "with_dang_bo_co_so", "with_chi_bo_truc_thuoc")  # fmt: skip
CT33_WITH_PARTY_ORG = ("with_chi_bo_co_so", "with_dang_bo_co_so", "with_chi_bo_truc_thuoc")


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


def vn_percent(part: int | None, whole: int | None) -> str:
    """82.3% as "82,3%"; "" when there is nothing to divide by."""
    if not whole or part is None:
        return ""
    return f"{100 * part / whole:.1f}%".replace(".", ",")


def narrative_context(f: NarrativeFigures) -> NarrativeContext:
    """The values of every placeholder, the rows of the table by area and the chart."""
    student_lines = grouped_lines(f.students, StudentRow) if f.students else []
    worker_lines = grouped_lines(f.workers, WorkerRow) if f.workers else []
    groups_counted = sum(1 for present in (f.students, f.workers) if present)
    per_area = _per_area((*student_lines, *worker_lines), groups_counted)
    before_by_area = _year_before_by_area(f)
    values = {
        **_heading_values(f),
        **_admission_values(f, student_lines, worker_lines, sum(before_by_area.values())),
        **_target_values(per_area),
        **_ct33_values(f.ct33),
        "noi_nhan": f.recipients,
        "chuc_vu_nguoi_ky": f.meta.signer_title,
        "nguoi_ky": f.meta.signer_name,
        "nguoi_lap": f.meta.preparer_name,
    }
    return NarrativeContext(
        values, _area_rows(per_area, before_by_area), _chart(per_area, before_by_area)
    )


def _heading_values(f: NarrativeFigures) -> dict[str, str]:
    """The header block, title, period, area, who is counted and the addressee."""
    meta = f.meta
    issuing = list(meta.issuing_body)
    who = [w for w, present in (("học sinh, sinh viên", f.students), ("công nhân lao động "
           "ở doanh nghiệp ngoài khu vực nhà nước", f.workers)) if present]  # fmt: skip
    return {
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
    }


def _admission_values(
    f: NarrativeFigures,
    student_lines: Sequence[Line],
    worker_lines: Sequence[Line],
    year_before: int,
) -> dict[str, str]:
    """The report's totals: admitted against the target and a year earlier, who they
    are, each group's own figures, and the stages before admission."""
    s_total = student_lines[-1].figures if student_lines else {}
    w_total = worker_lines[-1].figures if worker_lines else {}

    def both(name: str) -> int:
        return int(s_total.get(name) or 0) + int(w_total.get(name) or 0)

    admitted = both("admitted")
    target = _counted_target(((s_total, f.students), (w_total, f.workers)))
    return {
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
        "theo_loai_hinh": _admitted_by_kind(worker_lines),
        "hoc_lop": vn_number(both("trained")),
        "de_nghi": vn_number(both("proposed")),
        "quyet_dinh": vn_number(both("decided")),
        "dang_theo_doi": vn_number(both("followed_at_end")),
        "cung_ky": vn_number(year_before),
        "so_voi_cung_ky": _change(admitted, year_before),
    }


def _counted_target(groups: Sequence[tuple[Mapping[str, Any], object | None]]) -> int | None:
    """The target of what is counted (DESIGN "Target"): the sum of the counted groups'
    targets when every one of them has one, else none (the % is left blank)."""
    counted = [total for total, present in groups if present]
    targets = [total.get("target") for total in counted]
    known = [int(t) for t in targets if t is not None]
    return sum(known) if targets and len(known) == len(targets) else None


def _change(now: int, before: int) -> str:
    if now == before:
        return "bằng cùng kỳ"
    word = "tăng" if now > before else "giảm"
    text = f"{word} {vn_number(abs(now - before))} người"
    if before:
        text += f" ({vn_percent(abs(now - before), before)})"
    return text


def _admitted_by_kind(worker_lines: Sequence[Line]) -> str:
    """The workers admitted by enterprise kind, over every area: "công ty tnhh 3, …"."""
    kinds: dict[str, int] = {}
    for line in worker_lines:
        if line.kind == "unit":
            kinds[line.label] = kinds.get(line.label, 0) + int(line.figures.get("admitted") or 0)
    return ", ".join(f"{name.lower()} {vn_number(n)}" for name, n in kinds.items() if n)


def _per_area(lines: Sequence[Line], groups_counted: int) -> dict[str, AreaFigures]:
    """Per area, the counted groups' subtotal lines added; an area's target only when
    every counted group of it has one."""
    per_area: dict[str, AreaFigures] = {}
    targets_seen: dict[str, int] = {}
    for line in lines:
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
    return per_area


def _year_before_by_area(f: NarrativeFigures) -> dict[str, int]:
    """The summary's year-before column per area, for the groups counted."""
    before_by_area: dict[str, int] = {}
    for row in f.summary.rows:
        before = (row.students.admitted_year_before if f.students else 0) + (
            row.workers.admitted_year_before if f.workers else 0
        )
        before_by_area[row.area] = before
    return before_by_area


def _target_values(per_area: Mapping[str, AreaFigures]) -> dict[str, str]:
    """The areas that reached their target, and those that did not."""
    return {
        "vuot_chi_tieu": ", ".join(
            n for n, e in per_area.items() if e["target"] and int(e["admitted"] or 0) >= e["target"]
        ),
        "chua_dat_chi_tieu": ", ".join(
            n for n, e in per_area.items() if e["target"] and int(e["admitted"] or 0) < e["target"]
        ),
    }


def _ct33_values(ct33: Any | None) -> dict[str, str]:
    """Chỉ thị 33's enterprises, those with a party organisation, the members and the
    workers in them, over every area; blank when the report does not count them."""
    ct: dict[str, int] = {}
    if ct33 is not None:
        for group in ct33.groups:
            for row in group.rows:
                for name in CT33_COUNTS:
                    ct[name] = ct.get(name, 0) + getattr(row, name)
    with_org = sum(ct.get(n, 0) for n in CT33_WITH_PARTY_ORG)
    return {
        "dn_hoat_dong": vn_number(ct.get("operating")) if ct33 else "",
        "dn_co_to_chuc_dang": vn_number(with_org) if ct33 else "",
        "dang_vien_trong_dn": vn_number(ct.get("members")) if ct33 else "",
        "lao_dong_dn": vn_number(ct.get("workers")) if ct33 else "",
    }


def _area_rows(
    per_area: Mapping[str, AreaFigures], before_by_area: Mapping[str, int]
) -> tuple[dict[str, str], ...]:
    """The table by area, one row an area in the order of the report."""
    return tuple(
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


def _chart(per_area: Mapping[str, AreaFigures], before_by_area: Mapping[str, int]) -> bytes | None:
    """The chart of admissions by area, this period and a year earlier; None without areas."""
    if not per_area:
        return None
    names = list(per_area)
    return admissions_chart(
        names,
        [int(per_area[n]["admitted"] or 0) for n in names],
        [before_by_area.get(n, 0) for n in names],
    )
