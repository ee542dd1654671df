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


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_benchmark_scenario_runs_at_small_scale(scale_data, name):
    scenario = SCENARIOS[name]
    rng = random.Random(5)
    requests, warmup = 6, 1
    scenario.prepare(rng, requests + warmup)
    connection.ensure_connection()
    result = measure(scenario, requests=requests, warmup=warmup, rng=rng, plain_conn=connection.connection)
    assert result.failures == []  # every response as expected, every plain-SQL twin found its rows
    assert sum(result.statuses.values()) == requests + warmup
    assert len(result.portal_ms) == len(result.plain_ms) == requests
    assert scenario.min_queries <= min(result.queries)
    assert max(result.queries) <= scenario.max_queries, result.queries
