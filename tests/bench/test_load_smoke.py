"""Reduced load test for CI: the bench locustfile against gunicorn on the test database, so the on-demand load test
(bench/load/run.sh, figures in bench/README.md) cannot rot. A small generated data set, 10 users for 15 seconds,
every request type exercised, no failed request; no timing assertion."""

import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def bench_module(name: str):
    """bench/load/<name>.py by path: under pytest, a tests/bench package would shadow the top-level bench folder."""
    spec = importlib.util.spec_from_file_location(f"load_bench_{name}", ROOT / "bench" / "load" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


names = bench_module("names")
summary = bench_module("summary")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(tmp_path: Path) -> dict:
    """The environment run.sh gives the bench server: production settings, throttles lifted for one address."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}}
    return env | {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "LOAD_STATIC_ROOT": str(tmp_path / "static"),
        "STATIC_MANIFEST": "0",  # plain copies: compressing every file costs minutes of CI; run.sh keeps the manifest
        "DEBUG": "0",
        "SECRET_KEY": "load-smoke-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", ""),
        "API_THROTTLE_ANON": "1000000/min",
        "API_THROTTLE_USER": "1000000/min",
        "API_THROTTLE_EXPORT": "1000000/hour",
        "AXES_FAILURE_LIMIT": "1000000",
    }


@pytest.fixture
def scale_data(transactional_db):
    """A small generated data set and the bench officers, committed so that gunicorn sees them."""
    from evaluations.sheet_loader import load_files

    with open(os.devnull, "w") as devnull:
        call_command("load_admin_units", stdout=devnull)
        load_files()
        call_command("generate_scale_data", products=300, scored_dossiers=60, stdout=devnull)
    return bench_module("prepare").prepare(communes=3, provinces=2, sample=100)


@pytest.fixture
def bench_server(scale_data, tmp_path):
    env = server_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ocop_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(Request(base + "/healthz/", headers={"X-Forwarded-Proto": "https"}), timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mixed_workload_runs_without_a_failed_request(bench_server, scale_data, tmp_path):
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps(scale_data, ensure_ascii=False))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"LOAD_SAMPLE": str(sample), "LOAD_TOUR": "1"}  # each user runs every task once, then the mix
    command = [str(BIN / "locust"), "-f", "bench/load/locustfile.py", "--headless", "-u", "10", "-r", "10"]
    command += ["-t", "15s", "--stop-timeout", "10", "--host", bench_server, "--csv", str(tmp_path / "load")]
    command += ["--only-summary", "--loglevel", "WARNING"]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    stats = summary.read_stats(str(tmp_path / "load"))
    failures = summary.read_failures(str(tmp_path / "load"))
    assert failures == [], failures
    assert int(stats["Aggregated"]["Failure Count"]) == 0
    exercised = {name for name, row in stats.items() if name != "Aggregated" and int(row["Request Count"]) > 0}
    assert exercised == names.ALL, f"not exercised: {names.ALL - exercised}; unexpected: {exercised - names.ALL}"
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.django_db
def test_bench_accounts_are_refused_on_a_database_without_generated_data():
    from django.contrib.auth import get_user_model

    with pytest.raises(SystemExit, match="no generated scale data"):
        bench_module("prepare").prepare()
    assert not get_user_model().objects.filter(username__startswith="loadbench_").exists()
