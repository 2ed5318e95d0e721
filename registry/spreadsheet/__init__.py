"""The spreadsheet import pipeline: read → find the header → normalise → validate.

Pure Python over rows (no Flask, no database): the caller hands in the file's bytes and
a Lookups object preloaded from the database, and persists the RowResults it gets back.
"""

from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.headers import (
    AREA_ALIASES,
    CANDIDATE_ALIASES,
    CANONICAL_HEADERS,
    FIELD_LABELS,
    UNIT_ALIASES,
    AliasTable,
    HeaderMap,
)
from registry.spreadsheet.lookups import (
    AMBIGUOUS,
    OUT_OF_SCOPE,
    CellRef,
    DictLookups,
    Lookups,
    UnitRef,
    cell_name_key,
    unit_code_key,
    unit_name_key,
)
from registry.spreadsheet.pipeline import ParseResult, iter_rows, parse_file
from registry.spreadsheet.reader import Sheet, Workbook, read_workbook
from registry.spreadsheet.results import Issue, RowResult, StageEventIn, stage_events

__all__ = [
    "AMBIGUOUS",
    "AREA_ALIASES",
    "CANDIDATE_ALIASES",
    "CANONICAL_HEADERS",
    "FIELD_LABELS",
    "OUT_OF_SCOPE",
    "UNIT_ALIASES",
    "AliasTable",
    "CellRef",
    "DictLookups",
    "HeaderMap",
    "Issue",
    "Limits",
    "Lookups",
    "ParseResult",
    "ReadError",
    "RowResult",
    "Sheet",
    "StageEventIn",
    "UnitRef",
    "Workbook",
    "cell_name_key",
    "iter_rows",
    "parse_file",
    "read_workbook",
    "stage_events",
    "unit_code_key",
    "unit_name_key",
]
