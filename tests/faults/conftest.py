"""Fault tests run the portal as it runs in production: gunicorn in its own process, on the test database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def gunicorn_server():
    """Start gunicorn (one sync worker, persistent DB connections) on the test database; yield its base URL."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("fault tests need PostgreSQL (make test uses it)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DATABASE_URL": database_url(), "DB_CONN_MAX_AGE": "600", "DEBUG": "1", "REDIS_URL": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ocop_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "30"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urlopen(base + "/healthz/", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail("gunicorn exited: " + process.stdout.read().decode())
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not answer within 30 s")
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
