"""Importing surveys and targets from a sheet: check every row, then write all or nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.vocabulary import GROUPS, PARTY_ORG_KINDS, SUBGROUPS
from registry.domain.workdays import today_vn
from registry.models import Area, Unit, User
from registry.scoping import scope_filter
from registry.services.org import values
from registry.services.org.areas import LoadResult, grouped_by_code, pick
from registry.services.org.sheets import Row
from registry.services.org.surveys import SurveyData, existing_surveys, save_survey, survey_problems
from registry.services.org.targets import TargetData, allowed_kinds, choice_of, save_target
from registry.services.org.units import UnitError
from registry.services.org.values import CellError, RowError
from registry.spreadsheet.normalise import DateParser

SURVEY_COLUMNS = {
    "unit_code": ("mã đơn vị", "mã doanh nghiệp", "mã dn"),
    "survey_date": ("ngày khảo sát", "ngày", "thời điểm", "thời điểm khảo sát"),
    "operating": ("đang hoạt động", "hoạt động"),
    "workers": ("số lao động", "lao động", "tổng số lao động", "số công nhân"),
    "party_org": ("tổ chức đảng", "loại tổ chức đảng"),
    "party_members": ("số đảng viên", "đảng viên", "đảng viên làm việc"),
    "party_members_held": (
        "đảng viên sinh hoạt tại doanh nghiệp",
        "sinh hoạt tại doanh nghiệp",
        "đảng viên sinh hoạt tại dn",
        "sinh hoạt tại dn",
    ),
    "owner_is_member": ("chủ doanh nghiệp là đảng viên", "chủ dn là đảng viên"),
    "has_trade_union": ("công đoàn", "có công đoàn", "có tổ chức công đoàn"),
    "trade_union_members": ("đoàn viên công đoàn", "số đoàn viên công đoàn"),
    "has_youth_union": ("đoàn thanh niên", "có đoàn thanh niên", "có tổ chức đoàn"),
    "youth_union_members": ("đoàn viên thanh niên", "số đoàn viên thanh niên"),
    "note": ("ghi chú",),
}
SURVEY_LABELS = {
    "unit_code": "Mã đơn vị",
    "survey_date": "Ngày khảo sát",
    "operating": "Đang hoạt động",
    "workers": "Số lao động",
    "party_org": "Tổ chức đảng",
    "party_members": "Số đảng viên",
    "party_members_held": "Đảng viên sinh hoạt tại doanh nghiệp",
    "owner_is_member": "Chủ doanh nghiệp là đảng viên",
    "has_trade_union": "Có công đoàn",
    "trade_union_members": "Đoàn viên công đoàn",
    "has_youth_union": "Có Đoàn thanh niên",
    "youth_union_members": "Đoàn viên thanh niên",
    "note": "Ghi chú",
}
PARTY_ORG_WORDS = {"": "none", "khong": "none", "chuaco": "none", "chua": "none", "0": "none"}
PARTY_ORG_WORDS |= {"cbcs": "chi_bo_co_so", "dbcs": "dang_bo_co_so", "cbtt": "chi_bo_truc_thuoc"}

TARGET_COLUMNS = {
    "year": ("năm",),
    "group": ("đối tượng", "nhóm"),
    "area_code": ("mã địa bàn",),
    "unit_code": ("mã đơn vị",),
    "count": ("chỉ tiêu", "số lượng", "chỉ tiêu kết nạp", "số chỉ tiêu"),
}
TARGET_LABELS = {
    "year": "Năm",
    "group": "Đối tượng",
    "area_code": "Mã địa bàn",
    "unit_code": "Mã đơn vị",
    "count": "Chỉ tiêu",
}
# The group or subgroup a cell names, beside the codes and labels (folded).
GROUP_WORDS = {
    "hocsinh": "student",
    "hs": "student",
    "hssv": "student",
    "hocsinhsinhvien": "student",
    "congnhan": "worker",
    "cn": "worker",
    "nguoilaodong": "worker",
    "congnhanlaodong": "worker",
    "congnhannguoilaodong": "worker",
    "hocsinhthpt": "thpt",
    "gdnngdtx": "gdnn_gdtx",
    "gdnn": "gdnn_gdtx",
    "gdtx": "gdnn_gdtx",
    "hocviengdnngdtx": "gdnn_gdtx",
    "sinhvien": "sinh_vien",
    "sv": "sinh_vien",
}
TARGET_GROUPS = {**GROUPS, **SUBGROUPS}


def _read(row: Row, name: str, read, labels, errors: list[RowError]):
    try:
        return read(row.values.get(name))
    except CellError as error:
        errors.append(RowError(row.number, labels[name], str(error)))
        return None


def _survey_row(row: Row, parser: DateParser, errors: list[RowError]) -> SurveyData | None:
    before = len(errors)
    r = lambda name, read: _read(row, name, read, SURVEY_LABELS, errors)  # noqa: E731
    survey_date = r("survey_date", lambda v: values.day(v, parser))
    counts = {
        name: r(name, values.integer)
        for name in (
            "workers",
            "party_members",
            "party_members_held",
            "trade_union_members",
            "youth_union_members",
        )
    }
    org = r("party_org", lambda v: values.vocabulary_code(v, PARTY_ORG_KINDS, PARTY_ORG_WORDS))
    # A blank "operating" cell means the enterprise is operating (the usual case).
    operating = r("operating", lambda v: values.text(v) == "" or values.yes_no(v))
    flags = {
        n: r(n, values.yes_no) for n in ("owner_is_member", "has_trade_union", "has_youth_union")
    }
    if len(errors) > before:
        return None
    data = SurveyData(
        survey_date=survey_date,
        operating=operating,
        party_org=org,
        owner_is_member=flags["owner_is_member"],
        # Members listed means the organisation exists, even when its own column is blank.
        has_trade_union=flags["has_trade_union"] or counts["trade_union_members"] > 0,
        has_youth_union=flags["has_youth_union"] or counts["youth_union_members"] > 0,
        note=values.text(row.values.get("note")) or None,
        **counts,
    )
    for name, message in survey_problems(data).items():
        errors.append(RowError(row.number, SURVEY_LABELS[name], message))
    return None if len(errors) > before else data


def import_surveys(session: Session, user: User, rows: list[Row]) -> LoadResult:
    """Add or correct surveys by (unit code, survey date); nothing is written on any error."""
    result = LoadResult()
    parser = DateParser(today_vn())
    codes = {values.code_text(r.values.get("unit_code")) for r in rows}
    units = {
        u.code: u
        for u in session.scalars(select(Unit).where(Unit.code.in_(codes), scope_filter(user, Unit)))
    }
    checked: list[tuple[Row, Unit, SurveyData]] = []
    seen: dict[tuple[str, date], int] = {}
    for row in rows:
        code = values.code_text(row.values.get("unit_code"))
        unit = units.get(code)
        if unit is None:
            # Neutral: a unit of another scope reads like one that does not exist.
            message = f"không có đơn vị mã «{code}» trong phạm vi của bạn" if code else "bắt buộc"
            result.errors.append(RowError(row.number, "Mã đơn vị", message))
        data = _survey_row(row, parser, result.errors)
        if unit is None or data is None:
            continue
        key = (code, data.survey_date)
        if key in seen:
            result.errors.append(RowError(row.number, "Ngày khảo sát", f"trùng dòng {seen[key]}"))
            continue
        seen[key] = row.number
        checked.append((row, unit, data))
    if result.errors:
        return result
    stored = existing_surveys(session, {unit.id for _row, unit, _data in checked})
    for row, unit, data in checked:
        survey = stored.get((unit.id, data.survey_date))
        try:
            save_survey(session, user, unit, data, survey)
        except UnitError as error:
            result.errors.append(RowError(row.number, "", str(error)))
            continue
        if survey is None:
            result.created += 1
        else:
            result.updated += 1
    return result


def _target_row(row: Row, errors: list[RowError]) -> dict | None:
    before = len(errors)
    r = lambda name, read: _read(row, name, read, TARGET_LABELS, errors)  # noqa: E731
    parsed = {
        "year": r("year", lambda v: values.integer(v, blank=None)),
        "group": r(
            "group",
            lambda v: choice_of(values.vocabulary_code(v, TARGET_GROUPS, GROUP_WORDS)),
        ),
        "count": r("count", lambda v: values.integer(v, blank=None)),
        "area_code": values.code_text(row.values.get("area_code")),
        "unit_code": values.code_text(row.values.get("unit_code")),
    }
    if parsed["year"] is not None and not 2000 <= parsed["year"] <= 2100:
        errors.append(RowError(row.number, "Năm", "năm không hợp lệ"))
    if bool(parsed["area_code"]) == bool(parsed["unit_code"]):
        errors.append(
            RowError(row.number, "Mã địa bàn", "ghi mã địa bàn hoặc mã đơn vị (chỉ một trong hai)")
        )
    return None if len(errors) > before else parsed


def import_targets(session: Session, user: User, rows: list[Row]) -> LoadResult:
    """Set targets by (year, group, area or unit); nothing is written on any error."""
    result = LoadResult()
    # A code names the area that held it at the end of the target's year (else today's).
    areas = grouped_by_code(session, scope_filter(user, Area))
    today = today_vn()
    units = {u.code: u for u in session.scalars(select(Unit).where(scope_filter(user, Unit)))}
    checked: list[tuple[Row, TargetData]] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        parsed = _target_row(row, result.errors)
        if parsed is None:
            continue
        key = (parsed["year"], parsed["group"], parsed["area_code"], parsed["unit_code"])
        if key in seen:
            result.errors.append(RowError(row.number, "Chỉ tiêu", f"trùng dòng {seen[key]}"))
            continue
        seen[key] = row.number
        year_end = date(parsed["year"], 12, 31)
        area = pick(areas.get(parsed["area_code"], []), year_end, today)
        unit = units.get(parsed["unit_code"])
        if parsed["area_code"] and area is None:
            result.errors.append(
                RowError(row.number, "Mã địa bàn", f"không có địa bàn mã «{parsed['area_code']}»")
            )
        elif parsed["unit_code"] and unit is None:
            message = f"không có đơn vị mã «{parsed['unit_code']}» trong phạm vi của bạn"
            result.errors.append(RowError(row.number, "Mã đơn vị", message))
        elif parsed["group"] not in allowed_kinds(user):
            result.errors.append(RowError(row.number, "Đối tượng", "ngoài phạm vi của bạn"))
        else:
            data = TargetData(parsed["year"], parsed["group"], parsed["count"], area, unit)
            checked.append((row, data))
    if result.errors:
        return result
    for row, data in checked:
        try:
            _target, created = save_target(session, user, data)
        except UnitError as error:
            result.errors.append(RowError(row.number, "", str(error)))
            continue
        result.created += created
        result.updated += not created
    return result
