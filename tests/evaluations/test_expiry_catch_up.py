"""Missed days are caught up; old steps are recorded but never sent in a flood; one e-mail per certificate per run."""

import datetime

import pytest

from evaluations.models import CertificateNotice
from evaluations.services import expiry
from tests.evaluations.expiry_helpers import D, issue, producer_mails, run, steps_of

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 8, 31)
EXPIRES = datetime.date(2029, 8, 31)
Skip = CertificateNotice.Skip


def test_missed_days_are_caught_up_by_the_next_run(mailoutbox):
    cert = issue(ISSUED)
    run(EXPIRES - D(days=40))
    # The job does not run for a week (Redis down, say); expiring_30 fell in the gap.
    summary = run(EXPIRES - D(days=26))
    assert summary.checked_from == EXPIRES - D(days=70)  # the last finished run minus the 30-day margin
    notice = steps_of(cert)["expiring_30"]
    assert notice.due_on == EXPIRES - D(days=30) and notice.run_on == EXPIRES - D(days=26)
    assert len(producer_mails(mailoutbox, cert)) == 1


def test_after_a_long_outage_old_steps_are_recorded_without_an_email(mailoutbox, settings):
    settings.OCOP_NOTICE_CATCH_UP_DAYS = 14
    cert = issue(ISSUED)
    other = issue(ISSUED + D(days=20))  # its expiring_30 falls 10 days before the run below
    run(EXPIRES - D(days=60))
    summary = run(EXPIRES - D(days=10))  # 50 days without a run
    assert summary.checked_from == EXPIRES - D(days=90)
    notice = steps_of(cert)["expiring_30"]  # due 20 days before the run: too old to e-mail
    assert notice.producer_skipped == Skip.STALE and notice.producer_notified_at is None
    assert notice.officer_skipped == Skip.STALE
    assert steps_of(other)["expiring_30"].producer_notified_at is not None

    def thirty_days(c):
        return [m for m in producer_mails(mailoutbox, c) if "Còn 30 ngày" in m.subject]

    assert (len(thirty_days(cert)), len(thirty_days(other))) == (0, 1)


def test_the_first_run_ever_looks_back_30_days_and_does_not_flood(mailoutbox):
    long_ago = issue(ISSUED - D(days=100))  # its window opened long before the portal watched
    recent = issue(ISSUED - D(days=20))
    today_ = issue(ISSUED - D(days=3))
    day = EXPIRES - D(days=180)
    summary = run(day)
    assert summary.checked_from == day - D(days=30)
    assert expiry.WINDOW_OPENS not in steps_of(long_ago)
    assert steps_of(recent)[expiry.WINDOW_OPENS].producer_skipped == Skip.STALE
    assert steps_of(today_)[expiry.WINDOW_OPENS].producer_notified_at is not None
    assert [len(producer_mails(mailoutbox, c)) for c in (recent, today_)] == [0, 1]
    # What did fall in the 30 days before the first run is caught: long_ago's expiring_90, 10 days ago.
    (mail,) = producer_mails(mailoutbox, long_ago)
    assert "Còn 90 ngày hết hạn" in mail.subject


def test_a_newer_step_overtakes_an_unsent_older_one(mailoutbox):
    cert = issue(ISSUED)
    # First run on the day after expiry: expiring_7 (8 days ago) and expired are both due; one e-mail only.
    run(EXPIRES + D(days=1))
    notices = steps_of(cert)
    assert notices["expiring_7"].producer_skipped == Skip.OVERTAKEN
    assert notices[expiry.EXPIRED].producer_notified_at is not None
    (mail,) = producer_mails(mailoutbox, cert)
    assert "Đã hết hạn" in mail.subject


def test_reminders_to_file_stop_once_a_rerating_is_filed(mailoutbox):
    cert = issue(ISSUED, rerating_filed_on=EXPIRES - D(days=150))
    run(EXPIRES - D(days=120))
    notice = steps_of(cert)[expiry.WINDOW_CLOSES]
    assert (notice.producer_skipped, notice.officer_skipped) == (Skip.RERATING_FILED, Skip.RERATING_FILED)
    assert producer_mails(mailoutbox, cert) == []


def test_a_revocation_between_recording_and_sending_withdraws_the_reminder(mailoutbox):
    from tests.factories import RevocationFactory

    cert = issue(ISSUED)
    expiry.record_steps(today=EXPIRES - D(days=30))
    RevocationFactory(certificate=cert, revoked_on=EXPIRES - D(days=31))
    expiry.send_reminders(today=EXPIRES - D(days=30))
    assert steps_of(cert)["expiring_30"].producer_skipped == Skip.WITHDRAWN
    assert mailoutbox == []


def test_a_producer_without_email_is_marked_and_not_retried(mailoutbox):
    cert = issue(ISSUED, email="")
    run(EXPIRES - D(days=30))
    run(EXPIRES - D(days=30))
    notice = steps_of(cert)["expiring_30"]
    assert notice.producer_skipped == Skip.NO_EMAIL
    assert producer_mails(mailoutbox) == []


def test_dry_run_says_what_would_happen_and_changes_nothing(mailoutbox):
    for _ in range(3):
        issue(ISSUED)
    issue(ISSUED, email="")
    preview = run(EXPIRES - D(days=30), dry_run=True)
    assert preview.recorded["expiring_30"] == 4
    assert preview.producer_emails == 3
    assert preview.skipped == {"producer.no_email": 1, "officer.no_officer": 4}
    assert CertificateNotice.objects.count() == 0 and mailoutbox == []
    real = run(EXPIRES - D(days=30))
    assert real.recorded == preview.recorded and real.producer_emails == preview.producer_emails
