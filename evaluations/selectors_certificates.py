"""Reads for the officer certificate lists (needs attention, expiring within N days, in re-rating window).

Everything is computed from dates and events on the day asked for (``status.today()`` by default): the lists are
right whether or not the daily job ran. The job's notices only add "last reminder" columns.
"""

import datetime

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from districts.models import AdminUnit, Level, Role, Structure
from districts.selectors import active_roles, is_national, unit_scope_q
from evaluations import rules
from evaluations.models import Certificate, CertificateJobRun, CertificateNotice
from evaluations.services.expiry import window_offsets
from evaluations.status import Status, status_annotation, status_q, today

OFFICER_ROLES = (
    Role.COMMUNE_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.PROVINCE_OFFICE,
    Role.CENTRAL_OFFICE,
    Role.ADMINISTRATOR,
)
RECENT_DAYS = 30  # "recently expired": lapsed within this many days


def is_officer(user) -> bool:
    """Officers of a unit, the central office, administrators and superusers see the certificate lists."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(r.role in OFFICER_ROLES for r in active_roles(user))


class Attention:
    """What an officer should act on, most urgent first; each certificate falls in at most one."""

    EXTENDED = "extended"
    LATE = "late"
    WINDOW = "window"
    EXPIRED = "expired"

    LABELS = {
        EXTENDED: _("Đã hết hạn, đang kéo dài hiệu lực chờ kết quả đánh giá lại"),
        LATE: _("Quá thời gian nộp đánh giá lại, chưa nộp, sắp hết hạn"),
        WINDOW: _("Trong thời gian nộp hồ sơ đánh giá lại, chưa nộp"),
        EXPIRED: _("Hết hiệu lực trong 30 ngày qua"),
    }
    CHOICES = list(LABELS.items())


def in_force_q(on: datetime.date) -> Q:
    """Neither revoked nor replaced on ``on``."""
    return ~status_q(Status.REVOKED, on) & ~Q(replaced_by__isnull=False)


def not_filed_q(on: datetime.date) -> Q:
    return Q(rerating_filed_on__isnull=True) | Q(rerating_filed_on__gt=on)


def expiring_within_q(days: int, on: datetime.date) -> Q:
    """Still valid today and expiring within ``days`` days (the expiry day included)."""
    return in_force_q(on) & Q(expires_on__range=(on, on + datetime.timedelta(days=days)))


def in_rerating_window_q(on: datetime.date) -> Q:
    """Today lies in ``rules.rerating_window`` of the certificate (180 to 120 days before expiry, inclusive)."""
    opens, closes = window_offsets()
    return in_force_q(on) & Q(
        expires_on__range=(on + datetime.timedelta(days=closes), on + datetime.timedelta(days=opens))
    )


def attention_q(category: str, on: datetime.date) -> Q:
    opens, closes = window_offsets()
    extension = rules.LATE_RERATING_EXTENSION_DAYS
    if category == Attention.EXTENDED:
        return status_q(Status.IN_RERATING, on) & Q(expires_on__lt=on)
    if category == Attention.LATE:
        window_closed = Q(expires_on__range=(on, on + datetime.timedelta(days=closes - 1)))
        return in_force_q(on) & window_closed & not_filed_q(on)
    if category == Attention.WINDOW:
        return in_rerating_window_q(on) & not_filed_q(on)
    if category == Attention.EXPIRED:
        # Lapsed within RECENT_DAYS: the day after expiry, the decision day, or the extension's cap (ORM only).
        recent = on - datetime.timedelta(days=RECENT_DAYS)
        filed_in_time = Q(rerating_filed_on__isnull=False) & Q(rerating_filed_on__lte=F("expires_on"))
        return status_q(Status.EXPIRED, on) & (
            Q(expires_on__gte=recent - datetime.timedelta(days=1))
            | (filed_in_time & Q(rerating_decided_on__gte=recent))
            | (
                filed_in_time
                & Q(rerating_decided_on__isnull=True)
                & Q(expires_on__gte=recent - datetime.timedelta(days=extension + 1))
            )
        )
    raise ValueError(f"unknown attention category {category!r}")


def needs_attention_q(on: datetime.date) -> Q:
    q = Q(pk__in=[])
    for category in Attention.LABELS:
        q |= attention_q(category, on)
    return q


def certificates_for(user, on: datetime.date | None = None) -> QuerySet:
    """Certificates the user may see (role × unit), with what the lists show; nothing for non-officers."""
    on = on or today()
    if not is_officer(user):
        return Certificate.objects.none()
    latest = CertificateNotice.objects.filter(certificate=OuterRef("pk")).order_by("-due_on", "-pk")
    return (
        Certificate.objects.filter(unit_scope_q(user, prefix="product__"))
        .select_related("product__producer", "product__commune", "product__province", "product__legacy_district")
        .annotate(
            status=status_annotation(on),
            last_step=Subquery(latest.values("step")[:1]),
            last_step_due=Subquery(latest.values("due_on")[:1]),
            last_producer_notified=Subquery(latest.values("producer_notified_at")[:1]),
            last_producer_skipped=Subquery(latest.values("producer_skipped")[:1]),
        )
        .order_by("expires_on", "number")
    )


def annotate_attention(queryset: QuerySet, on: datetime.date) -> QuerySet:
    return queryset.annotate(
        attention=Case(
            *[When(attention_q(c, on), then=Value(c)) for c in Attention.LABELS],
            default=Value(""),
            output_field=CharField(),
        )
    )


def units_in_scope(user) -> QuerySet:
    """Units the user may filter the lists by (the filter answers 404 for any other)."""
    units = AdminUnit.objects.all()
    if is_national(user):
        return units
    q = Q(pk__in=[])
    for assignment in active_roles(user):
        unit_id = assignment.unit_id
        if assignment.role == Role.PROVINCE_OFFICE:
            q |= Q(pk=unit_id) | Q(parent_id=unit_id, structure=Structure.CURRENT) | Q(successor_province_id=unit_id)
        elif assignment.role == Role.COMMUNE_OFFICER:
            q |= Q(pk=unit_id)
        elif assignment.role == Role.DISTRICT_OFFICER:
            q |= Q(pk=unit_id)
    return units.filter(q)


def unit_choices(user) -> QuerySet:
    """The units offered in the filter: provinces for national users, the communes of a province office."""
    if is_national(user):
        return AdminUnit.objects.current().provinces().order_by("name")
    return (
        units_in_scope(user).filter(level__in=[Level.PROVINCE, Level.COMMUNE, Level.DISTRICT]).order_by("level", "name")
    )


def unit_q(unit: AdminUnit) -> Q:
    if unit.level == Level.PROVINCE:
        if unit.structure == Structure.LEGACY:
            return Q(product__legacy_district__parent=unit)
        return Q(product__province=unit)
    if unit.level == Level.DISTRICT:
        return Q(product__legacy_district=unit)
    return Q(product__commune=unit)


def attention_summary(user, on: datetime.date | None = None) -> list[dict]:
    """Counts per unit (communes for a province office or a commune officer, provinces for national users)."""
    on = on or today()
    base = certificates_for(user, on).filter(needs_attention_q(on))
    by_province = is_national(user)
    key, name = (
        ("product__province", "product__province__name")
        if by_province
        else (
            "product__commune",
            "product__commune__name",
        )
    )
    counts = {f"n_{c}": Count("pk", filter=attention_q(c, on)) for c in Attention.LABELS}
    rows = base.order_by().values(key, name).annotate(total=Count("pk"), **counts).order_by("-total", name)
    return [
        {
            "unit_id": row[key],
            "unit_name": row[name],
            "total": row["total"],
            "counts": [(c, row[f"n_{c}"]) for c in Attention.LABELS],
        }
        for row in rows
    ]


def last_job_run():
    return CertificateJobRun.objects.order_by("-started_at").first()
