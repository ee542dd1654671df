"""Certificate status computed from dates and events, in Python and as a database expression.

Never stored: a certificate can never show "valid" after its expiry date because nothing has to run for the status to
change. Order matters (first match wins): revoked, superseded, pending re-rating (with the late-filing extension of at
most 180 days past expiry), expired, expiring (within ``OCOP_EXPIRING_DAYS`` of expiry), valid.
"""

import datetime

from django.conf import settings
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules

EXTENSION_DAYS = rules.LATE_RERATING_EXTENSION_DAYS


class Status:
    VALID = "valid"
    EXPIRING = "expiring"
    IN_RERATING = "in_rerating"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"

    LABELS = {
        VALID: _("Còn hiệu lực"),
        EXPIRING: _("Sắp hết hạn"),
        IN_RERATING: _("Đang đánh giá lại"),
        EXPIRED: _("Hết hạn"),
        REVOKED: _("Đã thu hồi"),
        SUPERSEDED: _("Đã được thay thế"),
    }
    # Statuses under which the product may use the OCOP mark.
    ACTIVE = (VALID, EXPIRING, IN_RERATING)
    CHOICES = list(LABELS.items())


def today() -> datetime.date:
    return timezone.localdate()


def expiring_days() -> int:
    return getattr(settings, "OCOP_EXPIRING_DAYS", max(settings.OCOP_EXPIRY_REMINDER_DAYS))


def compute_status(
    *,
    issued_on: datetime.date | None = None,
    expires_on: datetime.date,
    on: datetime.date,
    revoked_on: datetime.date | None = None,
    superseded: bool = False,
    rerating_filed_on: datetime.date | None = None,
    rerating_decided_on: datetime.date | None = None,
    warn_days: int | None = None,
) -> str:
    """The pure rule (``rules.certificate_status``) plus the portal's own "superseded" state."""
    if revoked_on is not None and revoked_on <= on:
        return Status.REVOKED
    if superseded:
        return Status.SUPERSEDED
    return rules.certificate_status(
        issued_on=min(issued_on or on, on),
        expires_on=expires_on,
        today=on,
        rerating_filed_on=rerating_filed_on,
        rerating_decided_on=rerating_decided_on,
        expiring_days=expiring_days() if warn_days is None else warn_days,
    )


def certificate_status(certificate, on: datetime.date | None = None) -> str:
    revocation = getattr(certificate, "revocation", None) if _has_revocation(certificate) else None
    return compute_status(
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        on=on or today(),
        revoked_on=revocation.revoked_on if revocation else None,
        superseded=certificate.replaced_by_id is not None,
        rerating_filed_on=certificate.rerating_filed_on,
        rerating_decided_on=certificate.rerating_decided_on,
    )


def _has_revocation(certificate) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return certificate.revocation is not None
    except ObjectDoesNotExist:
        return False


def status_q(status: str, on: datetime.date | None = None, prefix: str = "") -> Q:
    """A filter matching certificates (reached through ``prefix``) that have ``status`` on the given day."""
    on = on or today()
    p = prefix
    revoked = Q(**{f"{p}revocation__revoked_on__lte": on})
    superseded = Q(**{f"{p}replaced_by__isnull": False})
    filed_undecided = Q(**{f"{p}rerating_filed_on__lte": on}) & (
        Q(**{f"{p}rerating_decided_on__isnull": True}) | Q(**{f"{p}rerating_decided_on__gt": on})
    )
    # Before expiry any pending re-rating counts; after it only one filed by the expiry date, for 180 days at most.
    pending = filed_undecided & (
        Q(**{f"{p}expires_on__gte": on})
        | (
            Q(**{f"{p}rerating_filed_on__lte": F(f"{p}expires_on")})
            & Q(**{f"{p}expires_on__gte": on - datetime.timedelta(days=EXTENSION_DAYS)})
        )
    )
    expired = Q(**{f"{p}expires_on__lt": on})
    expiring = Q(**{f"{p}expires_on__lte": on + datetime.timedelta(days=expiring_days())})
    ladder = [
        (Status.REVOKED, revoked),
        (Status.SUPERSEDED, superseded),
        (Status.IN_RERATING, pending),
        (Status.EXPIRED, expired),
        (Status.EXPIRING, expiring),
        (Status.VALID, Q()),
    ]
    result, earlier = None, Q()
    for name, condition in ladder:
        if name == status:
            result = condition & ~earlier if earlier.children else condition
            break
        earlier = earlier | condition if earlier.children else condition
    if result is None:
        raise ValueError(f"Unknown certificate status {status!r}")
    return result


def status_annotation(on: datetime.date | None = None, prefix: str = "") -> Case:
    """``.annotate(status=status_annotation())`` on a Certificate queryset (or through ``prefix``)."""
    on = on or today()
    names = [Status.REVOKED, Status.SUPERSEDED, Status.IN_RERATING, Status.EXPIRED, Status.EXPIRING]
    return Case(
        *[When(status_q(n, on, prefix), then=Value(n)) for n in names],
        default=Value(Status.VALID),
        output_field=CharField(),
    )
