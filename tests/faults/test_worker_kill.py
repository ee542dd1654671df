"""A worker killed (SIGKILL) in the middle of the daily certificate job loses nothing and duplicates nothing.

A real Celery worker (``--pool=solo``, its own queue on the Redis of TEST_REDIS_URL) runs the daily job for a few
hundred certificates crossing the 30-day step, with an e-mail backend that takes a while per message. Half-way
through the e-mails the worker's whole process group is killed. Nobody sends the task again: the message was never
acknowledged (``acks_late``), so once its visibility timeout has passed Redis hands it to the next worker, which
runs the job again. Afterwards every certificate has its step recorded once, every producer got one reminder (the
resend of the one message in flight when the worker died carries the same Message-ID), and the officer one digest.
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
from tests.evaluations.expiry_helpers import issue, load_migration_data, new_commune, province_officer

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
CERTIFICATES = 240
VISIBILITY_TIMEOUT = 4  # seconds before an unacknowledged task goes back to the queue

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Start workers on one queue, each in its own process group (so a kill takes the whole group)."""

    def __init__(self, tmp_path: Path):
        self.queue = f"ocop-kill-{uuid.uuid4().hex[:8]}"
        self.mail = tmp_path / "mail"
        self.tmp = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.client = Celery("test-client", broker=REDIS)

    def start(self) -> subprocess.Popen:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
        env |= {
            "DJANGO_SETTINGS_MODULE": "ocop_portal.settings",
            "DATABASE_URL": database_url(),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": REDIS,
            "CELERY_DEFAULT_QUEUE": self.queue,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_BACKEND": "tests.faults.slow_mail.SlowFileBackend",
            "EMAIL_FILE_PATH": str(self.mail),
            "SLOW_MAIL_SECONDS": "0.04",
        }
        n = len(self.processes)
        log = open(self.tmp / f"worker{n}.log", "w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ocop_portal", "worker", "--pool=solo", "-Q", self.queue,
             "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO",
             "-n", f"{self.queue}-{n}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def log(self, n: int) -> str:
        return (self.tmp / f"worker{n}.log").read_text()

    def send(self, name: str, **kwargs):
        self.client.send_task(name, kwargs=kwargs, queue=self.queue)

    def close(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        with self.client.connection_for_write() as conn:
            conn.default_channel.client.delete(
                self.queue, f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}"
            )
        self.client.close()


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.close()


def messages(mail_dir: Path) -> list:
    found = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(message_from_string(chunk.strip()))
    return found


def count_written(mail_dir: Path) -> int:
    return sum(p.read_text().count("-" * 79) for p in mail_dir.glob("*.log")) if mail_dir.exists() else 0


def wait_for(predicate, what: str, workers: Workers, process, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker died while waiting for {what}:\n" + workers.log(len(workers.processes) - 1))
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n" + workers.log(len(workers.processes) - 1)[-4000:])


def test_a_worker_killed_mid_job_loses_nothing_and_the_redelivery_duplicates_nothing(workers):
    load_migration_data()  # after an earlier transactional test's flush
    commune = new_commune()
    officer = province_officer(commune.parent)
    issued_on = datetime.date(2026, 8, 31)
    certificates = [issue(issued_on, commune=commune) for _ in range(CERTIFICATES)]
    day = certificates[0].expires_on - datetime.timedelta(days=30)
    producers = {c.product.producer.email for c in certificates}
    assert len(producers) == CERTIFICATES

    first = workers.start()
    workers.send("evaluations.tasks.run_daily_certificate_job", on=day.isoformat())
    # Kill the worker's process group once a third of the reminders have gone out: mid-run for certain.
    wait_for(lambda: count_written(workers.mail) >= CERTIFICATES // 3, "the first e-mails", workers, first)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = count_written(workers.mail)
    pending = CertificateNotice.objects.filter(step="expiring_30", producer_notified_at__isnull=True).count()
    assert CertificateNotice.objects.filter(step="expiring_30").count() == CERTIFICATES  # steps recorded first
    assert 0 < pending < CERTIFICATES, (pending, killed_at)  # the kill did land in the middle
    assert CertificateJobRun.objects.filter(run_on=day).count() == 1

    # A new worker, and no new message: the unacknowledged one comes back after its visibility timeout.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = workers.start()
    wait_for(
        lambda: "run_daily_certificate_job" in workers.log(1) and "succeeded" in workers.log(1),
        "the redelivered job to finish",
        workers,
        second,
    )
    assert CertificateJobRun.objects.filter(run_on=day).count() == 2  # the redelivery ran the job again

    # PostgreSQL: each certificate's step recorded once, every reminder marked sent.
    notices = CertificateNotice.objects.filter(step="expiring_30")
    assert notices.count() == CERTIFICATES
    assert sorted(notices.values_list("certificate_id", flat=True)) == sorted(c.pk for c in certificates)
    assert not notices.filter(producer_notified_at__isnull=True).exists()
    assert not notices.filter(officer_notified_at__isnull=True).exists()
    assert CertificateNotice.objects.count() == CERTIFICATES  # no other step, no second row

    # The sent-mail record: one reminder per producer, one digest for the officer. A message written just before
    # the kill but not yet marked may be written again, with the same Message-ID (at most that one).
    sent = messages(workers.mail)
    to_producers = [m for m in sent if m["To"] in producers]
    by_id = {m["Message-ID"] for m in to_producers}
    assert {m["To"] for m in to_producers} == producers
    assert len(by_id) == CERTIFICATES
    assert len(to_producers) - len(by_id) <= 1, len(to_producers) - len(by_id)
    digests = [m for m in sent if m["To"] == officer.email]
    assert len(digests) == 1
    assert len(sent) == len(to_producers) + 1
