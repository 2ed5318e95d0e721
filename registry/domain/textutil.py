"""Vietnamese text helpers: NFC cleaning and the folded keys used for search and matching."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def clean_text(value: str | None) -> str:
    """Return text in NFC with Ð (U+00D0) read as Đ and runs of spaces collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    # U+00D0 (Icelandic Eth) looks like Đ and is common in files typed with legacy fonts.
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    return _SPACES.sub(" ", text).strip()


def strip_marks(value: str) -> str:
    """Remove every Vietnamese diacritic, đ/Đ included, keeping case and spacing."""
    decomposed = unicodedata.normalize("NFD", value)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return bare.replace("\u0111", "d").replace("\u0110", "D")


def fold(value: str | None) -> str:
    """Fold text for matching: lower case, no diacritics, single spaces.

    Tone placement ("Hoà"/"Hòa") disappears with the marks, so both spellings fold alike.
    """
    return _SPACES.sub(" ", strip_marks(clean_text(value)).lower()).strip()


def fold_key(value: str | None) -> str:
    """Fold text and drop everything but letters and digits (header and alias matching)."""
    return _NOT_ALNUM.sub("", fold(value))


# --- Vietnamese alphabetical order -------------------------------------------------------
#
# CLDR Vietnamese collation: letters a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư
# v w x y z (ă, â, đ, ê, ô, ơ, ư are letters of their own, a primary difference); tones a
# secondary difference in the order ngang, huyền, hỏi, ngã, sắc, nặng; case ignored;
# apostrophes and hyphens ignored. A letter with a modifier is written as its base
# letter followed by a character above "z", so a byte-wise comparison puts every word
# in "a…" before any in "ă…", and "ă…" before "â…".
_MODIFIED = {
    ("a", "\u0306"): "a{",  # ă
    ("a", "\u0302"): "a|",  # â
    ("e", "\u0302"): "e{",  # ê
    ("o", "\u0302"): "o{",  # ô
    ("o", "\u031b"): "o|",  # ơ
    ("u", "\u031b"): "u{",  # ư
}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_IGNORED = re.compile(r"['\u2019\u02bc\-\u2010\u2011]")
# Below every character a primary or secondary string holds (space is 0x20, "-" 0x2D).
_END = " "
_WORD_BREAK = "-"
SORT_KEY_WIDTH = 120


def _syllable(syllable: str) -> tuple[str, str]:
    """(primary, tone digit) of one syllable, lower case."""
    primary: list[str] = []
    tone = "0"
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in _TONES:
            tone = _TONES[ch]
        elif unicodedata.category(ch) == "Mn":
            if primary and (primary[-1], ch) in _MODIFIED:
                primary[-1] = _MODIFIED[(primary[-1], ch)]
        elif ch == "\u0111":
            primary.append("d{")
        elif ch.isalnum():
            primary.append(ch)
    return "".join(primary), tone


def _part(words: list[str]) -> str:
    """One part of a name (given, middle or family): its letters, then its tones."""
    letters, tones = [], []
    for word in words:
        primary, tone = _syllable(word)
        if primary:
            letters.append(primary)
            tones.append(tone)
    return _WORD_BREAK.join(letters) + _END + "".join(tones)


def sort_key(full_name: str | None) -> str:
    """The key that orders names the Vietnamese way, compared byte by byte.

    Given name first, then the middle name(s), then the family name, each compared
    fully (letters, then tones) before the next (reference vietnamese_name_order.txt,
    made with ICU's Vietnamese collation). "Nguyễn Thị Thùy Linh" gives
    "linh 0 thi-thuy 51 nguye{n 3". Stored as Candidate.sort_key (COLLATE "C" on
    PostgreSQL, binary on SQLite) beside an index on (sort_key, id); at most
    SORT_KEY_WIDTH characters. A word-search table may split the letters part of each
    name part on "-" to get one word's key.
    """
    words = _IGNORED.sub("", clean_text(full_name)).lower().split()
    if not words:
        return ""
    family, middle, given = words[:1], words[1:-1], words[-1:]
    if len(words) == 1:
        family = []
    key = _END.join((_part(given), _part(middle), _part(family)))
    return key[:SORT_KEY_WIDTH]


def vn_number(value: int | None) -> str:
    """1234 → "1.234" (Vietnamese thousands separator); None → ""."""
    return "" if value is None else f"{value:,}".replace(",", ".")
