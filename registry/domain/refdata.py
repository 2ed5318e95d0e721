"""Reference data shipped with the product (ethnicities, religions, CCCD province codes).

The CSV files in registry/data/ are copies of the sourced reference tables; they are read
once per process.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from registry.domain.textutil import fold, fold_key

# Prefixes that spreadsheets put before a name and that the reference tables leave out.
KINH = "01"  # GSO code of the Kinh majority; every other code is an ethnic minority.
_PREFIXES = re.compile(r"^(dan toc|nguoi|dao|ton giao)\s+")


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    aliases: tuple[str, ...]


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of one data file as dicts."""
    with resources.files("registry").joinpath("data", name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _entries(name: str) -> tuple[Entry, ...]:
    return tuple(
        Entry(row["code"], row["name"], tuple(a for a in row["aliases"].split("|") if a))
        for row in read_csv(name)
    )


def alias_key(value: str) -> str:
    """Folded key for alias lookup, without a leading "dân tộc"/"người"/"đạo"."""
    return fold_key(_PREFIXES.sub("", fold(value)))


def _alias_index(entries: tuple[Entry, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry in entries:
        for label in (entry.code, entry.name, *entry.aliases):
            index.setdefault(alias_key(label), entry.code)
    return index


@cache
def ethnicities() -> tuple[Entry, ...]:
    return _entries("ethnicities.csv")


@cache
def religions() -> tuple[Entry, ...]:
    return _entries("religions.csv")


@cache
def _ethnicity_index() -> dict[str, str]:
    return _alias_index(ethnicities())


@cache
def _religion_index() -> dict[str, str]:
    return _alias_index(religions())


def ethnicity_code(label: str | None) -> str | None:
    """GSO code for an ethnicity name, alias or code; None when unknown."""
    return _ethnicity_index().get(alias_key(label or "")) if label else None


def religion_code(label: str | None) -> str | None:
    """Registry code for a religion name or alias; None when unknown."""
    return _religion_index().get(alias_key(label or "")) if label else None


@cache
def ethnicity_names() -> dict[str, str]:
    return {e.code: e.name for e in ethnicities()}


@cache
def religion_names() -> dict[str, str]:
    return {e.code: e.name for e in religions()}


@cache
def cccd_province_codes() -> dict[str, str]:
    """Three-digit birth-registration codes of the 12-digit CCCD → province name."""
    return {row["code3"]: row["province_name"] for row in read_csv("cccd_province_codes.csv")}
