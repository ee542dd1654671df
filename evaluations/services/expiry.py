"""The daily certificate job: record the steps certificates crossed, then remind producers and officers.

Nothing here decides a certificate's status: that is computed from dates and events (``evaluations.status``,
``evaluations.rules``) whether or not this job ran. The job records *flags* (``CertificateNotice``), one per step and
certificate, and sends each step's reminder once.

Steps, due dates (E = ``expires_on``, the last day of validity; offsets come from ``rules``):

* ``rerating_window_opens``   E − 180: the producer may file the re-rating dossier from today;
* ``rerating_window_closes``  E − 120: last day of the filing window;
* ``expiring_<N>``            E − N for N in ``OCOP_EXPIRY_REMINDER_DAYS`` (90, 30, 7);
* ``extension_started``       E + 1, when on that day a re-rating filed by the expiry date is still undecided: the
  certificate stays in force until the decision, at most 180 days (QĐ 26/2026 Điều 12.3);
* ``extension_ends_soon``     E + 150: 30 days before the extension's cap, still undecided;
* ``expired``                 E + 1: the certificate lapsed (no extension);
* ``extension_ended``         the day an extended certificate lapsed (decision without a new certificate, or cap).

Recording is set-based: one ``INSERT … SELECT … ON CONFLICT (certificate, step) DO NOTHING`` per step over the
certificates whose due date lies between ``checked_from`` and the run's day, found through the ``expires_on``
index. ``checked_from`` is the date of the last finished run minus ``OCOP_STEP_RECHECK_DAYS`` (30), so a missed day,
week or month is caught up, and the cost grows with the certificates crossing a step, not with all certificates.

Sending: pending notices go through set-based skip rules (revoked or replaced, re-rating already filed, older than
``OCOP_NOTICE_CATCH_UP_DAYS`` — recorded but never sent in a flood —, overtaken by a newer step of the same
certificate), then one e-mail per producer and one digest per responsible officer, each in its own transaction with
the marks of exactly the notices it carried (pending recipients are read ``SEND_BATCH`` at a time). An SMTP error
stops the run after marking what it delivered; a hard crash (power, OOM or SIGKILL of the worker) loses nothing and
can resend at most the one message in flight, with the same Message-ID (tests/faults/test_worker_kill.py).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.utils import DNS_NAME
from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, Exists, F, OuterRef, Q, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from districts.models import Role, RoleAssignment
from evaluations import audit, rules
from evaluations.models import Certificate, CertificateJobRun, CertificateNotice, OfficerNotice
from evaluations.status import Status, status_q
from products.models import Product

logger = logging.getLogger(__name__)

Skip = CertificateNotice.Skip

WINDOW_OPENS = "rerating_window_opens"
WINDOW_CLOSES = "rerating_window_closes"
EXPIRING_PREFIX = "expiring_"
EXTENSION_STARTED = "extension_started"
EXTENSION_ENDS_SOON = "extension_ends_soon"
EXPIRED = "expired"
EXTENSION_ENDED = "extension_ended"
EXTENSION_WARNING_DAYS = 30  # extension_ends_soon: this many days before the cap

# Officers responsible for a certificate: role → the product's unit field it is matched on (as in unit_scope_q).
RESPONSIBLE_ROLES = {
    Role.PROVINCE_OFFICE: "province",
    Role.COMMUNE_OFFICER: "commune",
    Role.DISTRICT_OFFICER: "legacy_district",  # only for certificates a district council issued (legacy records)
}

PRODUCER_PENDING = Q(producer_notified_at__isnull=True, producer_skipped="")
OFFICER_PENDING = Q(officer_notified_at__isnull=True, officer_skipped="")
OFFICER_SHARE_PENDING = Q(sent_at__isnull=True, notice__officer_skipped="")  # an officer's share of a notice


# -- configuration ---------------------------------------------------------------------------------------------------
def reminder_days() -> list[int]:
    """The "expiring in N days" steps, largest first (``OCOP_EXPIRY_REMINDER_DAYS``, default 90, 30, 7)."""
    days = sorted({int(d) for d in settings.OCOP_EXPIRY_REMINDER_DAYS}, reverse=True)
    if not days or days[-1] < 1:
        raise ValueError("OCOP_EXPIRY_REMINDER_DAYS phải là các số ngày dương / must be positive day counts")
    return days


def window_offsets() -> tuple[int, int]:
    """(180, 120): how many days before expiry the re-rating window opens and closes, read off ``rules``."""
    probe = datetime.date(2001, 1, 1)
    opens, closes = rules.rerating_window(probe)
    return (probe - opens).days, (probe - closes).days


def recheck_days() -> int:
    return int(getattr(settings, "OCOP_STEP_RECHECK_DAYS", 30))


def catch_up_days() -> int:
    return int(getattr(settings, "OCOP_NOTICE_CATCH_UP_DAYS", 14))


# -- steps -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    code: str
    label: str
    before_expiry: bool  # reminders to file a re-rating: pointless once a re-rating is filed


def steps() -> list[Step]:
    """Every step in the order a certificate meets them."""
    opens, closes = window_offsets()
    result = [
        Step(WINDOW_OPENS, _("Bắt đầu thời gian nộp hồ sơ đánh giá lại"), True),
        Step(WINDOW_CLOSES, _("Ngày cuối nộp hồ sơ đánh giá lại đúng hạn"), True),
    ]
    result += [Step(f"{EXPIRING_PREFIX}{n}", _("Còn %(n)s ngày hết hạn") % {"n": n}, True) for n in reminder_days()]
    result += [
        Step(EXTENSION_STARTED, _("Hết hạn, được kéo dài hiệu lực chờ kết quả đánh giá lại"), False),
        Step(EXTENSION_ENDS_SOON, _("Còn 30 ngày hết thời gian kéo dài hiệu lực"), False),
        Step(EXPIRED, _("Đã hết hạn"), False),
        Step(EXTENSION_ENDED, _("Hết thời gian kéo dài hiệu lực"), False),
    ]
    return result


def step_label(code: str) -> str:
    for step in steps():
        if step.code == code:
            return step.label
    if code.startswith(EXPIRING_PREFIX) and code[len(EXPIRING_PREFIX) :].isdigit():
        return _("Còn %(n)s ngày hết hạn") % {"n": code[len(EXPIRING_PREFIX) :]}
    return code


def step_order(code: str) -> int:
    for index, step in enumerate(steps()):
        if step.code == code:
            return index
    return len(steps())


def pre_expiry_codes() -> list[str]:
    return [s.code for s in steps() if s.before_expiry]


def lapse_date(
    expires_on: datetime.date, rerating_filed_on: datetime.date | None, rerating_decided_on: datetime.date | None
) -> datetime.date:
    """First day ``rules.certificate_status`` says "expired" (revocation and replacement aside).

    The day after expiry, unless a re-rating filed by the expiry date is still undecided then: the extension runs
    until the decision day, at most ``LATE_RERATING_EXTENSION_DAYS`` past expiry. ``_LAPSE_SQL`` is its twin in SQL;
    tests check both against ``rules.certificate_status``.
    """
    day_after = expires_on + datetime.timedelta(days=1)
    cap = expires_on + datetime.timedelta(days=rules.LATE_RERATING_EXTENSION_DAYS + 1)
    if rerating_filed_on is not None and rerating_filed_on <= expires_on:
        decided = rerating_decided_on or cap
        if decided > day_after:
            return min(decided, cap)
    return day_after


_LAPSE_SQL = (
    'CASE WHEN "evaluations_certificate"."rerating_filed_on" <= "evaluations_certificate"."expires_on" '
    'AND COALESCE("evaluations_certificate"."rerating_decided_on", "evaluations_certificate"."expires_on" + %s) '
    '> "evaluations_certificate"."expires_on" + 1 '
    'THEN LEAST(COALESCE("evaluations_certificate"."rerating_decided_on", "evaluations_certificate"."expires_on" + %s),'
    ' "evaluations_certificate"."expires_on" + %s) '
    'ELSE "evaluations_certificate"."expires_on" + 1 END'
)


def _lapse_expression() -> RawSQL:
    cap = rules.LATE_RERATING_EXTENSION_DAYS + 1
    return RawSQL(_LAPSE_SQL, (cap, cap, cap), output_field=DateField())


def _shifted(days: int) -> RawSQL:
    """``expires_on + days`` as a date (PostgreSQL date ± integer)."""
    return RawSQL('"evaluations_certificate"."expires_on" + %s', (days,), output_field=DateField())


def _in_force(today: datetime.date):
    """Certificates neither revoked nor replaced on ``today``: the only ones whose steps matter."""
    return Certificate.objects.exclude(status_q(Status.REVOKED, today)).exclude(status_q(Status.SUPERSEDED, today))


def step_querysets(today: datetime.date, since: datetime.date) -> list[tuple[str, object, RawSQL]]:
    """(step, certificates that reached it with a due date in [since, today], due-date expression)."""
    day = datetime.timedelta(days=1)
    extension = rules.LATE_RERATING_EXTENSION_DAYS
    opens, closes = window_offsets()
    base = _in_force(today)
    result = []
    for code, before in [(WINDOW_OPENS, opens), (WINDOW_CLOSES, closes)] + [
        (f"{EXPIRING_PREFIX}{n}", n) for n in reminder_days()
    ]:
        offset = datetime.timedelta(days=before)
        result.append((code, base.filter(expires_on__range=(since + offset, today + offset)), _shifted(-before)))

    extended_now = base.filter(status_q(Status.IN_RERATING, today), expires_on__lt=today)
    result.append((EXTENSION_STARTED, extended_now.filter(expires_on__gte=since - day), _shifted(1)))
    warn = extension - EXTENSION_WARNING_DAYS
    warn_range = (since - datetime.timedelta(days=warn), today - datetime.timedelta(days=warn))
    result.append((EXTENSION_ENDS_SOON, extended_now.filter(expires_on__range=warn_range), _shifted(warn)))

    # A lapse falls 1 to extension + 1 days after expiry: the expires_on range keeps the index in use.
    lapsed = (
        base.filter(status_q(Status.EXPIRED, today))
        .filter(expires_on__range=(since - datetime.timedelta(days=extension + 1), today - day))
        .alias(lapse_on=_lapse_expression(), day_after=_shifted(1))
        .filter(lapse_on__range=(since, today))
    )
    result.append((EXPIRED, lapsed.filter(lapse_on=F("day_after")), _shifted(1)))
    result.append((EXTENSION_ENDED, lapsed.filter(lapse_on__gt=F("day_after")), _lapse_expression()))
    return result


# -- recording -------------------------------------------------------------------------------------------------------
@dataclass
class RunSummary:
    run_on: datetime.date
    checked_from: datetime.date
    dry_run: bool = False
    recorded: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    producer_emails: int = 0
    officer_emails: int = 0
    run_id: int | None = None

    @property
    def total_recorded(self) -> int:
        return sum(self.recorded.values())


def checked_from(today: datetime.date) -> datetime.date:
    """First due date a run on ``today`` looks at: the last finished run (or today) minus the recheck margin."""
    last = (
        CertificateJobRun.objects.filter(outcome=CertificateJobRun.Outcome.FINISHED, run_on__lte=today)
        .order_by("-run_on")
        .values_list("run_on", flat=True)
        .first()
    )
    return (last or today) - datetime.timedelta(days=recheck_days())


def _insert_notices(code: str, queryset, due: RawSQL, today: datetime.date, now) -> int:
    select = (
        queryset.order_by()
        .annotate(
            n_step=Value(code),
            n_due=due,
            n_run_on=Value(today, output_field=DateField()),
            n_at=Value(now, output_field=DateTimeField()),
            n_producer_skipped=Value(""),
            n_officer_skipped=Value(""),
        )
        .values_list("pk", "n_step", "n_due", "n_run_on", "n_at", "n_producer_skipped", "n_officer_skipped")
    )
    sql, params = select.query.sql_with_params()
    table = CertificateNotice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" (certificate_id, step, due_on, run_on, recorded_at, producer_skipped, '
            f"officer_skipped) {sql} ON CONFLICT (certificate_id, step) DO NOTHING",
            params,
        )
        return cursor.rowcount


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise RuntimeError(
            "Công việc hằng ngày về giấy chứng nhận cần PostgreSQL / the daily certificate job needs PostgreSQL."
        )


def record_steps(*, today: datetime.date, dry_run: bool = False, actor=None) -> RunSummary:
    """Record every step due between ``checked_from(today)`` and ``today`` (once per certificate and step).

    With ``dry_run`` everything happens inside a transaction that is rolled back, so the summary tells exactly what
    a real run would record and send; nothing is written and nothing sent.
    """
    _require_postgresql()
    since = checked_from(today)
    summary = RunSummary(run_on=today, checked_from=since, dry_run=dry_run)
    run = None
    if not dry_run:
        run = CertificateJobRun.objects.create(run_on=today, checked_from=since)
        summary.run_id = run.pk
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:  # one recorder at a time (beat and a manual run may overlap)
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ocop.certificate_job'))")
            now = timezone.now()
            for code, queryset, due in step_querysets(today, since):
                summary.recorded[code] = _insert_notices(code, queryset, due, today, now)
            if dry_run:
                summary.skipped = _skip_and_plan(today)
                summary.producer_emails = _pending_producers().count()
                summary.officer_emails = _pending_officers().count()
                transaction.set_rollback(True)
                return summary
            CertificateJobRun.objects.filter(pk=run.pk).update(
                recorded=summary.recorded, outcome=CertificateJobRun.Outcome.FINISHED, finished_at=timezone.now()
            )
            run.refresh_from_db()
            audit.record(
                actor=actor,
                action="certificate_job.recorded",
                target=run,
                after={"run_on": today.isoformat(), "checked_from": since.isoformat(), "recorded": summary.recorded},
            )
    except Exception as error:
        if run is not None:
            CertificateJobRun.objects.filter(pk=run.pk).update(
                outcome=CertificateJobRun.Outcome.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
            )
        raise
    return summary


# -- skip rules and officer planning ---------------------------------------------------------------------------------
def _certificate_is(condition: Q) -> Exists:
    """The notice's certificate matches ``condition`` (a correlated primary-key lookup, no self-join)."""
    return Exists(Certificate.objects.filter(condition, pk=OuterRef("certificate_id")))


