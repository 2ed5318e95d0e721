"""Legacy Vietnamese encodings (TCVN3/ABC and VNI-Windows) read as Windows-1252.

Old spreadsheets typed with the ".VnTime" or "VNI-Times" fonts store bytes that a reader
shows as Latin-1 look-alikes ("NguyÔn V¨n §øc", "Nguyeãn Vaên Ñöùc"). The tables come
from registry/data/legacy_encodings.csv. A short cell can be valid in more than one
reading ("Chi bé" is Unicode "bé" or TCVN3 "bộ"), so the decision is made for a whole
column from the cells that only one reading explains, and for the sheet when a column
has no such cell (see LegacyFixer).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Generic, TypeVar

from registry.domain.refdata import read_csv

K = TypeVar("K", bound=Hashable)  # how a caller names a column: its index, or a field


class Reading(StrEnum):
    UNICODE = "unicode"
    TCVN3 = "tcvn3"
    VNI = "vni"


def _byte_char(b: int) -> str:
    """What a Windows-1252 reader shows for byte b (undefined bytes pass through)."""
    if b < 0x80:
        return chr(b)
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


def _load() -> tuple[dict[str, str], dict[str, str], list[str]]:
    tcvn3: dict[str, str] = {}
    vni: dict[str, str] = {}
    letters: list[str] = []
    for row in read_csv("legacy_encodings.csv"):
        letter = row["unicode"]
        letters.append(letter)
        t = _byte_char(int(row["tcvn3_bytes"], 16))
        if t != letter:
            tcvn3[t] = letter
        v = "".join(_byte_char(b) for b in bytes.fromhex(row["vni_bytes"]))
        if v != letter:
            vni[v] = letter
    return tcvn3, vni, letters


_TCVN3, _VNI, _TABLE_LETTERS = _load()
_TO_TCVN3 = {letter: code for code, letter in _TCVN3.items()}
_TO_VNI = {letter: code for code, letter in _VNI.items()}
_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
VIETNAMESE_LETTERS = frozenset(_TABLE_LETTERS) | frozenset(_ASCII_LETTERS)

# Capitals of the full TCVN 5712 table that sit on Windows-1252 punctuation. ABC files
# don't use them (".VnTime" has no toned capitals; ".VnTimeH" reuses the lower-case
# codes), while real dashes and quotes are common, so they are read as letters only
# inside a word, with a letter on both sides.
_GUARDED = frozenset("–—…“”‘’•‚„‹›")
_TCVN3_PLAIN = str.maketrans({k: v for k, v in _TCVN3.items() if k not in _GUARDED})
_LETTER_CLASS = "".join(re.escape(c) for c in sorted(VIETNAMESE_LETTERS))
_GUARD_CLASS = "".join(re.escape(c) for c in sorted(_GUARDED))
_TCVN3_GUARDED_RE = re.compile(f"(?<=[{_LETTER_CLASS}])[{_GUARD_CLASS}]+(?=[{_LETTER_CLASS}])")
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI, key=len, reverse=True)))
_TO_TCVN3_TABLE = str.maketrans(_TO_TCVN3)
_TO_VNI_TABLE = str.maketrans(_TO_VNI)

# A character above U+00FF that no Windows-1252 reading produces (ễ, ư, đ …) proves
# the cell was typed in Unicode.
_CP1252_HIGH = frozenset(_byte_char(b) for b in range(0x80, 0xA0))


_UNICODE_ONLY = re.compile(
    "[^\x00-\xff" + "".join(re.escape(c) for c in sorted(_CP1252_HIGH)) + "]"
)


def _proves_unicode(text: str) -> bool:
    return _UNICODE_ONLY.search(text) is not None


def to_tcvn3(text: str) -> str:
    """Encode Unicode Vietnamese as TCVN3 read through Windows-1252 (tests, fixtures)."""
    return unicodedata.normalize("NFC", text).translate(_TO_TCVN3_TABLE)


def to_vni(text: str) -> str:
    """Encode Unicode Vietnamese as VNI-Windows read through Windows-1252."""
    return unicodedata.normalize("NFC", text).translate(_TO_VNI_TABLE)


def _mixed_case(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return any(c.isupper() for c in letters[1:]) and any(c.islower() for c in letters)


def _vntimeh(raw: str, decoded: str) -> str:
    """Upper-case words typed with an upper-case ".VnTimeH" font.

    Those fonts draw the lower-case codes as capitals, so "NGUYÔN" decodes to "NGUYễN".
    A word whose ASCII letters are all capitals but which decodes to mixed case is the
    sign; then every word of the cell without lower-case ASCII letters is upper-cased.
    """
    raw_words, words = raw.split(" "), decoded.split(" ")
    if len(raw_words) != len(words):
        return decoded
    signal = any(
        _mixed_case(w) and not any(c.islower() for c in r if c.isascii())
        for r, w in zip(raw_words, words, strict=True)
    )
    if not signal:
        return decoded
    return " ".join(
        w.upper() if not any(c.islower() for c in r if c.isascii()) else w
        for r, w in zip(raw_words, words, strict=True)
    )


def decode_tcvn3(text: str) -> str:
    """Unicode for text that is TCVN3 read as Windows-1252."""
    decoded = text.translate(_TCVN3_PLAIN)
    if any(c in _GUARDED for c in decoded):
        # After the table every letter is a Vietnamese one, so "inside a word" is easy.
        decoded = _TCVN3_GUARDED_RE.sub(lambda m: "".join(_TCVN3[c] for c in m.group()), decoded)
    if decoded != text and any(c.isupper() for c in text):
        decoded = _vntimeh(text, decoded)
    return decoded


def decode_vni(text: str) -> str:
    """Unicode for text that is VNI-Windows read as Windows-1252."""
    return _VNI_RE.sub(lambda m: _VNI[m.group()], text)


def decode(text: str, reading: Reading) -> str:
    if reading is Reading.TCVN3:
        return decode_tcvn3(text)
    if reading is Reading.VNI:
        return decode_vni(text)
    return text


# --- plausibility -----------------------------------------------------------------------

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def _detone_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for letter in VIETNAMESE_LETTERS:
        parts = unicodedata.normalize("NFD", letter.lower())
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        table[letter] = (base, sum(c in _TONES for c in parts))
    return table


_DETONE = _detone_table()
_NUCLEI = [
    "uyê",
    "uya",
    "uyu",
    "iêu",
    "oai",
    "oay",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "yêu",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "oo",
    "ôi",
    "ơi",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "ya",
    "yê",
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
]
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    f"(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})"
    "(?:ng|nh|ch|[cmnptk])?"
)
# Separators between words; legacy letters such as "¨", "§" or the soft hyphen are not.
_SPLIT = re.compile(r"[\s\d.,;:()\[\]{}/\\|\-–—'\"’‘“”!?&+*#%=<>_~@^`]+")


@lru_cache(maxsize=65536)
def _word_ok(word: str) -> bool:
    """Whether a word with a non-ASCII letter reads as one Vietnamese syllable."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    bases: list[str] = []
    tones = 0
    for c in word:
        entry = _DETONE.get(c)
        if entry is None:
            return False
        bases.append(entry[0])
        tones += entry[1]
    return tones <= 1 and _SYLLABLE.fullmatch("".join(bases)) is not None


