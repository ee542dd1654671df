"""Every benchmark at small scale through the same harness code, so none of them can rot between on-demand runs.

Asserts what the benchmark itself relies on: each request answered as a user expects (status and effect, e.g. the
dossier really submitted), the plain-SQL twin found its rows, and queries per request within the scenario's bounds.
No timing: the figures are in bench/README.md.
"""

import random

import pytest
from django.core.management import call_command
from django.db import connection

from bench.harness import measure
from bench.scenarios import SCENARIOS
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale_data(loaded_sheets):  # noqa: F811
    call_command("load_admin_units", stdout=open("/dev/null", "w"))
    call_command("generate_scale_data", products=300, scored_dossiers=5, stdout=open("/dev/null", "w"))


def test_every_benchmark_scenario_runs_at_small_scale(scale_data):
    """One data set for all scenarios (generating it is most of the time); problems are reported per scenario."""
    connection.ensure_connection()
    problems, measured = {}, []
    for name, scenario in SCENARIOS.items():
        rng = random.Random(5)
        requests, warmup = 6, 1
        scenario.prepare(rng, requests + warmup)
        try:
            result = measure(scenario, requests=requests, warmup=warmup, rng=rng, plain_conn=connection.connection)
        finally:
            scenario.cleanup()
        found = []
        if result.failures:  # a response not as expected, or a plain-SQL twin without its rows
            found.append(f"failed: {result.failures}")
        if (
            sum(result.statuses.values()) != requests + warmup
            or not len(result.portal_ms) == len(result.plain_ms) == requests
        ):
            found.append(f"measured {len(result.portal_ms)} portal / {len(result.plain_ms)} plain of {requests}")
        if min(result.queries) < scenario.min_queries or max(result.queries) > scenario.max_queries:
            found.append(f"queries {result.queries} outside {scenario.min_queries}..{scenario.max_queries}")
        if found:
            problems[name] = found
        measured.append(name)
    assert problems == {}
    assert measured == list(SCENARIOS) and len(measured) == 11
