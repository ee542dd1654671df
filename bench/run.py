"""Run benchmark scenarios: p50 / p95 and queries per request through the portal, the same work as plain SQL on
a raw psycopg2 connection, and the ratio of the two (the framework's cost).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench python bench/run.py [SCENARIO …|public|workflow]
        [--requests N] [--warmup N] [--seed N] [--no-plain]

Needs the scale data set (``manage.py generate_scale_data``; ``bash bench/public.sh`` makes it). Exits non-zero
when a request fails, queries per request exceed the scenario's bound, or a p95 target is missed.
"""

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import TABLE_HEAD, measure, setup_django, table_row  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenarios", nargs="*", help="scenario names, or the groups 'public' / 'workflow' (with expiry-record)"
    )
    parser.add_argument("--requests", type=int, default=None, help="per scenario (default: its own, 200 or 60)")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-SQL side")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    from bench.scenarios import SCENARIOS
    from bench.scenarios.expiry import EXPIRY
    from bench.scenarios.public import PUBLIC
    from bench.scenarios.workflow import WORKFLOW

    groups = {"public": [s.name for s in PUBLIC], "workflow": [s.name for s in WORKFLOW + EXPIRY]}
    names = [n for name in (args.scenarios or ["public", "workflow"]) for n in groups.get(name, [name])]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks need PostgreSQL with the scale data (DATABASE_URL=postgres://…/ocop_bench)")
    from products.models import Product

    print(f"Data set: {Product.objects.count():,} products; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}")
    print(TABLE_HEAD)
    failed = False
    for name in names:
        scenario = SCENARIOS[name]
        requests = args.requests or scenario.default_requests
        warmup = args.warmup if args.warmup is not None else max(requests // 10, 2)
        rng = random.Random(args.seed)
        scenario.prepare(rng, warmup + requests)
        try:
            result = measure(scenario, requests=requests, warmup=warmup, rng=rng, plain=not args.no_plain)
        finally:
            scenario.cleanup()
        missed = result.target_p95 is not None and result.p95 >= result.target_p95
        failed |= not result.ok or missed
        print(table_row(result), flush=True)
        for failure in result.failures[:5]:
            print(f"    failed: {failure}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