def apply_skips(*, today: datetime.date) -> dict[str, int]:
    """Mark pending notices that must not be sent, set-based, and say how many per reason and channel."""
    counts: dict[str, int] = {}
    withdrawn = _certificate_is(status_q(Status.REVOKED, today) | Q(replaced_by__isnull=False))
    filed = Q(step__in=pre_expiry_codes()) & _certificate_is(Q(rerating_filed_on__lte=today))
    stale = Q(due_on__lt=today - datetime.timedelta(days=catch_up_days()))
    for channel, pending, column in (
        ("producer", PRODUCER_PENDING, "producer_skipped"),
        ("officer", OFFICER_PENDING, "officer_skipped"),
    ):
        for reason, condition in ((Skip.WITHDRAWN, withdrawn), (Skip.RERATING_FILED, filed), (Skip.STALE, stale)):
            counts[f"{channel}.{reason}"] = (
                CertificateNotice.objects.filter(pending).filter(condition).update(**{column: reason})
            )
        # Only the newest pending step of a certificate is sent (one window function, not a correlated lookup).
        newest_first = Window(
            RowNumber(), partition_by=F("certificate_id"), order_by=[F("due_on").desc(), F("pk").desc()]
        )
        older = CertificateNotice.objects.filter(pending).annotate(rank=newest_first).filter(rank__gt=1)
        counts[f"{channel}.{Skip.OVERTAKEN}"] = CertificateNotice.objects.filter(pk__in=older.values("pk")).update(
            **{column: Skip.OVERTAKEN}
        )
    counts[f"producer.{Skip.NO_EMAIL}"] = (
        CertificateNotice.objects.filter(PRODUCER_PENDING)
        .filter(_certificate_is(Q(product__producer__email="")))
        .update(producer_skipped=Skip.NO_EMAIL)
    )
    # Shares of officers in notices skipped since they were planned are dropped.
    skipped_since = CertificateNotice.objects.filter(pk=OuterRef("notice_id")).exclude(officer_skipped="")
    OfficerNotice.objects.filter(sent_at__isnull=True).filter(Exists(skipped_since)).delete()
    return {key: value for key, value in counts.items() if value}


