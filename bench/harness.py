"""Shared benchmark harness: each scenario runs its requests through the portal (the whole Django stack in-process)
and the same work as hand-written SQL on a raw psycopg2 connection, and reports both.

A scenario is a class with ``name``, ``max_queries`` (the bound CI holds it to), ``prepare(rng)`` (builds what the
requests need, not timed) and ``items(rng)`` yielding ``Item``s. An item is one request: ``portal(clients)`` sends it
and returns the response, ``check(response)`` says whether it did what a user expects (status and effect), and
``plain(cursor)`` does the same reads and writes in SQL and returns the rows, and ``same(response, rows)`` compares
the two where that is cheap (list pages: the same products in order). ``cleanup()`` removes what
``prepare`` built. The runner is ``bench/run.py``; CI runs every scenario at small scale in
``tests/bench/test_bench_smoke.py`` through the same ``measure``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Standalone use (bench/run.py): the trial settings with throttles out of the way."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_portal.settings")
    os.environ.setdefault("DEBUG", "1")  # no HTTPS redirect for the in-process client
    for scope in ("ANON", "USER", "EXPORT"):
        os.environ.setdefault(f"API_THROTTLE_{scope}", "100000000/min")  # measure the work, not the 429s
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per forced login otherwise
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 404s of verify-page


def raw_connection():
    """A psycopg2 connection of its own (not Django's) to the same database."""
    import psycopg2
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    conn = psycopg2.connect(**params)
    conn.autocommit = False
    return conn


@dataclass
class Item:
    """One request of a scenario (subclasses fill in the three methods)."""

    label: str = ""

    def portal(self, clients):  # -> HttpResponse
        raise NotImplementedError

    def check(self, response) -> bool:
        return response.status_code == 200

    def plain(self, cursor):  # -> rows
        raise NotImplementedError

    def same(self, response, rows) -> bool:
        """Whether the plain SQL found what the portal answered (where a scenario can tell cheaply)."""
        return True


@dataclass
class Result:
    scenario: str
    requests: int
    portal_ms: list[float] = field(default_factory=list)
    plain_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    max_queries: int = 0
    min_queries: int = 0
    target_p95: float | None = None

    @staticmethod
    def pct(values, share):
        ordered = sorted(values)
        return ordered[max(int(len(ordered) * share + 0.5) - 1, 0)] if ordered else float("nan")

    @property
    def p50(self):
        return statistics.median(self.portal_ms)

    @property
    def p95(self):
        return self.pct(self.portal_ms, 0.95)

    @property
    def plain_p50(self):
        return statistics.median(self.plain_ms)

    @property
    def plain_p95(self):
        return self.pct(self.plain_ms, 0.95)

    @property
    def ratio(self):
        return self.p50 / self.plain_p50 if self.plain_p50 else float("inf")

    @property
    def queries_max(self):
        return max(self.queries)

    @property
    def queries_mean(self):
        return statistics.mean(self.queries)

    @property
    def ok(self):
        return not self.failures and self.min_queries <= min(self.queries) and self.queries_max <= self.max_queries


class Clients(dict):
    """Django test clients by user (anonymous under None), logged in once: a browser keeps its session."""

    def __missing__(self, user):
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user)
        self[user] = client
        return client


def measure(scenario, *, requests: int, warmup: int, rng, plain: bool = True, plain_conn=None) -> Result:
    """Run ``warmup + requests`` items; portal and plain SQL alternate item by item (same cache state).

    The plain side commits after each item on its own connection; given ``plain_conn`` (the tests pass Django's
    own psycopg2 connection, to see the rows of their transaction) it neither commits nor closes it.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(
        scenario.name,
        requests,
        max_queries=scenario.max_queries,
        min_queries=scenario.min_queries,
        target_p95=scenario.target_p95,
    )
    clients = Clients()
    own = plain and plain_conn is None
    conn = raw_connection() if own else plain_conn
    source = scenario.items(rng)
    try:
        for index in range(warmup + requests):
            item = next(source)
            scenario.before_each(item)
            connection.queries_log.clear()  # a full log (9,000 entries) would make the count read 0
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = item.portal(clients)
                elapsed = (time.perf_counter() - started) * 1000
            result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
            if not item.check(response):
                result.failures.append(f"{item.label}: {response.status_code}")
            if conn is not None:
                scenario.before_each(item)
                started = time.perf_counter()
                with conn.cursor() as cursor:
                    rows = item.plain(cursor)
                if own:
                    conn.commit()
                plain_elapsed = (time.perf_counter() - started) * 1000
                if rows is None:
                    result.failures.append(f"{item.label}: plain SQL did not find its rows")
                elif not item.same(response, rows):
                    result.failures.append(f"{item.label}: plain SQL rows differ from the portal's answer")
            if index >= warmup:
                result.portal_ms.append(elapsed)
                result.queries.append(len(captured.captured_queries))
                if conn is not None:
                    result.plain_ms.append(plain_elapsed)
    finally:
        if own:
            conn.close()
    return result


class Scenario:
    name = ""
    description = ""
    max_queries = 6
    min_queries = 0  # a floor proves the work is really done (e.g. a cache that should be cold)
    target_p95: float | None = None
    default_requests = 200

    def prepare(self, rng, count: int) -> None:
        """Build what ``count`` items need (not timed)."""

    def items(self, rng):
        raise NotImplementedError

    def before_each(self, item) -> None:
        """Called (untimed) before the portal run and before the plain run of each item."""

    def cleanup(self) -> None:
        pass


TABLE_HEAD = (
    "| scenario | p50 ms | p95 ms | queries (max, mean) | plain SQL p50 ms | plain SQL p95 ms | ratio p50 | statuses |\n"
    "|---|---:|---:|---:|---:|---:|---:|---|"
)


def table_row(r: Result) -> str:
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
    target = ""
    if r.target_p95:
        target = f" {'✓' if r.p95 < r.target_p95 else '✗'} (< {r.target_p95:g})"
    plain = (
        f"{r.plain_p50:.1f} | {r.plain_p95:.1f} | {r.ratio:.1f}×" if r.plain_ms else "– | – | –"
    )  # fmt: skip
    return (
        f"| {r.scenario} | {r.p50:.1f} | {r.p95:.1f}{target} | {r.queries_max}, {r.queries_mean:.1f} "
        f"| {plain} | {statuses} |"
    )
