"""Each step is sent once per certificate, whatever the number of runs; a crash half way resends nothing, misses nothing."""

import datetime
from collections import Counter

import pytest
from django.db import OperationalError

from evaluations.models import AuditEntry, CertificateJobRun, CertificateNotice
from evaluations.services import expiry
from evaluations.tasks import run_daily_certificate_job, send_certificate_reminders
from ocop_portal.celery import app as celery_app
from tests.evaluations.expiry_helpers import (
    D,
    commune_officer,
    issue,
    new_commune,
    officer_mails,
    producer_mails,
    province_officer,
    run,
    use_flaky_mailer,
)

pytestmark = pytest.mark.django_db

EXPIRES = datetime.date(2029, 8, 31)  # certificates issued 31/8/2026
ISSUED = datetime.date(2026, 8, 31)
DAY = EXPIRES - D(days=30)  # expiring_30 is due for every certificate below


@pytest.fixture
def province_with_certificates():
    commune = new_commune()
    province = commune.parent
    certs = [issue(ISSUED, commune=commune) for _ in range(5)]
    return province, commune, certs


def test_two_runs_send_one_set_of_emails(province_with_certificates, mailoutbox):
    province, commune, certs = province_with_certificates
    officer = province_officer(province)
    first = run(DAY)
    assert first.recorded["expiring_30"] == 5
    assert (first.producer_emails, first.officer_emails) == (5, 1)
    sent = len(mailoutbox)
    second = run(DAY)
    assert second.total_recorded == 0
    assert (second.producer_emails, second.officer_emails) == (0, 0)
    run(DAY + D(days=1))
    assert len(mailoutbox) == sent == 6
    assert len(officer_mails(mailoutbox, officer)) == 1
    assert all(len(producer_mails(mailoutbox, c)) == 1 for c in certs)
    assert CertificateNotice.objects.filter(step="expiring_30").count() == 5
    assert not CertificateNotice.objects.filter(producer_notified_at__isnull=True, producer_skipped="").exists()
    assert not CertificateNotice.objects.filter(officer_notified_at__isnull=True, officer_skipped="").exists()


def test_a_run_that_crashes_half_way_resends_nothing_and_misses_nothing(
    province_with_certificates, mailoutbox, settings
):
    province, commune, certs = province_with_certificates
    officer = province_officer(province)
    use_flaky_mailer(settings, allow=2, failures=1)  # the SMTP connection drops after two messages
    with pytest.raises(OSError):
        run(DAY)
    assert len(mailoutbox) == 2
    marked = CertificateNotice.objects.filter(producer_notified_at__isnull=False)
    assert marked.count() == 2  # exactly the two delivered, committed
    assert {c.number for c in certs if producer_mails(mailoutbox, c)} == set(
        marked.values_list("certificate__number", flat=True)
    )
    run(DAY)  # the retry
    per_certificate = Counter(c.number for c in certs for _ in producer_mails(mailoutbox, c))
    assert per_certificate == Counter({c.number: 1 for c in certs})
    assert len(officer_mails(mailoutbox, officer)) == 1
    assert len(mailoutbox) == 6


def test_a_digest_failure_for_one_officer_does_not_resend_to_the_others(
    province_with_certificates, mailoutbox, settings
):
    province, commune, certs = province_with_certificates
    officers = [province_officer(province) for _ in range(3)]
    use_flaky_mailer(settings, allow=5 + 1, failures=1)  # 5 producers, 1st digest, then the connection drops
    with pytest.raises(OSError):
        run(DAY)
    assert len(officer_mails(mailoutbox)) == 1
    run(DAY)
    assert [len(officer_mails(mailoutbox, o)) for o in officers] == [1, 1, 1]
    notices = CertificateNotice.objects.filter(step="expiring_30")
    assert all(n.officer_notified_at is not None for n in notices)


def test_a_crash_while_recording_leaves_nothing_half_recorded(province_with_certificates, mailoutbox, monkeypatch):
    province, commune, certs = province_with_certificates
    real_insert = expiry._insert_notices
    calls = []

    def failing_insert(code, *args, **kwargs):
        calls.append(code)
        if len(calls) == 4:
            raise OperationalError("server closed the connection unexpectedly")
        return real_insert(code, *args, **kwargs)

    monkeypatch.setattr(expiry, "_insert_notices", failing_insert)
    with pytest.raises(OperationalError):
        run(DAY)
    assert CertificateNotice.objects.count() == 0
    failed = CertificateJobRun.objects.get()
    assert failed.outcome == CertificateJobRun.Outcome.FAILED and "server closed" in failed.error
    assert mailoutbox == []
    monkeypatch.setattr(expiry, "_insert_notices", real_insert)
    summary = run(DAY)
    assert summary.recorded["expiring_30"] == 5 and summary.producer_emails == 5
    # The failed run does not count as "last finished": the next run still looks back from its own day.
    assert summary.checked_from == DAY - D(days=30)
    assert AuditEntry.objects.filter(action="certificate_job.recorded").count() == 1


def test_the_celery_task_retries_smtp_errors_and_sends_each_reminder_once(
    province_with_certificates, mailoutbox, settings, monkeypatch
):
    province, commune, certs = province_with_certificates
    commune_officer(commune)
    use_flaky_mailer(settings, allow=1, failures=2)
    # Eager mode re-runs the task at once on each retry (the worker test covers the real queue).
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    result = run_daily_certificate_job.apply(kwargs={"on": DAY.isoformat()})
    assert result.successful(), result.traceback
    assert len(producer_mails(mailoutbox)) == 5
    assert len(officer_mails(mailoutbox)) == 1
    assert len({m.to[0] for m in producer_mails(mailoutbox)}) == 5
    runs = CertificateJobRun.objects.filter(run_on=DAY)
    assert runs.count() == 3  # the first try and two retries, each recorded
    assert sum(r.producer_emails for r in runs) == 5


def test_tasks_are_acknowledged_late_and_back_off():
    for task in (run_daily_certificate_job, send_certificate_reminders):
        assert task.acks_late and task.reject_on_worker_lost
        assert OSError in task.autoretry_for and OperationalError in task.autoretry_for
        assert task.retry_backoff and task.retry_jitter and task.max_retries >= 5


def test_a_refused_address_is_skipped_without_blocking_the_others(province_with_certificates, mailoutbox, settings):
    province, commune, certs = province_with_certificates
    bad = certs[0].product.producer
    use_flaky_mailer(settings, allow=100, failures=0, refuse=[bad.email])
    summary = run(DAY)
    assert summary.producer_emails == 4
    notice = CertificateNotice.objects.get(certificate=certs[0])
    assert notice.producer_skipped == CertificateNotice.Skip.REFUSED
    run(DAY)
    assert len(producer_mails(mailoutbox)) == 4


def test_the_same_reminder_carries_the_same_message_id(province_with_certificates, mailoutbox, settings):
    """If a commit is lost after SMTP accepted a message, the resend can be deduplicated by mail servers."""
    province, commune, certs = province_with_certificates
    summary = expiry.record_steps(today=DAY)
    notices = list(CertificateNotice.objects.filter(certificate=certs[0]).select_related("certificate__product"))
    producer = certs[0].product.producer
    first = expiry.build_producer_email(producer, notices)
    again = expiry.build_producer_email(producer, notices)
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Auto-Submitted"] == "auto-generated"
    assert summary.run_id