def _analyze(model):
    """Refresh planner statistics of a table the job has just reshaped (samples a bounded number of rows)."""
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _analyze_after_bulk(model, rows: int):
    if rows >= ANALYZE_AFTER_ROWS:
        _analyze(model)


ANALYZE_AFTER_ROWS = 2000


def plan_officer_notices() -> int:
    """Give every pending notice to its responsible officers (set-based); notices with none are marked so.

    Returns how many notices had no officer to send to.
    """
    user_table = get_user_model()._meta.db_table
    planned = 0
    with connection.cursor() as cursor:
        for role, unit_field in RESPONSIBLE_ROLES.items():
            legacy_only = " AND c.issuing_level = 'district'" if role == Role.DISTRICT_OFFICER else ""
            cursor.execute(
                f"""
                INSERT INTO "{OfficerNotice._meta.db_table}" (notice_id, officer_id, sent_at)
                SELECT DISTINCT n.id, ra.user_id, NULL::timestamptz
                FROM "{CertificateNotice._meta.db_table}" n
                JOIN "{Certificate._meta.db_table}" c ON c.id = n.certificate_id
                JOIN "{Product._meta.db_table}" p ON p.id = c.product_id
                JOIN "{RoleAssignment._meta.db_table}" ra
                    ON ra.is_active AND ra.role = %s AND ra.unit_id = p.{Product._meta.get_field(unit_field).column}
                JOIN "{user_table}" u ON u.id = ra.user_id AND u.is_active AND u.email <> ''
                WHERE n.officer_notified_at IS NULL AND n.officer_skipped = ''{legacy_only}
                ON CONFLICT (notice_id, officer_id) DO NOTHING
                """,
                [role.value],
            )
            planned += cursor.rowcount
    _analyze_after_bulk(OfficerNotice, planned)
    return (
        CertificateNotice.objects.filter(OFFICER_PENDING)
        .exclude(Exists(OfficerNotice.objects.filter(notice=OuterRef("pk"))))
        .update(officer_skipped=Skip.NO_OFFICER)
    )


