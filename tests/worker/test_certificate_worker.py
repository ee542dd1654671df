"""A real Celery worker (subprocess, --pool=solo) on the local Redis runs the daily job against the test database.

The worker gets its own queue (and the Redis DB of TEST_REDIS_URL) so nothing else interferes, the test database's
name through DATABASE_URL, and a file e-mail backend: a real SMTP-free path whose messages we read back.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from email import message_from_string
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from evaluations.models import CertificateJobRun, CertificateNotice
from tests.evaluations.expiry_helpers import D, issue, load_migration_data, new_commune, province_officer

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(tmp_path):
    queue = f"ocop-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "ocop_portal.settings",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": REDIS,
        "CELERY_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SITE_URL": "https://ocop.example.gov.vn",
    }
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ocop_portal", "worker", "--pool=solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = Celery("test-client", broker=REDIS)
    try:
        yield {"send": lambda name, **kw: client.send_task(name, kwargs=kw, queue=queue), "mail": mail_dir,
               "log": tmp_path / "worker.log", "process": process}  # fmt: skip
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        with client.connection_for_write() as conn:  # leave nothing behind in the shared Redis
            conn.default_channel.client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def wait_for(predicate, worker, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker["process"].poll() is not None:
            pytest.fail("the worker died:\n" + worker["log"].read_text())
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail("timed out waiting for the worker:\n" + worker["log"].read_text()[-4000:])


def delivered(mail_dir: Path) -> list:
    messages = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(message_from_string(chunk.strip()))
    return messages


def test_the_worker_runs_the_daily_job_and_a_redelivery_sends_nothing_twice(worker):
    load_migration_data()  # after an earlier transactional test's flush
    commune = new_commune()
    officer = province_officer(commune.parent)
    certs = [issue(datetime.date(2026, 8, 31), commune=commune) for _ in range(3)]
    day = certs[0].expires_on - D(days=30)

    worker["send"]("evaluations.tasks.run_daily_certificate_job", on=day.isoformat())
    wait_for(
        lambda: CertificateJobRun.objects.filter(run_on=day, outcome="finished", officer_emails=1).exists(), worker
    )
    notices = CertificateNotice.objects.filter(step="expiring_30")
    assert notices.count() == 3
    assert all(n.producer_notified_at and n.officer_notified_at and n.run_on == day for n in notices)
    messages = delivered(worker["mail"])
    recipients = sorted(m["To"] for m in messages)
    assert recipients == sorted([c.product.producer.email for c in certs] + [officer.email])
    digest = next(m for m in messages if m["To"] == officer.email)
    assert (
        "https://ocop.example.gov.vn/can-bo/giay-chung-nhan/" in digest.get_payload(0).get_payload(decode=True).decode()
    )

    # The same message delivered again (a redelivery after a lost ack) and the send-only task: nothing new.
    worker["send"]("evaluations.tasks.run_daily_certificate_job", on=day.isoformat())
    worker["send"]("evaluations.tasks.send_certificate_reminders", on=day.isoformat())
    wait_for(lambda: CertificateJobRun.objects.filter(run_on=day, outcome="finished").count() == 2, worker)
    wait_for(lambda: "send_certificate_reminders" in worker["log"].read_text() and "succeeded" in
             worker["log"].read_text().split("send_certificate_reminders")[-1], worker)  # fmt: skip
    assert len(delivered(worker["mail"])) == 4
    assert CertificateNotice.objects.count() == 3
