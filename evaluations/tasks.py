"""Celery tasks of the evaluations app: thin, idempotent, acknowledged late, retried with backoff.

``run_daily_certificate_job`` (beat, 02:00 Asia/Ho_Chi_Minh) records the steps certificates crossed, then sends the
reminders; ``send_certificate_reminders`` sends only (officers may queue it from the portal). Both can run any number
of times for the same day: the steps are recorded once (unique constraint) and only unsent reminders are sent.
"""

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from evaluations.services import expiry

logger = logging.getLogger(__name__)

# SMTP errors are OSErrors (smtplib.SMTPException, refused or reset connections, timeouts).
RETRY_ON = (OSError, OperationalError, InterfaceError)
RETRY_POLICY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 60,  # 1, 2, 4, 8 … minutes
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,  # CertificateJobRun keeps what each run did
}


def _day(on: str | None) -> datetime.date:
    return datetime.date.fromisoformat(on) if on else timezone.localdate()


@shared_task(name="evaluations.tasks.run_daily_certificate_job", **RETRY_POLICY)
def run_daily_certificate_job(on: str | None = None) -> dict:
    """Record the day's steps (``on``: ISO date, default today in Asia/Ho_Chi_Minh), then send the reminders.

    A retry after an SMTP or database error runs both again: recording is idempotent and cheap, sending resumes.
    """
    summary = expiry.run_daily(today=_day(on))
    return {
        "run_on": summary.run_on.isoformat(),
        "recorded": summary.recorded,
        "producer_emails": summary.producer_emails,
        "officer_emails": summary.officer_emails,
    }


@shared_task(name="evaluations.tasks.send_certificate_reminders", **RETRY_POLICY)
def send_certificate_reminders(on: str | None = None, run_id: int | None = None) -> dict:
    """Send the pending producer e-mails and officer digests; a retry sends only what is still unsent."""
    summary = expiry.send_reminders(today=_day(on), run_id=run_id)
    return {"producer_emails": summary.producer_emails, "officer_emails": summary.officer_emails}


def enqueue_safely(task, **kwargs) -> bool:
    """Queue ``task``; when the broker (Redis) is unreachable, log and return False instead of failing the caller.

    The website never depends on the queue: statuses are computed, and the next daily run catches up on whatever a
    lost message would have done. From inside a transaction, call it through ``transaction.on_commit``.
    """
    try:
        task.apply_async(kwargs=kwargs, retry=False)
    except Exception as error:  # kombu / redis connection errors (and, in eager mode, the task's own failure)
        logger.warning("could not queue %s: %r", task.name, error)
        return False
    return True
