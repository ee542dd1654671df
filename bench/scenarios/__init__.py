"""Benchmark scenarios by name (see bench/harness.py for what a scenario is)."""

from .expiry import EXPIRY
from .public import PUBLIC
from .workflow import WORKFLOW

SCENARIOS = {scenario.name: scenario for scenario in (*PUBLIC, *WORKFLOW, *EXPIRY)}
