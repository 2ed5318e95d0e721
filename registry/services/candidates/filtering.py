"""One view of the candidate list as it travels in the URL: its filters, order and size.

`CandidateFilters.from_args(request.args)` reads a bookmarkable filter set; unknown codes
and bad dates are dropped with a problem noted, ids that are not numbers (or name an
area, unit or cell outside the scope, `check_scope`) raise FilterError, answered with
404. The vocabulary of the filters (statuses, ethnic groups, stages, page sizes) and the
orders the list can be sorted by (`SORTS`, the keyset's keys and their cursor decoders)
live here, with the filter set that names them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.orm import Session

from registry.domain.refdata import ethnicities
from registry.domain.vocabulary import GENDERS, GROUPS, STAGE_ORDER, STAGE_RANK, SUBGROUPS, Stage
from registry.domain.workdays import typed_day
from registry.models import Area, Candidate, PartyCell, Unit, User
from registry.scoping import MAX_INT, in_scope
from registry.services import ServiceError
from registry.services.candidates.keyset import whole_number

STATUSES: dict[str, str] = {
    "following": "Đang theo dõi",
    "admitted": "Đã kết nạp",
    "exited": "Đã ra khỏi danh sách",
}
STATUS_STAGES: dict[str, tuple[str, ...]] = {
    "following": tuple(
        s.value for s in STAGE_ORDER if s not in (Stage.ADMITTED, Stage.FULL_MEMBER)
    ),
    "admitted": (Stage.ADMITTED.value, Stage.FULL_MEMBER.value),
    "exited": (Stage.EXITED.value,),
}
ETHNIC_GROUPS: dict[str, str] = {"kinh": "Dân tộc Kinh", "minority": "Dân tộc thiểu số"}
ALL_STAGES: tuple[str, ...] = (*(s.value for s in STAGE_ORDER), Stage.EXITED.value)
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


class FilterError(ServiceError, ValueError):
    """A filter names an area, unit or cell the user may not see (answered with 404)."""


# --- the filters --------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateFilters:
    """One view of the list, as it travels in the URL (see `to_args`)."""

    q: str = ""
    area: int | None = None
    unit: int | None = None
    cell: int | None = None
    group: str | None = None
    subgroup: str | None = None
    stage: str | None = None
    status: str | None = None
    gender: str | None = None
    ethnicity: str | None = None  # "kinh", "minority" or one GSO code
    source_year: int | None = None
    reached: str | None = None  # a stage reached (an event of it) within reached_from–to
    reached_from: date | None = None
    reached_to: date | None = None
    sort: str = "name"
    desc: bool = False
    per_page: int = DEFAULT_PAGE_SIZE
    # Values that could not be read, in Vietnamese, shown above the list (not in the URL).
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CandidateFilters:
        """Read the query string; unknown codes and bad dates are dropped with a problem
        noted. Ids that are not numbers raise FilterError (nothing can match them)."""
        problems: list[str] = []

        def code(name: str, allowed) -> str | None:
            value = (args.get(name) or "").strip()
            if not value:
                return None
            if value not in allowed:
                problems.append(f"Bỏ qua giá trị không hợp lệ của bộ lọc “{name}”: {value}.")
                return None
            return value

        values: dict[str, Any] = {
            "q": (args.get("q") or "").strip()[:120],
            "area": _id(args.get("area")),
            "unit": _id(args.get("unit")),
            "cell": _id(args.get("cell")),
            "group": code("group", GROUPS),
            "subgroup": code("subgroup", SUBGROUPS),
            "stage": code("stage", ALL_STAGES),
            "status": code("status", STATUSES),
            "gender": code("gender", GENDERS),
            "ethnicity": code("ethnicity", ethnicity_choices_codes()),
            "reached": code("reached", ALL_STAGES),
            "sort": code("sort", SORTS) or "name",
            "desc": args.get("desc") in ("1", "true", "on"),
        }
        values["source_year"] = _year(args.get("source_year"), problems)
        values["reached_from"] = typed_day(args.get("reached_from"), "Từ ngày", problems)
        values["reached_to"] = typed_day(args.get("reached_to"), "Đến ngày", problems)
        per_page = _int(args.get("per_page"))
        values["per_page"] = per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE
        return cls(**values, problems=tuple(problems))

    def to_args(self, **changes: Any) -> dict[str, str]:
        """The non-default values as query-string arguments (for links and forms)."""
        current = replace(self, **changes) if changes else self
        out: dict[str, str] = {}
        defaults = CandidateFilters()
        for f in fields(self):
            if f.name == "problems":
                continue
            value = getattr(current, f.name)
            if value is None or value == "" or value == getattr(defaults, f.name):
                continue
            if isinstance(value, bool):
                out[f.name] = "1"
            elif isinstance(value, date):
                out[f.name] = value.strftime("%d/%m/%Y")
            else:
                out[f.name] = str(value)
        return out

    @property
    def active(self) -> bool:
        """Whether any filter (search included) narrows the list."""
        skip = {"sort", "desc", "per_page", "problems"}
        defaults = asdict(CandidateFilters())
        return any(v != defaults[k] for k, v in asdict(self).items() if k not in skip)


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _id(value: str | None) -> int | None:
    if value is None or not str(value).strip():
        return None
    number = _int(value)
    if number is None or not 0 < number <= MAX_INT:
        raise FilterError(value)
    return number


def _year(value: str | None, problems: list[str]) -> int | None:
    if not (value or "").strip():
        return None
    year = _int(value)
    if year is None or not 1950 <= year <= 2100:
        problems.append(f"Năm vào danh sách nguồn không hợp lệ: {value}.")
        return None
    return year


def ethnicity_choices_codes() -> tuple[str, ...]:
    return (*ETHNIC_GROUPS, *(e.code for e in ethnicities()))


def check_scope(session: Session, user: User, filters: CandidateFilters) -> None:
    """Raise FilterError when an area, unit or cell in the filters is outside the scope."""
    for model, ident in ((Area, filters.area), (Unit, filters.unit), (PartyCell, filters.cell)):
        if ident is not None and not in_scope(session, user, model, ident):
            raise FilterError(str(ident))


# --- sorting ------------------------------------------------------------------------------

_STAGE_RANK_EXPR = case(
    {s: STAGE_RANK.get(s, len(STAGE_RANK) + 1) for s in ALL_STAGES},
    value=Candidate.stage,
    else_=0,
)
_NO_DATE = date(1900, 1, 1)  # stands for "no event" so keyset comparisons see no NULL


@dataclass(frozen=True)
class SortSpec:
    label: str
    keys: Callable[[], tuple]  # SQL expressions, then sort_key; id is always last
    decoders: tuple[Callable[[Any], Any], ...]
    joins_unit: bool = False


def _to_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


SORTS: dict[str, SortSpec] = {
    "name": SortSpec("Họ và tên", lambda: (Candidate.sort_key,), (str,)),
    "birth": SortSpec(
        "Ngày sinh", lambda: (Candidate.birth_date, Candidate.sort_key), (_to_date, str)
    ),
    "stage": SortSpec(
        "Giai đoạn", lambda: (_STAGE_RANK_EXPR, Candidate.sort_key), (whole_number, str)
    ),
    "unit": SortSpec(
        "Đơn vị", lambda: (Unit.name_key, Candidate.sort_key), (str, str), joins_unit=True
    ),
    "last_event": SortSpec(
        "Ngày cập nhật",
        lambda: (func.coalesce(Candidate.last_event_date, _NO_DATE), Candidate.sort_key),
        (_to_date, str),
    ),
}
