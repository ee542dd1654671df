"""The daily certificate job's recording step over the scale data: run on consecutive days (each item is the next
day, so every run after the first is a steady-state daily run), through ``expiry.record_steps`` and as hand-written
``INSERT … SELECT … ON CONFLICT DO NOTHING`` statements into a temporary copy of the notices table (same unique
constraint and indexes). The plain side must record exactly as many steps as the service on each day.

The rest of the job (skip rules, officer planning, composing and sending e-mails) and the 1,000,000-certificate
data set stay in ``bench/expiry/run.py``: sending is dominated by building MIME messages, which has no SQL twin, and
that script builds its own data relative to the day it runs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from bench.harness import Item, Scenario

# NOT EXISTS rather than a LEFT JOIN: with the lapse conditions the planner expects one row and would loop over the
# revocations for each certificate (seconds instead of milliseconds).
IN_FORCE = (
    "c.replaced_by_id IS NULL AND NOT EXISTS (SELECT 1 FROM evaluations_revocation rv "
    "WHERE rv.certificate_id = c.id AND rv.revoked_on <= %(today)s)"
)
PENDING = (
    "c.rerating_filed_on <= %(today)s AND (c.rerating_decided_on IS NULL OR c.rerating_decided_on > %(today)s) "
    "AND (c.expires_on >= %(today)s OR (c.rerating_filed_on <= c.expires_on AND c.expires_on >= %(grace)s))"
)
LAPSE = (
    "CASE WHEN c.rerating_filed_on <= c.expires_on AND COALESCE(c.rerating_decided_on, c.expires_on + %(cap)s) "
    "> c.expires_on + 1 THEN LEAST(COALESCE(c.rerating_decided_on, c.expires_on + %(cap)s), c.expires_on + %(cap)s) "
    "ELSE c.expires_on + 1 END"
)
INSERT = """
INSERT INTO bench_notice (certificate_id, step, due_on, run_on, recorded_at, producer_skipped, officer_skipped)
SELECT c.id, %(step)s, {due}, %(today)s, now(), '', ''
FROM evaluations_certificate c
WHERE {IN_FORCE} AND {where}
ON CONFLICT (certificate_id, step) DO NOTHING
"""


def step_statements():
    """(step code, due-date expression, condition) for every step, as evaluations.services.expiry defines them."""
    from evaluations.services import expiry

    opens, closes = expiry.window_offsets()
    result = [
        (code, f"c.expires_on - {before}", f"c.expires_on BETWEEN %(since)s + {before} AND %(today)s + {before}")
        for code, before in [(expiry.WINDOW_OPENS, opens), (expiry.WINDOW_CLOSES, closes)]
        + [(f"{expiry.EXPIRING_PREFIX}{n}", n) for n in expiry.reminder_days()]
    ]
    extended = f"{PENDING} AND c.expires_on < %(today)s"
    result.append((expiry.EXTENSION_STARTED, "c.expires_on + 1", f"{extended} AND c.expires_on >= %(since)s - 1"))
    result.append(
        (expiry.EXTENSION_ENDS_SOON, "c.expires_on + %(warn)s",
         f"{extended} AND c.expires_on BETWEEN %(since)s - %(warn)s AND %(today)s - %(warn)s")
    )  # fmt: skip
    # Lapsed today (not pending, not in force any more): the day after expiry, or at the end of an extension.
    # NULL-safe NOTs: no re-rating filed leaves the conditions unknown, which means "no".
    not_pending = f"NOT COALESCE({PENDING}, false)"
    extends = "c.rerating_filed_on <= c.expires_on AND COALESCE(c.rerating_decided_on, c.expires_on + %(cap)s) > c.expires_on + 1"
    result.append(
        (expiry.EXPIRED, "c.expires_on + 1",
         f"{not_pending} AND NOT COALESCE({extends}, false) AND c.expires_on BETWEEN %(since)s - 1 AND %(today)s - 1")
    )  # fmt: skip
    result.append(
        (expiry.EXTENSION_ENDED, LAPSE,
         f"{not_pending} AND {extends} AND c.expires_on BETWEEN %(since)s - %(cap)s AND %(today)s - 1 "
         f"AND {LAPSE} BETWEEN %(since)s AND %(today)s")
    )  # fmt: skip
    return result


@dataclass
class Done:
    """What the service returned, in the shape the harness reads (a status code)."""

    summary: object
    status_code: int = 200


@dataclass
class DailyRun(Item):
    day: datetime.date = None
    since: datetime.date = None
    scenario: object = None
    recorded: int | None = None

    def portal(self, clients):
        from evaluations.services import expiry

        summary = expiry.record_steps(today=self.day)
        self.scenario.run_ids.append(summary.run_id)
        self.recorded = summary.total_recorded
        return Done(summary)

    def check(self, response):
        from evaluations.models import CertificateJobRun

        return CertificateJobRun.objects.get(pk=response.summary.run_id).outcome == CertificateJobRun.Outcome.FINISHED

    def plain(self, cursor):
        from evaluations import rules

        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_notice (LIKE evaluations_certificatenotice INCLUDING ALL)"
        )
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ocop.certificate_job.bench'))")
        extension = rules.LATE_RERATING_EXTENSION_DAYS
        params = {"today": self.day, "since": self.since, "grace": self.day - datetime.timedelta(days=extension),
                  "cap": extension + 1, "warn": extension - 30}  # fmt: skip
        total = 0
        for step, due, where in step_statements():
            cursor.execute(INSERT.format(due=due, where=where, IN_FORCE=IN_FORCE), {**params, "step": step})
            total += cursor.rowcount
        return [total] if total == self.recorded else None  # the same steps as the service, or a failure


class ExpiryDaily(Scenario):
    name = "expiry-record"
    description = "the daily job's recording of certificate steps, one run per consecutive day from today"
    max_queries = 25
    default_requests = 30

    def prepare(self, rng, count):
        from evaluations.status import today

        self.start = today()
        self.run_ids = []

    def items(self, rng):
        from evaluations.services import expiry

        day = self.start
        while True:
            yield DailyRun(f"record {day}", day=day, since=expiry.checked_from(day), scenario=self)
            day += datetime.timedelta(days=1)

    def cleanup(self):
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        from evaluations.models import AuditEntry, CertificateJobRun, CertificateNotice

        with transaction.atomic():
            runs = CertificateJobRun.objects.filter(pk__in=self.run_ids)
            days = list(runs.values_list("run_on", flat=True))
            CertificateNotice.objects.filter(run_on__in=days, producer_notified_at__isnull=True,
                                             officer_notified_at__isnull=True).delete()  # fmt: skip
            AuditEntry.objects.filter(
                target_type=ContentType.objects.get_for_model(CertificateJobRun),
                target_id__in=[str(pk) for pk in self.run_ids],
            ).delete()
            runs.delete()


EXPIRY = [ExpiryDaily()]
