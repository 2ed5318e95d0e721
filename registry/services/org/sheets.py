"""Reading the reference-data sheets (areas, units, surveys, targets) with the import
package's reader: any spreadsheet or CSV it accepts, the header found by alias among the
first rows, legacy-font text converted, subtotal and signature rows skipped, and row
numbers as Excel shows them. This module only adds the check that required columns are
there, so a missing column is one clear message rather than an error on every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.services import ServiceError
from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.headers import AliasTable, find_header
from registry.spreadsheet.pipeline import HEADER_SCAN, iter_rows
from registry.spreadsheet.reader import read_workbook


class SheetError(ServiceError, ValueError):
    """The file can't be read as a table; the message is for the user."""


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it (CSV: the line, the header being line 1)
    values: dict[str, object]


def alias_table(
    aliases: Mapping[str, Sequence[str]], labels: Mapping[str, str], anchors: Sequence[str]
) -> AliasTable:
    """An alias table from field → header texts and field → Vietnamese label."""
    return AliasTable.build(
        {name: labels.get(name, name) for name in aliases},
        {name: "|".join(texts) for name, texts in aliases.items()},
        anchors=tuple(anchors),
    )


def read_table(
    data: bytes,
    filename: str,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    labels: Mapping[str, str],
    *,
    max_rows: int = 200_000,
    max_cols: int = 200,
    limits: Limits | None = None,
) -> list[Row]:
    """Rows of the first sheet holding the table, as {field: value} (blank cells left out).
    `limits` (the settings') wins over max_rows/max_cols; the file is read once, in the
    reader's child process like every upload."""
    table = alias_table(aliases, labels, required)
    limits = limits or Limits(max_rows=max_rows, max_cols=max_cols)
    try:
        book = read_workbook(data, filename, limits)
        sheet, columns = None, None
        for candidate in book.sheets_with_data():
            header = find_header(candidate.rows, table, candidate.merges, scan=HEADER_SCAN)
            if header is not None:
                sheet, columns = candidate, set(header.columns.values())
                break
        if sheet is None or columns is None:  # both are set together
            raise SheetError(_missing(required, set(), labels))
        missing = [name for name in required if name not in columns]
        if missing:
            raise SheetError(_missing(missing, columns, labels))
        return [
            Row(number, values)
            for number, values in iter_rows(
                data, filename, table, sheet=sheet.name, limits=limits, book=book
            )
        ]
    except ReadError as error:
        raise SheetError(str(error)) from error


def _missing(names: Sequence[str], found: set[str], labels: Mapping[str, str]) -> str:
    wanted = ", ".join(labels.get(name, name) for name in names if name not in found)
    return f"Không tìm thấy cột: {wanted} (trong 20 dòng đầu của trang tính)."
