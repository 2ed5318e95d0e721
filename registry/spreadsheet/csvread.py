"""CSV files: encoding detection, delimiter sniffing, rows with their line numbers.

Excel on Vietnamese Windows saves "CSV" in the ANSI code page (cp1258), "CSV UTF-8"
with a BOM, and "Unicode text" as UTF-16 with tabs. Files typed with legacy fonts hold
TCVN3/VNI bytes, which are read as cp1252 and left to the legacy-font converter.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from registry.spreadsheet.errors import Limits, ReadError
from registry.spreadsheet.legacy import decode_tcvn3, decode_vni, vietnamese_words

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE = 64 * 1024


def _passthrough(exc: UnicodeError) -> tuple[str, int]:
    """Undefined bytes become U+0080–U+009F, as Windows shows them."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(b) for b in bad), exc.end


codecs.register_error("registry-c1", _passthrough)


@dataclass
class CsvText:
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str


def _score(text: str) -> int:
    good, bad = vietnamese_words(text)
    return good - bad


def _eight_bit(data: bytes) -> tuple[str, str]:
    """Choose between cp1258 (Unicode Vietnamese) and cp1252 (legacy-font bytes)."""
    sample = data[:_SAMPLE]
    as_1258 = unicodedata.normalize("NFC", sample.decode("cp1258", "registry-c1"))
    as_1252 = sample.decode("cp1252", "registry-c1")
    unicode_score = _score(as_1258)
    legacy_score = max(_score(decode_tcvn3(as_1252)), _score(decode_vni(as_1252)))
    if legacy_score > unicode_score and legacy_score > 0:
        return data.decode("cp1252", "registry-c1"), "cp1252"
    if unicode_score <= 0 and legacy_score <= 0:
        guess = _charset_guess(sample)
        if guess and guess not in ("utf_8", "ascii"):
            try:
                return data.decode(guess), guess
            except (UnicodeDecodeError, LookupError):
                pass
    text = unicodedata.normalize("NFC", data.decode("cp1258", "registry-c1"))
    return text, "cp1258"


def _charset_guess(sample: bytes) -> str | None:
    best = from_bytes(sample).best()
    return best.encoding if best is not None else None


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for a CSV file's bytes."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[3:].decode("utf-8", "replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16", "replace"), "utf-16"
    elif b"\x00" in data:
        # UTF-16 without a BOM is the one text encoding full of NUL bytes.
        guess = _charset_guess(data[:_SAMPLE])
        if not guess or not guess.startswith(("utf_16", "utf_32")):
            raise ReadError("nul_bytes")
        try:
            text, encoding = data.decode(guess), guess
        except UnicodeDecodeError as exc:
            raise ReadError("nul_bytes") from exc
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _eight_bit(data)
    if "\x00" in text:
        raise ReadError("nul_bytes")
    return text, encoding


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number of fields."""
    best, best_key = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        except csv.Error:
            continue  # a field past the csv module's size limit: the reader refuses it below
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        key = (counts.count(mode), mode)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def read_csv_rows(data: bytes, limits: Limits) -> CsvText:
    text, encoding = decode_csv(data)
    if not text.strip():
        raise ReadError("empty_file")
    lines = text.splitlines()
    delimiter, skip_first = None, False
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) == 5:
        # Excel's own hint line ("sep=;"), which it hides when opening the file.
        delimiter, skip_first = lines[0][4], True
    if delimiter is None:
        delimiter = sniff_delimiter(lines[:50])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for record in reader:
            number, previous = previous + 1, reader.line_num
            if skip_first and number == 1:
                continue
            while record and not record[-1].strip():
                record.pop()
            if len(record) > limits.max_cols:
                raise ReadError("too_many_columns", count=len(record), limit=limits.max_cols)
            rows.append((number, record))
            if number > limits.max_rows:
                raise ReadError("too_many_rows", count=number, limit=limits.max_rows)
    except csv.Error as exc:
        raise ReadError("corrupt_file") from exc
    return CsvText(rows, encoding, delimiter)
