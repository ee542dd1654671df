"""A reduced run of bench/import/run.py (200 rows instead of 20,000), so the benchmark cannot rot."""

import importlib.util
from pathlib import Path

import pytest

from evaluations.models import Certificate

pytestmark = pytest.mark.django_db


def load_bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "import" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_import_run", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_import_runs_at_small_scale(units):
    bench = load_bench()
    results = bench.run(200, keep=True, quiet=True)
    # Every step ran and checked itself: created, re-imported unchanged, exported and re-imported unchanged.
    assert results["counts"]["rows.created"] == 200
    assert Certificate.objects.filter(number__startswith="BENCH-IMP-").count() == 200
    bench.cleanup()
    assert not Certificate.objects.filter(number__startswith="BENCH-IMP-").exists()
