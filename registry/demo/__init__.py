"""A demo province: the merged Lào Cai (code 15 from 1 July 2025) after the two provinces
it replaced, the former Lào Cai (10) and Yên Bái (15), each kept with its districts and
communes valid to 30 June 2025 and the merged province as their successor; schools,
enterprises, party cells, users of every role and a few thousand candidates, whose
histories run across the merger (some moved to another unit after it).

The province codes and names come from registry/data/province_merger_2025.csv, Yên Bái's
districts from yen_bai_districts_2024.csv. Yên Bái's communes (before and after the
reform) are demo data (demo_yen_bai_communes.csv, the former ones marked "(mẫu)"), as are
the names, numbers and codes of units and people.

`seed` adds the `areas`, `units` (and cells), `accounts` (organisations and users) and
`targets`, then the `candidates`, who are `people` with `dossiers` and `training` extras.
One random stream draws them all, except each person's dossier and extras, which come
from a stream of their own.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.demo.accounts import add_users
from registry.demo.areas import add_areas
from registry.demo.candidates import add_candidates
from registry.demo.targets import add_targets
from registry.demo.units import add_units_and_cells
from registry.domain.workdays import today_vn
from registry.models import Area


def seed(session: Session, candidates: int = 3000, today: date | None = None) -> dict:
    """Fill an empty database with the demo province; returns counts."""
    rng = random.Random(20250701)
    today = today or today_vn()
    communes = add_areas(session)
    units, cells = add_units_and_cells(session, rng, communes)
    users = add_users(session, communes, cells)
    add_targets(session, communes, units, today)
    made = add_candidates(session, rng, units, candidates, today, users["admin"])
    return {"areas": len(communes), "units": len(units), "cells": len(cells), "candidates": made}


def is_empty(session: Session) -> bool:
    return session.scalar(select(Area.id).limit(1)) is None
