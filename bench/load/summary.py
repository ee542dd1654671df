"""Print the figures of a locust run (its ``<prefix>_stats.csv``) and fail when any request failed.

    python bench/load/summary.py /tmp/load/load [--cpu cpu.json --workers 4]   # reads load_stats.csv, load_failures.csv

Prints one Markdown row per request name (requests, failures, requests/s, p50, p95, p99) and the total, ready to be
pasted into bench/README.md. Exit status 1 when a request failed or none was made.
"""

import argparse
import csv
import json
import sys
from pathlib import Path


def read_stats(prefix: str) -> dict[str, dict]:
    """Rows of ``<prefix>_stats.csv`` by request name; the total is under "Aggregated"."""
    with Path(f"{prefix}_stats.csv").open(newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def read_failures(prefix: str) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def table(stats: dict[str, dict]) -> str:
    lines = [
        "| request | requests | failures | req/s | p50 (ms) | p95 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = sorted(name for name in stats if name != "Aggregated")
    for name in [*names, "Aggregated"]:
        row = stats.get(name)
        if row is None:
            continue
        label = "**all requests**" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {int(row['Request Count']):,} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("--cpu", help="JSON of CPU seconds: app (gunicorn workers), db (backends), locust")
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv[1:])
    prefix = args.prefix
    stats = read_stats(prefix)
    print(table(stats))
    total = stats.get("Aggregated")
    failures = read_failures(prefix)
    for failure in failures:
        print(f"FAILED {failure['Method']} {failure['Name']}: {failure['Error']} ×{failure['Occurrences']}")
    if total is None or int(total["Request Count"]) == 0:
        print("no request was made")
        return 1
    failed = int(total["Failure Count"])
    print(
        f"\n{int(total['Request Count']):,} requests, {float(total['Requests/s']):.1f} req/s, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, failures {failed}"
    )
    if args.cpu:
        cpu = json.loads(Path(args.cpu).read_text())
        count = int(total["Request Count"])
        print(
            f"CPU: gunicorn workers ({args.workers}) {cpu['app']:.1f} s = {1000 * cpu['app'] / count:.1f} ms per "
            f"request, PostgreSQL backends {cpu['db']:.1f} s = {1000 * cpu['db'] / count:.1f} ms per request, "
            f"locust {cpu.get('locust', 0):.1f} s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