def _skip_and_plan(today: datetime.date) -> dict[str, int]:
    # The pending share of the notices swings from most of them (just recorded) to a few (after the skips and the
    # sending); fresh statistics keep PostgreSQL on the partial "pending" indexes instead of hashing every product.
    _analyze(CertificateNotice)
    skipped = apply_skips(today=today)
    _analyze(CertificateNotice)
    no_officer = plan_officer_notices()
    if no_officer:
        skipped[f"officer.{Skip.NO_OFFICER}"] = no_officer
    return skipped


def _pending_producers():
    return (
        CertificateNotice.objects.filter(PRODUCER_PENDING)
        .order_by()
        .values_list("certificate__product__producer_id", flat=True)
        .distinct()
    )


def _pending_officers():
    return (
        OfficerNotice.objects.filter(OFFICER_SHARE_PENDING).order_by().values_list("officer_id", flat=True).distinct()
    )


# -- sending ---------------------------------------------------------------------------------------------------------
def _message_id(kind: str, recipient_id: int, notice_ids) -> str:
    """The same reminder always carries the same Message-ID, so a rare resend after a crash can be deduplicated."""
    digest = hashlib.sha256(",".join(str(i) for i in sorted(notice_ids)).encode()).hexdigest()[:20]
    return f"<ocop.{kind}.{recipient_id}.{digest}@{DNS_NAME}>"