def text_ok(text: str) -> bool:
    """Whether every word holding a non-ASCII character is a plausible syllable."""
    return all(_word_ok(w) for w in _SPLIT.split(text) if w and not w.isascii())


def vietnamese_words(text: str) -> tuple[int, int]:
    """(plausible, implausible) counts of words holding a non-ASCII character."""
    good = bad = 0
    for w in _SPLIT.split(text):
        if w and not w.isascii():
            if _word_ok(w):
                good += 1
            else:
                bad += 1
    return good, bad


# --- per column and per sheet decision --------------------------------------------------


@dataclass(frozen=True)
class CellReadings:
    """Which readings make a cell plausible Vietnamese; `proof` = typed in Unicode."""

    unicode: bool
    tcvn3: bool
    vni: bool
    proof: bool


def classify(text: str) -> CellReadings:
    if _proves_unicode(text):
        return CellReadings(True, False, False, True)
    u = text_ok(text)
    t = decode_tcvn3(text)
    v = decode_vni(text)
    return CellReadings(u, text_ok(t) if t != text else u, text_ok(v) if v != text else u, False)


@dataclass
class Evidence:
    """Counts of telling cells: readable in a legacy encoding but not as Unicode (for),
    or as Unicode but not in that encoding (against)."""

    tcvn3_for: int = 0
    tcvn3_against: int = 0
    vni_for: int = 0
    vni_against: int = 0

    def add(self, cell: CellReadings) -> None:
        if cell.unicode:
            self.tcvn3_against += not cell.tcvn3
            self.vni_against += not cell.vni
        elif cell.tcvn3 != cell.vni:
            # A cell both legacy readings explain tells them apart from nothing.
            self.tcvn3_for += cell.tcvn3
            self.vni_for += cell.vni

    def __iadd__(self, other: Evidence) -> Evidence:
        self.tcvn3_for += other.tcvn3_for
        self.tcvn3_against += other.tcvn3_against
        self.vni_for += other.vni_for
        self.vni_against += other.vni_against
        return self

    def verdict(self) -> Reading | None:
        """The legacy reading that more telling cells favour than oppose; Unicode when
        they oppose both; None on a tie or without telling cells (then the sheet's
        verdict applies, or nothing is converted but cells that read one way only)."""
        t = self.tcvn3_for - self.tcvn3_against
        v = self.vni_for - self.vni_against
        if t > 0 or v > 0:
            return Reading.TCVN3 if t >= v else Reading.VNI
        if t < 0 or v < 0:
            return Reading.UNICODE
        return None


