"""A small province for the import tests, canonical-sheet builders and table dumps."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta

import sqlalchemy as sa

from registry.extensions import db
from registry.spreadsheet import CANONICAL_HEADERS
from registry.spreadsheet.legacy import to_tcvn3, to_vni
from tests.factories import AreaFactory, CandidateFactory, CellFactory, UnitFactory, UserFactory

LABELS = dict(CANONICAL_HEADERS)


def build_world() -> dict:
    """Province P with communes A and B; a school and a firm in A, a school in B."""
    province = AreaFactory(code="P", name="Tỉnh Thử", level="province")
    a = AreaFactory(code="XA", name="Phường An", parent=province)
    b = AreaFactory(code="XB", name="Phường Bình", parent=province)
    cell_a = CellFactory(name="Chi bộ Trường THPT An Phú", area=a)
    cell_dn = CellFactory(name="Chi bộ doanh nghiệp Phường An", area=a)
    cell_college = CellFactory(name="Chi bộ Sinh viên", area=a, kind="truc_thuoc")
    cell_b = CellFactory(name="Chi bộ Trường THPT Bình Minh", area=b)
    school_a = UnitFactory(
        code="THPT-A", name="Trường THPT An Phú", kind="thpt", area=a, cell=cell_a
    )
    firm_a = UnitFactory(
        code="DN-A", name="Công ty TNHH Hoàng Liên", kind="cong_ty_tnhh", area=a, cell=cell_dn
    )
    college_a = UnitFactory(
        code="CD-A", name="Trường Cao đẳng An", kind="cao_dang_dai_hoc", area=a, cell=cell_college
    )
    school_b = UnitFactory(
        code="THPT-B", name="Trường THPT Bình Minh", kind="thpt", area=b, cell=cell_b
    )
    users = {
        "admin": UserFactory(username="quantri", role="admin"),
        "officer_a": UserFactory(username="phuong.an", role="area", area=a),
        "officer_b": UserFactory(username="phuong.binh", role="area", area=b),
        "province": UserFactory(username="tinh", role="province"),
        "cell_a": UserFactory(username="chibo.an", role="cell", cell=cell_a),
    }
    db.session.commit()
    return {
        "areas": {"province": province, "a": a, "b": b},
        "cells": {"a": cell_a, "dn": cell_dn, "college": cell_college, "b": cell_b},
        "units": {
            "school_a": school_a,
            "firm_a": firm_a,
            "college_a": college_a,
            "school_b": school_b,
        },
        "users": users,
    }


def stored_candidate(unit, **fields):
    """A stored candidate (with its source event) for the update and scope tests."""
    candidate = CandidateFactory(unit=unit, cell=unit.cell, **fields)
    db.session.commit()
    return candidate


def cccd(birth: date, female: bool, serial: int, place: str = "010") -> str:
    """A CCCD consistent with the birth date and gender (digit 4: century and sex)."""
    digit = (birth.year - 1900) // 100 * 2 + int(female)
    return f"{place}{digit}{birth.year % 100:02d}{serial:06d}"


def sheet(rows: list[dict], fields: list[str] | None = None) -> list[list[object]]:
    """Rows of dicts under the canonical headers (only the fields named, in order)."""
    fields = fields or [f for f, _label in CANONICAL_HEADERS]
    return [[LABELS[f] for f in fields], *[[row.get(f) for f in fields] for row in rows]]


def person(n: int, unit_code: str = "THPT-A", **extra) -> dict:
    """A valid row: a woman born in 2005, on the source list since September 2024."""
    birth = date(2005, 1, 1 + n % 28)
    return {
        "row_no": n,
        "full_name": f"Nguyễn Thị Thử {chr(0x41 + n % 26)}{n}",
        "birth_date": birth,
        "gender": "Nữ",
        "ethnicity": "Kinh",
        "id_number": cccd(birth, True, 1000 + n),
        "unit_code": unit_code,
        "source_date": date(2024, 9, 5),
        **extra,
    }


def dump() -> dict[str, list]:
    """Every row of every table, ordered, JSON-comparable (to prove nothing changed)."""
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).all()
            out[table.name] = [json.dumps(list(r), default=str, sort_keys=True) for r in rows]
    return out


def cli_json(runner, *args) -> tuple[int, dict]:
    result = runner.invoke(args=["import-candidates", *map(str, args), "--json"])
    assert result.output.strip(), result.output
    return result.exit_code, json.loads(result.output.strip().splitlines()[-1])


def codes(report: dict) -> list[tuple]:
    return [(e["row"], e["column"], e["code"]) for e in report["errors"]]


def serial(day: date, epoch: date = date(1899, 12, 30)) -> int:
    """An Excel day number (1900 system; pass the 1904 epoch for old Mac workbooks)."""
    return (day - epoch).days


# Columns: A STT, B Họ và tên, C–D Ngày sinh (Nam | Nữ), E Số CCCD, F Dân tộc, G Đơn vị,
# H Chi bộ, I–J Giấy chứng nhận (Số | Ngày cấp), K Ngày chi bộ đề nghị, L Ghi chú.
def messy_rows(today: date) -> list[list[object]]:
    an_birth, tuan_birth = date(2005, 3, 1), date(2008, 2, 1)
    return [
        ["UBND PHƯỜNG AN"],
        ["DANH SÁCH QUẦN CHÚNG ƯU TÚ NĂM 2024"],
        [],
        ["STT", "Họ và tên", "Ngày tháng năm sinh", None, "Số CCCD", "Dân tộc", "Đơn vị",
         "Chi bộ", "Giấy chứng nhận lớp nhận thức", None, "Ngày chi bộ đề nghị", "Ghi chú"],
        [None, None, "Nam", "Nữ", None, None, None, None, "Số", "Ngày cấp"],
        [f"({i})" for i in range(1, 13)],
        [1, "Nguyễn Văn An", serial(an_birth), None, 10205001234, "Kinh", "Trường THPT An Phú",
         None, "GCN-01", "15/01/2024", serial(date(2024, 6, 10))],
        [2, to_tcvn3("Lê Thị Hà"), None, "05/07/2006", "010306004567", to_tcvn3("Tày"),
         to_tcvn3("Trường THPT An Phú"), to_tcvn3("Chi bộ Trường THPT An Phú")],
        [3, to_vni("Trần Văn Đức"), "3/4/07", None, "3.40123E+11", unicodedata.normalize(
            "NFD", "Mường"), unicodedata.normalize("NFD", "Trường THPT An Phú")],
        [4, "Nguyễn Văn Ân", an_birth, None, 10205001234, "Kinh", "Trường THPT An Phú"],
        [5, "Phạm Văn Bình", date(2000, 1, 1), None, None, "Kinh", "Trường THPT Bình Minh"],
        [6, "Đỗ Văn Cường", date(2000, 1, 1), None, None, "Kinh", "Trường Không Có"],
        [7, "Vũ Văn Tuấn", tuan_birth, None, None, "Kinh", "Trường THPT An Phú", None, None,
         "01/02/2025", "01/03/2025"],
        [8, "Hồ Văn Dũng", date(1999, 1, 1), None, None, "Kinh", "Trường THPT An Phú", None, None,
         "01/01/2018", "01/06/2024"],
        [9, "Bùi Văn Em", date(2000, 1, 1), None, None, "Kinh", "Trường THPT An Phú", None, None,
         today + timedelta(days=30)],
        [10, "Lý Văn Giang", date(2000, 1, 1), None, None, "Kinh", "Trường THPT An Phú", None, None,
         "01/06/2024", "01/03/2024"],
        [11, "Mai Thị Hương", None, "31/02/2001", None, "Kinh", "Trường THPT An Phú"],
        [12, "Cao Văn Khánh", date(2000, 1, 1), None, None, "Sao Hỏa", "Trường THPT An Phú",
         "Chi bộ Không Có"],
        [13, "Tạ Văn Long", date(2000, 1, 1), None, "012345", "Kinh", "Trường THPT An Phú"],
        [14, "Đinh Văn Minh", date(2001, 1, 1), None, cccd(date(1999, 1, 1), False, 9), "Kinh",
         "Trường THPT An Phú"],
        [None, "Cộng: 14 người"],
        [],
        [None, None, None, None, None, None, "Người lập biểu"],
    ]  # fmt: skip


MESSY_MERGES = ["A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5", "G4:G5", "H4:H5", "I4:J4",
                "K4:K5", "L4:L5"]  # fmt: skip


# What an admin's dry run of messy_rows reports (row, field, code), in order.
MESSY_CODES = [
    (9, "id_number", "lost_precision"),  # "3.40123E+11" typed as text
    (10, "id_number", "duplicate_in_file"),  # the number cell of row 7, zeros lost
    (12, "unit_name", "unknown_unit"),
    (13, "cell_resolution_date", "underage"),
    (14, "trained_date", "expired_certificate"),
    (15, "trained_date", "future_date"),
    (16, "cell_resolution_date", "stage_order"),
    (17, "birth_date_female", "invalid_date"),
    (18, "ethnicity", "unknown_ethnicity"),
    (18, "cell_name", "unknown_cell"),
    (19, "id_number", "invalid_id_number"),
    (20, "id_number", "id_number_mismatch"),
]