def _site_link(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def _notice_rows(notices) -> list[dict]:
    rows = []
    for notice in sorted(notices, key=lambda n: (step_order(n.step), n.certificate.expires_on, n.certificate.number)):
        cert = notice.certificate
        opens, closes = rules.rerating_window(cert.expires_on)
        rows.append(
            {
                "notice": notice,
                "step": notice.step,
                "step_label": step_label(notice.step),
                "certificate": cert,
                "product": cert.product,
                "producer": cert.product.producer,
                "window_opens": opens,
                "window_closes": closes,
                "extension_cap": cert.expires_on + datetime.timedelta(days=rules.LATE_RERATING_EXTENSION_DAYS),
                "lapse_on": lapse_date(cert.expires_on, cert.rerating_filed_on, cert.rerating_decided_on),
                "days_left": (cert.expires_on - notice.due_on).days,
            }
        )
    return rows


def build_producer_email(producer, notices) -> EmailMultiAlternatives:
    rows = _notice_rows(notices)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"producer": producer, "rows": rows, "site_url": settings.SITE_URL}
        if len(rows) == 1:
            subject = _("[OCOP] Giấy chứng nhận số %(number)s: %(step)s") % {
                "number": rows[0]["certificate"].number,
                "step": rows[0]["step_label"],
            }
        else:
            subject = _("[OCOP] Nhắc hạn %(count)s giấy chứng nhận OCOP") % {"count": len(rows)}
        message = EmailMultiAlternatives(
            subject=str(subject),
            body=render_to_string("emails/certificate_reminder_producer.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[producer.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "Message-ID": _message_id("producer", producer.pk, [n.pk for n in notices]),
            },
        )
        message.attach_alternative(render_to_string("emails/certificate_reminder_producer.html", context), "text/html")
    return message


