"""`python -m bench`: generate the data, run every benchmark, print one JSON document.

    python -m bench                       # the full run (100k and 1M, SQLite and PostgreSQL)
    python -m bench --quick               # a small run, to try things out
    python -m bench --only list,import    # some steps only (list, import, reports, load)
    python -m bench --busy                # with a second process keeping one core busy

The JSON is also written to bench/results/latest.json (or --out); the targets, each
beside its figure and floor, are printed to stderr at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bench.common import DEFAULT_PG
from bench.datagen import DATA_DIR
from bench.run import STEPS, Plan, log, run, write
from bench.targets import lines

QUICK = {"sizes": "2000,20000", "requests": 50, "import_rows": 2000, "rounds": 1,
         "load_seconds": 10, "load_requests": 500}  # fmt: skip


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse(argv: list[str]) -> Plan:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few requests")
    parser.add_argument(
        "--busy", action="store_true", help="keep one core busy during the measured steps"
    )
    parser.add_argument("--only", default=",".join(STEPS), help="steps: " + ",".join(STEPS))
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--sizes", default="100000,1000000", help="candidates, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="per list scenario")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs per report figure")
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--load-requests", type=int, default=4000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--load-backends", default="postgres", help="where gunicorn is loaded")
    parser.add_argument(
        "--list-every-size", action="store_true", help="the list scenarios at every size"
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument(
        "--pg-schema", default=f"bench_{os.getpid()}", help="created, then dropped at the end"
    )
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="cached databases")
    parser.add_argument("--out", type=Path, help="default bench/results/latest.json")
    args = parser.parse_args(argv)
    if args.quick:
        defaults = {k: parser.get_default(k) for k in QUICK}
        for key, value in QUICK.items():
            if getattr(args, key) == defaults[key]:
                setattr(args, key, value)
    unknown = set(_csv(args.only)) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    plan = Plan(
        sizes=[int(s) for s in _csv(args.sizes)],
        backends=_csv(args.backends),
        only=_csv(args.only),
        requests=args.requests,
        import_rows=args.import_rows,
        rounds=args.rounds,
        load_seconds=args.load_seconds,
        load_requests=args.load_requests,
        connections=args.connections,
        load_backends=_csv(args.load_backends),
        list_every_size=args.list_every_size,
        pg_url=args.pg_url,
        pg_schema=args.pg_schema,
        data_dir=args.data_dir,
        busy=args.busy,
        quick=args.quick,
    )
    plan.out = args.out  # type: ignore[attr-defined]
    return plan


def main(argv: list[str] | None = None) -> dict:
    plan = parse(sys.argv[1:] if argv is None else argv)
    results = run(plan)
    path = write(results, plan.out)  # type: ignore[attr-defined]
    for line in lines(results["targets"]):
        log(line)
    log(f"{results['total_s']} s in all; written to {path}")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return results


if __name__ == "__main__":
    main()