class LegacyFixer(Generic[K]):
    """Converts the text cells of a sheet, deciding per column, then per sheet.

    `columns` maps a column key to its cell texts. In a legacy column every cell is
    converted except those that only read as Unicode (pasted from elsewhere); in a
    Unicode column only cells that read as exactly one legacy encoding are.
    """

    def __init__(self, columns: Mapping[K, Iterable[str]]) -> None:
        self._cells: dict[str, CellReadings] = {}
        self.column_readings: dict[K, Reading | None] = {}
        sheet = Evidence()
        for key, values in columns.items():
            ev = Evidence()
            for text in {v for v in values if v and not v.isascii()}:
                ev.add(self._classify(text))
            sheet += ev
            self.column_readings[key] = ev.verdict()
        self.sheet_reading = sheet.verdict()
        self._converted: dict[tuple[Reading | None, str], tuple[str, Reading | None]] = {}
        # Column key → the encodings its converted cells were in (for the preview).
        self.converted: dict[K, set[Reading]] = {}

    def _classify(self, text: str) -> CellReadings:
        cell = self._cells.get(text)
        if cell is None:
            cell = self._cells[text] = classify(text)
        return cell

    def reading(self, key: K) -> Reading | None:
        return self.column_readings.get(key) or self.sheet_reading

    @property
    def active(self) -> bool:
        """Whether any conversion can happen at all (fast path for Unicode sheets)."""
        return bool(self._cells)

    def convert(self, key: K, text: str) -> str:
        if not text or text.isascii() or _UNICODE_ONLY.search(text):
            return text
        reading = self.reading(key)
        cached = self._converted.get((reading, text))
        if cached is None:
            cached = self._converted[(reading, text)] = self._convert(reading, text)
        if cached[1] is not None:
            self.converted.setdefault(key, set()).add(cached[1])
        return cached[0]

    def _convert(self, reading: Reading | None, text: str) -> tuple[str, Reading | None]:
        cell = self._classify(text)
        if cell.proof:
            return text, None
        if reading in (Reading.TCVN3, Reading.VNI):
            legacy_ok = cell.tcvn3 if reading is Reading.TCVN3 else cell.vni
            if cell.unicode and not legacy_ok:
                return text, None
        elif not cell.unicode and cell.tcvn3 != cell.vni:
            reading = Reading.TCVN3 if cell.tcvn3 else Reading.VNI
        else:
            return text, None
        decoded = decode(text, reading)
        return decoded, (reading if decoded != text else None)


def header_candidates(text: str) -> tuple[str, str, str]:
    """The text as Unicode, TCVN3 and VNI, for matching header labels."""
    if text.isascii():
        return (text, text, text)
    return (text, decode_tcvn3(text), decode_vni(text))