DIGEST_ROW_LIMIT = 200  # longer digests list the first rows and link to the portal for the rest


def build_officer_digest(officer, notices, today: datetime.date) -> EmailMultiAlternatives:
    rows = _notice_rows(notices)
    groups: dict[str, dict] = {}
    for row in rows[:DIGEST_ROW_LIMIT]:
        groups.setdefault(row["step"], {"label": row["step_label"], "rows": []})["rows"].append(row)
    counts = {}
    for row in rows:
        counts[row["step"]] = counts.get(row["step"], 0) + 1
    for code, group in groups.items():
        group["count"] = counts[code]
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "officer": officer,
            "today": today,
            "groups": list(groups.values()),
            "total": len(rows),
            "hidden": max(len(rows) - DIGEST_ROW_LIMIT, 0),
            "attention_url": _site_link("certificates:attention"),
        }
        subject = _("[OCOP] Tổng hợp ngày %(day)s: %(count)s giấy chứng nhận cần chú ý") % {
            "day": today.strftime("%d/%m/%Y"),
            "count": len(rows),
        }
        message = EmailMultiAlternatives(
            subject=str(subject),
            body=render_to_string("emails/certificate_digest_officer.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[officer.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "Message-ID": _message_id("officer", officer.pk, [n.pk for n in notices]),
            },
        )
        message.attach_alternative(render_to_string("emails/certificate_digest_officer.html", context), "text/html")
    return message


SEND_BATCH = 25  # pending recipients read per query; each recipient is still committed on its own


def _count_sent(run_id: int | None, column: str, count: int):
    if run_id is not None and count:
        CertificateJobRun.objects.filter(pk=run_id).update(**{column: F(column) + count})


def _deliver(mailer, batches):
    """Send ``(key, message)`` pairs one by one; returns (sent keys, refused keys, error that stopped the batch).

    An SMTP connection error stops the batch but the messages delivered before it are still marked by the caller,
    in the same commit, so a retry never sends them again.
    """
    sent, refused = [], []
    for key, build in batches:
        try:
            mailer.send_messages([build()])
        except smtplib.SMTPRecipientsRefused:
            refused.append(key)
        except OSError as error:
            return sent, refused, error
        else:
            sent.append(key)
    return sent, refused, None


def _locked(model, rows, pending: Q) -> list:
    """The rows still pending that this sender could lock (another sender holds the rest; rows sent meanwhile no
    longer match). Only the notice table is locked and read here: the related data came with the batch."""
    ids = set(
        model.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pending, pk__in=[r.pk for r in rows])
        .values_list("pk", flat=True)
    )
    return [r for r in rows if r.pk in ids]


def _send_to_producer(mailer, producer_id: int, candidates: list) -> tuple[int, OSError | None]:
    """One producer's e-mail and the marks of the notices it carried, in one transaction."""
    with transaction.atomic():
        notices = _locked(CertificateNotice, candidates, PRODUCER_PENDING)
        if not notices:
            return 0, None
        sent, refused, error = _deliver(
            mailer, [(producer_id, lambda: build_producer_email(notices[0].certificate.product.producer, notices))]
        )
        ids = [n.pk for n in notices]
        if sent:
            CertificateNotice.objects.filter(pk__in=ids).update(producer_notified_at=timezone.now())
        if refused:
            logger.warning("producer %s: address refused, reminders not sent", producer_id)
            CertificateNotice.objects.filter(pk__in=ids).update(producer_skipped=Skip.REFUSED)
    return len(sent), error


