"""Time the detail list against a bare openpyxl write-only dump of the same rows.

Run once by hand (not a test): `python -m exports.benchmark [ROWS [ROUNDS]]`. The floor is the
one the design sets for the detail list: openpyxl write-only of the same tuples.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from io import BytesIO

from openpyxl import Workbook

from exports import CandidateList, ReportMeta, build


def sample_rows(count: int, seed: int = 1) -> list[tuple]:
    """Candidate rows shaped like the list query's: text, dates, many blanks."""
    rnd = random.Random(seed)
    start = date(2000, 1, 1)

    def some_date() -> date | None:
        return start + timedelta(days=rnd.randrange(9000)) if rnd.random() < 0.6 else None

    return [
        (f"Nguyễn Văn An {i}", start + timedelta(days=i % 3000), "Nam", "Kinh", None,
         f"0{i:011d}", "Lào Cai", "12/12", "Học sinh THPT", "THPT01", "Trường THPT số 1",
         "Chi bộ trường", some_date(), "x", some_date(), f"GCN-{i}", some_date(), some_date(),
         "12-QĐ/ĐU", some_date(), None, "- chuyển trường" if i % 50 == 0 else None,
         some_date(), some_date(), None, "12A1", "Trần Văn Bình", "Lê Cường; Phạm Dũng", None,
         None)
        for i in range(count)
    ]  # fmt: skip


def bare_dump(rows: list[tuple]) -> BytesIO:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out


def detail_list(rows: list[tuple]) -> BytesIO:
    meta = ReportMeta(
        title="Danh sách quần chúng ưu tú",
        period_from=date(2025, 1, 1),
        period_to=date(2025, 12, 31),
        area_name="Tỉnh Lào Cai",
        place="Lào Cai",
        report_date=date(2026, 1, 5),
        issuing_body=("UBND TỈNH LÀO CAI", "SỞ NỘI VỤ"),
    )
    return build("candidates", CandidateList(meta, iter(rows)))


def timed(func: Callable[[list[tuple]], BytesIO], rows: list[tuple]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU time shrugs off a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    func(rows)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str]) -> None:
    count = int(argv[0]) if argv else 200_000
    rounds = int(argv[1]) if len(argv) > 1 else 3
    rows = sample_rows(count)
    # Alternate the two so that a busy machine slows both alike; keep the best of each.
    runs = [(timed(bare_dump, rows), timed(detail_list, rows)) for _ in range(rounds)]
    for i, kind in enumerate(("wall", "CPU")):
        bare = min(run[0][i] for run in runs)
        ours = min(run[1][i] for run in runs)
        print(f"{count} rows, {kind}: bare write-only {bare:.2f} s, candidates {ours:.2f} s, "
              f"ratio {ours / bare:.2f}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
