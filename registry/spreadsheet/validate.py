"""Validate one data row at a time: normalised values, errors and warnings.

One RowValidator serves a whole sheet: it resolves columns once and caches the
readings of repeated values (dates, units, vocabularies), so a row costs a few dict
look-ups more than reading it. The stage rules are check_row of
registry.domain.rules.transitions, the same checks the stage service makes, so a message
reads the same wherever it is raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from registry.domain.identity import CMND, IdNumberError, read_id_number
from registry.domain.rules.admission import age_text
from registry.domain.rules.education import education_grade, is_low_education
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.textutil import clean_text, fold, fold_key
from registry.domain.vocabulary import SUBGROUPS, UNIT_KINDS, group_for_unit_kind
from registry.domain.workdays import fmt_date, full_months_between
from registry.spreadsheet.dossier_columns import DossierColumns
from registry.spreadsheet.headers import DATE_PARTS
from registry.spreadsheet.legacy import LegacyFixer
from registry.spreadsheet.lookups import AMBIGUOUS, OUT_OF_SCOPE, CellRef, Lookups, UnitRef
from registry.spreadsheet.normalise import (
    DateParser,
    Invalid,
    cell_text,
    education_text,
    exit_reason,
    is_blank,
    is_marked,
    memoise,
    parse_ethnicity,
    parse_gender,
    parse_group,
    parse_religion,
    parse_yes_no,
    person_name_key,
)
from registry.spreadsheet.results import STAGE_FIELDS, RowResult, RowState, quote
from registry.spreadsheet.stagecheck import StageRules

TEXT_FIELDS = (
    "hometown", "class_or_job", "note", "helpers", "introducers", "certificate_no",
    "decision_no", "row_no",
)  # fmt: skip
# Field → raw cell value of one row.
Cells = Mapping[str, object]
NAME_PARTS = ("family_name", "family_middle", "middle_name", "given_name")


class RowValidator:
    """Checks the data rows of one sheet against one header map."""

    def __init__(
        self,
        columns: Mapping[int, str],
        lookups: Lookups,
        today: date,
        *,
        date1904: bool = False,
        default_unit: UnitRef | None = None,
        fixer: LegacyFixer | None = None,
        settings: RuleSettings = DEFAULT_SETTINGS,
    ) -> None:
        self.index = {name: col for col, name in columns.items()}
        self.lookups = lookups
        self.today = today
        self.default_unit = default_unit
        self.fixer = fixer
        self.settings = settings
        self.dates = DateParser(today, date1904)
        self.stage_rules = StageRules(today, settings)
        self.dossier = DossierColumns(self.index, today, settings)
        self._gender = memoise(parse_gender)
        self._ethnicity = memoise(parse_ethnicity)
        self._religion = memoise(parse_religion)
        self._group = memoise(parse_group)
        self._yes_no = memoise(parse_yes_no)
        self._units: dict[tuple[str, str], object] = {}
        self._cells: dict[tuple[str, object], object] = {}
        self._seen_ids: dict[str, int] = {}
        self._seen_keys: dict[tuple[object, ...], int] = {}
        self._names = tuple(self.index)
        self._cols = tuple(self.index.values())
        self._width = max(self._cols, default=-1) + 1
        self._text_cache: dict[str, dict[str, str]] = {name: {} for name in self.index}
        self._education_cache: dict[str, tuple[tuple[int, int] | None, bool]] = {}
        # Where "unit missing" is reported: the name column unless only a code column exists.
        only_code = "unit_code" in self.index and "unit_name" not in self.index
        self._unit_column = "unit_code" if only_code else "unit_name"

    # --- cell access ---------------------------------------------------------------------

    def _raw(self, row: Cells, name: str) -> object:
        return row.get(name, "")

    def _value(self, row: Cells, name: str) -> object:
        """A cell as read, but a text cell as clean (and legacy-converted) text."""
        value = row.get(name, "")
        return self._text(row, name) if value.__class__ is str else value

    def _text(self, row: Cells, name: str) -> str:
        """A cell as clean text, converted from a legacy font when its column needs it."""
        value = row.get(name)
        if value.__class__ is not str:
            return "" if value is None else cell_text(value)
        if not value:
            return ""
        cache = self._text_cache[name]
        found = cache.get(value)
        if found is None:
            text = value
            if self.fixer is not None and not text.isascii():
                text = self.fixer.convert(self.index[name], text)
            found = cache[value] = clean_text(text)
        return found

    def _date(self, r: RowState, row: Cells, name: str) -> date | None:
        value = self._raw(row, name)
        if is_blank(value):
            return None
        try:
            found = self.dates(value)
        except Invalid as exc:
            r.invalid(name, exc, value)
            return None
        r.values[name] = found
        return found

    # --- the row -------------------------------------------------------------------------

    def validate(self, number: int, cells: Sequence[object]) -> RowResult:
        if len(cells) < self._width:
            cells = [*cells, *[""] * (self._width - len(cells))]
        row = dict(zip(self._names, map(cells.__getitem__, self._cols), strict=True))
        r = RowState(number)
        self._name(r, row)
        birth = self._birth_and_gender(r, row)
        self._id_number(r, row, birth)
        self._vocabularies(r, row)
        unit, cell = self._unit_and_cell(r, row)
        self._group_of(r, row, unit)
        for name in STAGE_FIELDS:
            if name in self.index:
                self._date(r, row, name)
        if "youth_union_date" in self.index:
            self._date(r, row, "youth_union_date")
        self._texts(r, row)
        self._exit(r, row)
        self.dossier.check(
            r,
            lambda state, name: self._date(state, row, name),
            lambda name: self._text(row, name),
            lambda name: self._raw(row, name),
        )
        self._rules(r, birth, cell)
        self._duplicates(r, unit)
        return RowResult(number, r.values, r.errors, r.warnings)

    def _name(self, r: RowState, row: Cells) -> None:
        name = self._text(row, "full_name")
        if not name:
            name = " ".join(p for p in (self._text(row, f) for f in NAME_PARTS) if p)
        if not name:
            r.error("full_name", "required", "Thiếu họ và tên.")
            return
        r.values["full_name"] = name
        r.values["name_key"] = person_name_key(name)

    def _birth_and_gender(self, r: RowState, row: Cells) -> date | None:
        gender_value = self._value(row, "gender")
        if not is_blank(gender_value):
            try:
                r.values["gender"] = self._gender(gender_value)
            except Invalid as exc:
                r.invalid("gender", exc, gender_value)
        if "birth_date" in self.index:
            birth = self._date(r, row, "birth_date")
        else:
            birth = self._date_from_parts(r, row, "birth_date")
        if birth is None and "birth_date" not in r.failed:
            birth = self._old_layout_birth(r, row)
        if "gender" not in r.values and "gender" not in r.failed:
            self._gender_marks(r, row)
        if birth is None and not r.failed & {"birth_date", "birth_date_male", "birth_date_female"}:
            r.error("birth_date", "required", "Thiếu ngày sinh.")
        return birth

    def _date_from_parts(self, r: RowState, row: Cells, name: str) -> date | None:
        """A date written in three columns "Ngày | Tháng | Năm"."""
        parts = DATE_PARTS.get(name, ())
        if not any(p in self.index for p in parts):
            return None
        values = [self._raw(row, p) for p in parts]
        if all(is_blank(v) for v in values):
            return None
        shown = "/".join(cell_text(v) for v in values)
        try:
            found = self.dates.from_parts(*values)
        except Invalid as exc:
            r.invalid(name, exc, shown)
            return None
        r.values[name] = found
        return found

    def _old_layout_birth(self, r: RowState, row: Cells) -> date | None:
        """Birth date written under "Nam" or under "Nữ" (the column gives the gender)."""
        male = not is_blank(self._raw(row, "birth_date_male"))
        female = not is_blank(self._raw(row, "birth_date_female"))
        if not (male or female):
            return None
        if male and female:
            r.error(
                "birth_date_female",
                "invalid_gender",
                "Ngày sinh ghi ở cả cột Nam và cột Nữ: chỉ ghi ở một cột.",
            )
        elif "gender" not in r.values and "gender" not in r.failed:
            r.values["gender"] = "M" if male else "F"
        name = "birth_date_male" if male else "birth_date_female"
        birth = self._date(r, row, name)
        r.values.pop(name, None)
        if birth is not None:
            r.values["birth_date"] = birth
        return birth

    def _gender_marks(self, r: RowState, row: Cells) -> None:
        """An "x" under "Nữ" (blank means male), or ticks under "Nam" and "Nữ"."""
        has_female, has_male = "gender_female_mark" in self.index, "gender_male_mark" in self.index
        if not (has_female or has_male):
            return
        female = is_marked(self._raw(row, "gender_female_mark"))
        male = is_marked(self._raw(row, "gender_male_mark"))
        if female and male:
            r.error("gender_female_mark", "invalid_gender", "Đánh dấu cả Nam và Nữ: chỉ chọn một.")
        elif female or male:
            r.values["gender"] = "F" if female else "M"
        elif has_female and not has_male:
            r.values["gender"] = "M"

    def _id_number(self, r: RowState, row: Cells, birth: date | None) -> None:
        value = self._raw(row, "id_number")
        if is_blank(value):
            return
        gender = r.values.get("gender")
        try:
            number, kind = read_id_number(value, birth, gender if isinstance(gender, str) else None)
        except IdNumberError as exc:
            r.invalid("id_number", exc, value)
            return
        if kind == CMND:
            r.warn(
                "id_number",
                "old_id_number",
                f"Số CMND 9 chữ số {quote(number)}: CMND không còn giá trị từ năm 2025, "
                "nên cập nhật số CCCD.",
            )
        r.values["id_number"] = number
        r.values["id_kind"] = kind

    def _vocabularies(self, r: RowState, row: Cells) -> None:
        value = self._raw(row, "ethnicity")
        if not is_blank(value):
            text = self._text(row, "ethnicity") if isinstance(value, str) else value
            try:
                r.values["ethnicity"] = self._ethnicity(text)
            except Invalid as exc:
                r.invalid("ethnicity", exc, text)
        value = self._raw(row, "religion")
        if not is_blank(value):
            code, text = self._religion(self._text(row, "religion"))
            if code is None:
                r.values["religion_text"] = text
                r.warn(
                    "religion",
                    "unknown_religion",
                    f"Không nhận ra tôn giáo {quote(text)} trong danh mục: giữ nguyên như đã ghi.",
                )
            else:
                r.values["religion"] = code
        value = self._raw(row, "education")
        if not is_blank(value):
            r.values["education"] = education_text(self._value(row, "education"))
        value = self._raw(row, "trade_union")
        if not is_blank(value):
            try:
                r.values["trade_union"] = self._yes_no(self._value(row, "trade_union"))
            except Invalid as exc:
                r.warn("trade_union", "invalid_value", f"Không rõ {quote(value)} ({exc.detail}).")

    def _unit_and_cell(self, r: RowState, row: Cells) -> tuple[UnitRef | None, CellRef | None]:
        code, name = self._text(row, "unit_code"), self._text(row, "unit_name")
        unit = self._find_unit(r, code, name)
        cell_name = self._text(row, "cell_name")
        cell: object = None
        if cell_name:
            r.values["cell_name"] = cell_name
            key: tuple[str, object] = (cell_name, None)
            if key not in self._cells:
                self._cells[key] = self.lookups.cell(cell_name)
            cell = self._cells[key]
            if cell is OUT_OF_SCOPE:
                r.error(
                    "cell_name",
                    "out_of_scope",
                    f"Chi bộ {quote(cell_name)} không thuộc phạm vi quản lý của bạn.",
                )
            elif cell is AMBIGUOUS:
                r.error(
                    "cell_name",
                    "unknown_cell",
                    f"Có nhiều chi bộ cùng tên {quote(cell_name)}: hãy ghi tên đầy đủ.",
                )
            elif cell is None:
                r.error("cell_name", "unknown_cell", f"Không tìm thấy chi bộ {quote(cell_name)}.")
        elif unit is not None and unit.cell_id is not None:
            key = ("", unit.cell_id)
            if key not in self._cells:
                self._cells[key] = self.lookups.cell(None, unit.cell_id)
            cell = self._cells[key]
        if isinstance(cell, CellRef):
            r.values["cell"] = cell
            return unit, cell
        return unit, None

    def _find_unit(self, r: RowState, code: str, name: str) -> UnitRef | None:
        if code:
            r.values["unit_code"] = code
        if name:
            r.values["unit_name"] = name
        if not (code or name):
            if self.default_unit is None:
                r.error(self._unit_column, "required", "Thiếu đơn vị (mã đơn vị hoặc tên đơn vị).")
                return None
            r.values["unit"] = self.default_unit
            return self.default_unit
        key = (code, name)
        if key not in self._units:
            self._units[key] = self.lookups.unit(code or None, name or None)
        found = self._units[key]
        if isinstance(found, UnitRef):
            r.values["unit"] = found
            return found
        column = "unit_code" if code else "unit_name"
        shown = quote(code or name)
        if found is OUT_OF_SCOPE:
            r.error(column, "out_of_scope", f"Đơn vị {shown} không thuộc phạm vi quản lý của bạn.")
        elif found is AMBIGUOUS:
            r.error(column, "unknown_unit", f"Có nhiều đơn vị cùng tên {shown}: hãy ghi mã đơn vị.")
        else:
            r.error(
                column,
                "unknown_unit",
                f"Không tìm thấy đơn vị {shown}: kiểm tra mã hoặc tên đơn vị.",
            )
        return None

    def _group_of(self, r: RowState, row: Cells, unit: UnitRef | None) -> None:
        value = self._raw(row, "group")
        implied = group_for_unit_kind(unit.kind) if unit is not None else None
        if is_blank(value):
            if implied is not None:
                r.values["group"], r.values["subgroup"] = implied
            return
        try:
            group, subgroup, definite = self._group(self._text(row, "group"))
        except Invalid as exc:
            r.invalid("group", exc, value)
            return
        if not definite and implied is not None and implied[0] == group:
            subgroup = implied[1]
        if unit is not None and unit.kind != "other" and (group, subgroup) != implied:
            # The unit's kind decides the group (DESIGN "Group"): a scope restricted to a
            # group must not follow a cell that anyone can type.
            kind = UNIT_KINDS.get(unit.kind, unit.kind)
            r.error(
                "group",
                "invalid_group",
                f"Đối tượng {quote(value)} không khớp với loại đơn vị «{kind}»: người thuộc "
                f"đơn vị này là «{SUBGROUPS[implied[1]]}» (để trống ô Đối tượng hoặc sửa "  # type: ignore[index]  # set for kinds but "other"
                "đơn vị).",
            )
            return
        r.values["group"], r.values["subgroup"] = group, subgroup

    def _texts(self, r: RowState, row: Cells) -> None:
        for name in TEXT_FIELDS:
            if name in self.index:
                text = self._text(row, name)
                if text:
                    r.values[name] = text

    def _exit(self, r: RowState, row: Cells) -> None:
        reason = self._text(row, "exit_reason")
        if reason:
            r.values["exit_reason"] = exit_reason(reason)
            r.values["exit_note"] = reason
            if "exited_date" not in r.values and "exited_date" not in r.failed:
                r.error(
                    "exited_date",
                    "required",
                    "Có lý do ra khỏi danh sách nhưng thiếu ngày ra khỏi danh sách.",
                )
        elif "exited_date" in r.values:
            r.values["exit_reason"] = "other"

    # --- rules between the values --------------------------------------------------------

    def _rules(self, r: RowState, birth: date | None, cell: CellRef | None) -> None:
        # A stage column holds the date _date parsed, or nothing.
        dates = {
            stage: day
            for col, stage in STAGE_FIELDS.items()
            if isinstance(day := r.values.get(col), date)
        }
        introducers = None
        if "cell_resolution_date" in r.values:
            # The introducer columns count when the row fills them, else the names listed.
            named = self.dossier.named(r)
            if named:
                introducers = named
            elif "introducers" in self.index:
                introducers = _count_people(str(r.values.get("introducers", "")))
        verdict = self.stage_rules.check(
            dates,
            birth,
            committee_required=None if cell is None else cell.kind == "truc_thuoc",
            introducers=introducers,
        )
        for issue in verdict.errors:
            r.error(issue.field or "birth_date", issue.code, issue.message)
        for issue in verdict.warnings:
            r.warn(issue.field or "birth_date", issue.code, issue.message)
        education = r.values.get("education")
        level, low = self._education(education) if isinstance(education, str) else (None, False)
        if level is not None:
            r.values["education_level"] = level
        if low:
            r.warn(
                "education",
                "low_education",
                f"Trình độ học vấn “{education}” chưa tốt nghiệp trung học cơ sở: chỉ được xem "
                "xét theo ngoại lệ cho vùng khó khăn (tối thiểu tốt nghiệp tiểu học).",
            )
        if birth is not None and "cell_resolution_date" not in r.values:
            # check_row measures age at the cell resolution; before it, at today.
            months = full_months_between(birth, self.today)
            if months > self.settings.max_age_months:
                r.warn(
                    "birth_date",
                    "over_age",
                    f"Đã quá 60 tuổi ({age_text(months)} vào ngày {fmt_date(self.today)}).",
                )

    def _education(self, education: str) -> tuple[tuple[int, int] | None, bool]:
        """((grade, system) when written so, below lower secondary?), read by the rules."""
        found = self._education_cache.get(education)
        if found is None:
            found = self._education_cache[education] = (
                education_grade(education),
                bool(is_low_education(education, self.settings)),
            )
        return found

    def _duplicates(self, r: RowState, unit: UnitRef | None) -> None:
        """The later of two rows for the same person: same CCCD, else (a row without
        one) same name, birth date and unit."""
        number = r.values.get("id_number")
        first_by_key = r.number
        if "name_key" in r.values and "birth_date" in r.values:
            where = unit.id if unit is not None else fold_key(str(r.values.get("unit_name", "")))
            key = (r.values["name_key"], r.values["birth_date"], where)
            first_by_key = self._seen_keys.setdefault(key, r.number)
        if isinstance(number, str):
            first = self._seen_ids.setdefault(number, r.number)
            if first != r.number:
                r.error(
                    "id_number",
                    "duplicate_in_file",
                    f"Trùng với dòng {first} (cùng số CCCD/CMND {number}).",
                )
        elif first_by_key != r.number:
            r.error(
                "full_name",
                "duplicate_in_file",
                f"Trùng với dòng {first_by_key} (cùng họ tên, ngày sinh và đơn vị).",
            )


def _count_people(text: str) -> int:
    """How many people a list such as "Nguyễn Văn A, Trần Thị B" names."""
    parts = [p for p in fold(text).replace(" va ", ";").replace(",", ";").split(";") if p.strip()]
    return len(parts)