def _send_producer_batch(mailer, producer_ids: list[int], run_id: int | None) -> int:
    """Each producer committed on its own: a crash can resend at most the one message in flight."""
    by_producer: dict[int, list] = {}
    for notice in (
        CertificateNotice.objects.filter(PRODUCER_PENDING, certificate__product__producer_id__in=producer_ids)
        .select_related("certificate__product__producer", "certificate__product__commune")
        .order_by("pk")
    ):  # the batch's notices with what the e-mails show, in one query; each producer's are locked below
        by_producer.setdefault(notice.certificate.product.producer_id, []).append(notice)
    total = 0
    try:
        for producer_id in producer_ids:
            sent, error = _send_to_producer(mailer, producer_id, by_producer.get(producer_id, []))
            total += sent
            if error is not None:
                raise error
    finally:  # the run's counter once per batch (a statistic; the marks above are what prevents a resend)
        _count_sent(run_id, "producer_emails", total)
    return total


def _send_to_officer(mailer, officer_id: int, candidates: list, today: datetime.date):
    """One officer's digest and the marks of the shares it carried, in one transaction."""
    with transaction.atomic():
        shares = _locked(OfficerNotice, candidates, OFFICER_SHARE_PENDING)
        if not shares:
            return 0, None
        sent, refused, error = _deliver(
            mailer, [(officer_id, lambda: build_officer_digest(shares[0].officer, [s.notice for s in shares], today))]
        )
        if sent:
            OfficerNotice.objects.filter(pk__in=[s.pk for s in shares]).update(sent_at=timezone.now())
        if refused:
            logger.warning("officer %s: address refused, digest not sent", officer_id)
            OfficerNotice.objects.filter(pk__in=[s.pk for s in shares]).delete()
    return len(sent), error


def _send_officer_batch(mailer, officer_ids: list[int], today: datetime.date, run_id: int | None) -> int:
    by_officer: dict[int, list] = {}
    for share in (
        OfficerNotice.objects.filter(OFFICER_SHARE_PENDING, officer_id__in=officer_ids)
        .select_related(
            "officer",
            "notice__certificate__product__producer",
            "notice__certificate__product__commune",
            "notice__certificate__product__province",
        )
        .order_by("pk")
    ):
        by_officer.setdefault(share.officer_id, []).append(share)
    total = 0
    try:
        for officer_id in officer_ids:
            sent, error = _send_to_officer(mailer, officer_id, by_officer.get(officer_id, []), today)
            total += sent
            if error is not None:
                raise error
    finally:
        _count_sent(run_id, "officer_emails", total)
    return total


def _batches(ids: list[int]):
    for start in range(0, len(ids), SEND_BATCH):
        yield ids[start : start + SEND_BATCH]


def _close_officer_notices() -> int:
    """Notices whose every officer share went out are marked as notified to officers."""
    unsent = OfficerNotice.objects.filter(notice=OuterRef("pk"), sent_at__isnull=True)
    shared = OfficerNotice.objects.filter(notice=OuterRef("pk"))
    return (
        CertificateNotice.objects.filter(OFFICER_PENDING)
        .filter(Exists(shared))
        .exclude(Exists(unsent))
        .update(officer_notified_at=timezone.now())
    )


def send_reminders(*, today: datetime.date, run_id: int | None = None) -> RunSummary:
    """Send what is pending: one e-mail per producer, one digest per officer; resumable after any failure.

    SMTP and database errors propagate (the Celery task retries with backoff); what was sent before stays marked.
    """
    _require_postgresql()
    if run_id is None:
        run_id = CertificateJobRun.objects.filter(run_on=today).order_by("-started_at").values_list("pk", flat=True)
        run_id = run_id.first()
    summary = RunSummary(run_on=today, checked_from=today, run_id=run_id)
    with transaction.atomic():
        summary.skipped = _skip_and_plan(today)
    with mailers.default as mailer:  # one SMTP connection for the whole run
        for producer_ids in _batches(sorted(_pending_producers())):
            summary.producer_emails += _send_producer_batch(mailer, producer_ids, run_id)
        for officer_ids in _batches(sorted(_pending_officers())):
            summary.officer_emails += _send_officer_batch(mailer, officer_ids, today, run_id)
    _close_officer_notices()
    return summary


def run_daily(*, today: datetime.date, dry_run: bool = False, actor=None) -> RunSummary:
    """Record, then send (what the management command and the tests run; the Celery tasks split the two)."""
    summary = record_steps(today=today, dry_run=dry_run, actor=actor)
    if dry_run:
        return summary
    sent = send_reminders(today=today, run_id=summary.run_id)
    summary.skipped = sent.skipped
    summary.producer_emails = sent.producer_emails
    summary.officer_emails = sent.officer_emails
    return summary
