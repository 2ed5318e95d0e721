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


def name_sort_key(full_name: str | None) -> str:
    """Sort key in the Vietnamese order: given name, then middle names, then family name."""
    parts = fold(full_name).split(" ")
    if len(parts) < 2:
        return parts[0] if parts else ""
    return " ".join([parts[-1], *parts[1:-1], parts[0]])
