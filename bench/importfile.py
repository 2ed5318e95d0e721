"""The spreadsheet the import benchmark reads: an area's list as people keep it in Excel.

Title rows, the canonical header, a column-number row, the data grouped as lists are:
a group section row ("A. KHỐI TRƯỜNG HỌC", "B. KHỐI DOANH NGHIỆP"), under it a section
row per unit ("I | Trường …") and the unit's people, its name written once in a cell
merged down the block; real dates, and one date in ten typed as dd/mm/yyyy text; a
signature block. New people only, CCCD numbers under a province code the database does
not use, so every row is `new`. Cached beside the databases.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from bench.people import EXIT_TEXT, RELIGION_NAMES, Person, details

IMPORT_PROVINCE = "015"  # Yên Bái: the generated database only holds Lào Cai numbers (010)
HEADERS = (
    "STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Số CCCD", "Quê quán",
    "Trình độ học vấn", "Đối tượng", "Mã đơn vị", "Đơn vị", "Chi bộ", "Ngày vào Đoàn",
    "Công đoàn viên", "Ngày cấp GCN lớp nhận thức", "Số GCN", "Ngày chi bộ đề nghị",
    "Ngày QĐ kết nạp", "Số QĐ kết nạp", "Ngày kết nạp", "Ngày công nhận chính thức", "Ghi chú",
    "Ngày vào danh sách nguồn", "Ngày hoàn thiện hồ sơ", "Ngày Đảng ủy cơ sở đề nghị",
    "Lớp / Công việc", "Đảng viên giúp đỡ", "Người giới thiệu", "Ngày ra khỏi danh sách", "Lý do",
)  # fmt: skip
ETHNIC_NAMES = {"01": "Kinh", "08": "Mông", "09": "Dao", "02": "Tày", "26": "Giáy", "07": "Nùng"}


def _day(ordinal: int | None, serial: int) -> date | str | None:
    if ordinal is None:
        return None
    day = date.fromordinal(ordinal)
    return day.strftime("%d/%m/%Y") if serial % 10 == 3 else day


UNIT_NAME_COLUMN = "L"  # "Đơn vị", merged down each unit's block
_GROUPS = (("student", "A. KHỐI TRƯỜNG HỌC"), ("worker", "B. KHỐI DOANH NGHIỆP"))


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


def sheet_row(number: int, p: Person) -> list[object]:
    """One data row in HEADERS order."""
    d, reached = details(p), dict(p.stages)
    unit, s = p.unit, p.serial
    return [
        number, p.full_name, _day(p.birth, s), "Nữ" if p.gender == "F" else "Nam",
        ETHNIC_NAMES.get(p.ethnicity, p.ethnicity), RELIGION_NAMES[p.religion], p.id_number,
        d["hometown"], d["education"], None, unit.code, unit.name, unit.cell_name,
        _day(d["youth_union"], s), "x" if d["trade_union"] else None,
        _day(reached.get("trained"), s), d["certificate_no"],
        _day(reached.get("cell_resolution"), s), _day(reached.get("decision"), s),
        d["decision_no"], _day(reached.get("admitted"), s), _day(reached.get("full_member"), s),
        d["note"], _day(reached.get("source"), s), _day(reached.get("dossier"), s),
        _day(reached.get("committee_resolution"), s), d["class_or_job"], d["helpers"],
        d["introducers"], _day(reached.get("exited"), s),
        EXIT_TEXT[p.exit_reason] if p.exit_reason else None,
    ]  # fmt: skip


def write(path: Path, people: list[Person]) -> Path:
    """Write the workbook (openpyxl write-only, so 100,000 rows stay small in memory)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["UBND XÃ BẢO THẮNG", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append([None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    ws.append(["DANH SÁCH QUẦN CHÚNG ƯU TÚ NĂM 2025"])
    ws.append([])
    ws.append(list(HEADERS))
    ws.append([f"({i})" for i in range(1, len(HEADERS) + 1)])
    line, number = 6, 0
    for group, title in _GROUPS:
        members = [p for p in people if p.unit.group == group]
        if not members:
            continue
        ws.append([title])
        line += 1
        by_unit: dict[str, list[Person]] = {}
        for person in members:
            by_unit.setdefault(person.unit.code, []).append(person)
        for n, block in enumerate(by_unit.values(), 1):
            ws.append([roman(n), block[0].unit.name])
            line += 1
            first = line + 1
            for k, person in enumerate(block):
                number += 1
                row = sheet_row(number, person)
                if k:
                    row[HEADERS.index("Đơn vị")] = None  # the merged cell holds it once
                ws.append(row)
                line += 1
            if len(block) > 1:
                ws.merged_cells.add(f"{UNIT_NAME_COLUMN}{first}:{UNIT_NAME_COLUMN}{line}")
    ws.append([])
    ws.append([None, "Người lập biểu", None, None, None, None, "T/M CHI BỘ"])
    ws.append([None, "Trần Thị Lan", None, None, None, None, "Bí thư"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.building")
    try:
        wb.save(tmp)
        tmp.rename(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
