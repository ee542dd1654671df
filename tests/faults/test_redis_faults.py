"""Redis unreachable: the site keeps answering, a task dispatch fails soft, and the work is done by the next run.

gunicorn runs with ``REDIS_URL`` pointing at a closed port (broker, result store and throttle counters all gone).
Public pages and the API answer; a national officer logs in and asks for the pending reminders to be sent now
(``evaluations.views_certificates.send_reminders_now`` → ``tasks.enqueue_safely``): the page says the queue is
unreachable, nothing fails, nothing is sent. The pending reminders are rows in PostgreSQL (``CertificateNotice``
without ``producer_notified_at``): that is the record the next daily run works from, so running the job afterwards
sends exactly that reminder, once.
"""

import datetime
import os
import re
import subprocess
import sys
import time

import pytest
import requests
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from evaluations import rules
from evaluations.models import CertificateNotice
from evaluations.services import expiry
from tests.evaluations.expiry_helpers import issue, load_migration_data, new_commune
from tests.factories import UserFactory
from tests.faults.conftest import ROOT, database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "mat-khau-thu-nghiem-123"


@pytest.fixture
def gunicorn_without_redis(tmp_path):
    closed = free_port()  # nothing listens there
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",) and not k.startswith("EMAIL_")
    }
    env |= {
        "DATABASE_URL": database_url(),
        "DEBUG": "1",
        "REDIS_URL": f"redis://127.0.0.1:{closed}/0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "AXES_ENABLED": "1",
    }
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ocop_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/healthz/", timeout=5)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text())
                time.sleep(0.2)
        yield {"base": base, "log": tmp_path / "gunicorn.log", "mail": tmp_path / "mail"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def login(session: requests.Session, base: str, username: str) -> None:
    page = session.get(base + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = session.post(
        base + "/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]


def csrf_of(session: requests.Session, page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def test_site_answers_without_redis_and_the_next_run_sends_what_the_dispatch_could_not(gunicorn_without_redis):
    load_migration_data()
    base = gunicorn_without_redis["base"]
    today = timezone.localdate()
    expires = today + datetime.timedelta(days=30)
    certificate = issue(rules.add_months(expires, -36), commune=new_commune())
    assert certificate.expires_on == expires
    expiry.record_steps(today=today)  # the step is recorded; its reminder waits to be sent
    notice = CertificateNotice.objects.get(certificate=certificate, step="expiring_30")
    assert notice.producer_notified_at is None
    officer = UserFactory(username="tw_trunguong")
    from districts.models import RoleAssignment

    RoleAssignment.objects.create(user=officer, role="central_office", unit=None)

    # Public pages, the API (its throttle counters live in Redis) and the health check.
    for path in ("/", "/san-pham/", "/api/v1/products/", "/api/v1/certificates/", "/thong-ke/", "/healthz/"):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])

    # An officer logs in and asks for the reminders to be sent now: the dispatch to the queue fails soft.
    session = requests.Session()
    login(session, base, officer.username)
    page = session.get(base + "/can-bo/giay-chung-nhan/", timeout=10)
    assert page.status_code == 200
    response = session.post(
        base + "/can-bo/giay-chung-nhan/gui-nhac-han/",
        {"csrfmiddlewaretoken": csrf_of(session, page)},
        allow_redirects=False,
        timeout=20,
    )
    assert response.status_code == 302, response.text[:2000]
    followed = session.get(base + response.headers["Location"], timeout=10)
    assert followed.status_code == 200
    assert "Hàng đợi công việc tạm thời không truy cập được" in followed.text
    log = gunicorn_without_redis["log"].read_text()
    assert "could not queue evaluations.tasks.send_certificate_reminders" in log
    assert "Internal Server Error" not in log  # the throttle's logged warnings carry tracebacks; no request failed
    # Nothing was sent, and the reminder is still pending in PostgreSQL: that is what the next run works from.
    notice.refresh_from_db()
    assert notice.producer_notified_at is None
    assert not gunicorn_without_redis["mail"].exists() or not list(gunicorn_without_redis["mail"].iterdir())

    # The next daily run (beat, or the command an operator runs) sends it, once; a further run sends nothing.
    mail.outbox.clear()
    call_command("run_certificate_jobs", stdout=open(os.devnull, "w"))
    notice.refresh_from_db()
    assert notice.producer_notified_at is not None
    to_producer = [m for m in mail.outbox if certificate.product.producer.email in m.to]
    assert len(to_producer) == 1 and certificate.number in to_producer[0].body
    call_command("run_certificate_jobs", stdout=open(os.devnull, "w"))
    assert len([m for m in mail.outbox if certificate.product.producer.email in m.to]) == 1
