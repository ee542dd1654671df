"""Public reads: what the public and API clients may see of products, producers, certificates, decisions and units.

The boundary lives here and only here. A product is public when it holds a current certificate (only 3–5★ get one);
its certificates are public too. Nothing in this module reaches dossiers, member scores, evaluation results,
certificate scores or attachments, so no page or endpoint built on it can leak them.

Certificate status is computed for the day (``evaluations.status``), never read from a stored flag.

The product's current certificate is joined once through a ``FilteredRelation`` named ``cert`` and exposed as plain
annotations (``cert_stars``, ``cert_expires_on``, ``status``…). Filter on those names, not on ``cert__…`` paths:
each ``.filter(cert__x=…)`` call on a multi-valued relation would add another join.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from districts.models import AdminUnit, Level, Structure, UnitTarget
from evaluations.models import Certificate, Decision, Revocation
from evaluations.status import Status, status_annotation, today

from .models import Producer, Product, ProductPhoto, ProductSet, SalesPoint, Taxonomy

LISTED_STATUSES = Status.ACTIVE  # valid, expiring, in re-rating: the product may use the OCOP mark
PUBLIC_PRODUCT_RELATIONS = (
    "cert",
    "producer",
    "product_set__group__category",
    "commune",
    "province",
    "legacy_district",
)


def with_current_certificate(queryset=None, *, on: datetime.date | None = None):
    """Annotate products with their current certificate (LEFT JOIN: products without one get ``cert_pk`` None)."""
    queryset = Product.objects.all() if queryset is None else queryset
    return queryset.annotate(
        cert=FilteredRelation("certificates", condition=Q(certificates__is_current=True)),
    ).annotate(
        cert_pk=F("cert__id"),
        cert_stars=F("cert__stars"),
        cert_issued_on=F("cert__issued_on"),
        cert_expires_on=F("cert__expires_on"),
        cert_updated_at=F("cert__updated_at"),
        cert_rerating_filed_on=F("cert__rerating_filed_on"),
        cert_rerating_decided_on=F("cert__rerating_decided_on"),
        cert_revoked_on=F("cert__revocation__revoked_on"),
        cert_revocation_recorded_at=F("cert__revocation__created_at"),
        status=status_annotation(on or today(), prefix="cert__"),
    )


def has_certificate_annotations(queryset) -> bool:
    return "status" in queryset.query.annotations and "cert_pk" in queryset.query.annotations


def public_products(*, on: datetime.date | None = None):
    """Every product that holds a certificate, whatever its status today (expired and revoked ones included)."""
    return (
        with_current_certificate(on=on)
        .filter(cert_pk__isnull=False)
        .select_related(*PUBLIC_PRODUCT_RELATIONS)
        .defer("description", "search_name", "traceability_url")
    )


def listed_products(*, on: datetime.date | None = None):
    """The public catalogue: products whose certificate lets them use the OCOP mark today."""
    return public_products(on=on).filter(status__in=LISTED_STATUSES)


def is_listed(product) -> bool:
    return getattr(product, "status", None) in LISTED_STATUSES


def product_detail(pk: int, *, on: datetime.date | None = None) -> Product | None:
    """One public product with what its page shows: photos, sales points and the certificate history."""
    on = on or today()
    history = (
        Certificate.objects.select_related("decision", "revocation", "rule_version")
        .annotate(status=status_annotation(on))
        .order_by("-issued_on", "-pk")
    )
    return (
        public_products(on=on)
        .defer(None)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("photos", queryset=ProductPhoto.objects.order_by("order", "pk")),
            Prefetch("sales_points", queryset=SalesPoint.objects.select_related("unit").order_by("name")),
            Prefetch("certificates", queryset=history, to_attr="certificate_history"),
        )
        .first()
    )


def current_certificate(product) -> Certificate | None:
    """The current certificate of a product loaded through ``public_products`` (with its computed status)."""
    certificate = getattr(product, "cert", None)
    if certificate is not None:
        certificate.status = product.status
        certificate.revoked_on = product.cert_revoked_on
    return certificate


def certificate_for_verification(number: str, *, on: datetime.date | None = None) -> Certificate | None:
    """What a shopper sees after scanning a label's QR code: any certificate (all are 3★+), with its live status."""
    return (
        public_certificates(on=on)
        .select_related("product__producer", "product__product_set", "product__commune", "product__province")
        .filter(number=number.strip())
        .first()
    )


def public_certificates(*, on: datetime.date | None = None):
    return Certificate.objects.select_related("revocation", "replaced_by", "decision", "rule_version").annotate(
        status=status_annotation(on or today())
    )


def public_producers():
    """Producers with at least one public product (the others, e.g. with only a draft dossier, stay private)."""
    certified = Product.objects.filter(producer=OuterRef("pk"), certificates__is_current=True)
    count = certified.order_by().values("producer").annotate(n=Count("pk")).values("n")
    return (
        Producer.objects.filter(Exists(certified))
        .select_related("commune__parent", "legacy_district")
        .annotate(product_count=Coalesce(Subquery(count), 0))
    )


def producer_detail(pk: int) -> Producer | None:
    return public_producers().filter(pk=pk).first()


def public_decisions():
    """Issued decisions that recognised at least one product, with their certificate counts per star."""
    return (
        Decision.objects.filter(status=Decision.Status.ISSUED, certificates__isnull=False)
        .select_related("unit", "rule_version")
        .annotate(
            product_count=Count("certificates", distinct=True),
            three_stars=Count("certificates", filter=Q(certificates__stars=3), distinct=True),
            four_stars=Count("certificates", filter=Q(certificates__stars=4), distinct=True),
            five_stars=Count("certificates", filter=Q(certificates__stars=5), distinct=True),
        )
        .order_by("-issued_on", "-pk")
    )


def product_sets():
    return ProductSet.objects.select_related("group__category", "subgroup").order_by("taxonomy", "number")


def units():
    return AdminUnit.objects.select_related("parent")


def unit_by_key(kind: str, code: str) -> AdminUnit | None:
    """Unit pages are addressed by kind (province, commune, legacy district or province) and official code."""
    structure, level = UNIT_KINDS[kind]
    return AdminUnit.objects.select_related("parent").filter(structure=structure, level=level, code=code).first()


# URL segment → (structure, level); the segments are Vietnamese because the addresses are public.
UNIT_KINDS = {
    "tinh": (Structure.CURRENT, Level.PROVINCE),
    "xa": (Structure.CURRENT, Level.COMMUNE),
    "huyen-cu": (Structure.LEGACY, Level.DISTRICT),
    "tinh-cu": (Structure.LEGACY, Level.PROVINCE),
}


def unit_kind(unit: AdminUnit) -> str | None:
    for kind, key in UNIT_KINDS.items():
        if key == (unit.structure, unit.level):
            return kind
    return None


def unit_products_q(unit: AdminUnit, prefix: str = "") -> Q:
    """Products (reached through ``prefix``) located in a unit, whichever structure the unit belongs to."""
    if unit.structure == Structure.CURRENT:
        field = "province" if unit.level == Level.PROVINCE else "commune"
    elif unit.level == Level.DISTRICT:
        field = "legacy_district"
    elif unit.level == Level.PROVINCE:
        field = "legacy_district__parent"
    else:
        return Q(pk__in=[])  # legacy communes are not recorded on products
    return Q(**{f"{prefix}{field}": unit})


def unit_targets(unit: AdminUnit, *, on: datetime.date | None = None) -> list[UnitTarget]:
    """The unit's targets with their progress: products whose certificate reached the stars, up to the target year.

    A target "since" a year counts products first certified from that year on ("60 more by 2025"); certificates
    revoked by the target year do not count.
    """
    targets = list(unit.targets.order_by("year", "-min_stars"))
    for target in targets:
        certificates = Certificate.objects.filter(
            unit_products_q(unit, "product__"), issued_on__year__lte=target.year
        ).exclude(revocation__revoked_on__year__lte=target.year)  # a revoked recognition does not count
        if target.stars:
            certificates = certificates.filter(stars=target.stars)
        else:
            certificates = certificates.filter(stars__gte=target.min_stars)
        if target.since_year:
            first = Certificate.objects.filter(product=OuterRef("product"), issued_on__year__lt=target.since_year)
            certificates = certificates.filter(issued_on__year__gte=target.since_year).exclude(Exists(first))
        target.reached = certificates.values("product").distinct().count()
        target.percent = min(100, round(100 * target.reached / target.target_count)) if target.target_count else 0
    return targets


def sales_points_in(unit: AdminUnit):
    if unit.structure == Structure.LEGACY:
        q = Q(legacy_district=unit) if unit.level == Level.DISTRICT else Q(legacy_district__parent=unit)
    elif unit.level == Level.PROVINCE:
        q = Q(unit__parent=unit)
    else:
        q = Q(unit=unit)
    certified = Count("products", filter=Q(products__certificates__is_current=True), distinct=True)
    return SalesPoint.objects.filter(q).select_related("unit").annotate(product_count=certified)


# -- choices for filter forms (small, rarely changing: cached) ------------------------------------------------------
CHOICES_TTL = 600


def province_choices() -> list[tuple[str, str]]:
    return _cached(
        "public:provinces",
        lambda: list(AdminUnit.objects.current().provinces().order_by("name").values_list("code", "name")),
    )


def taxonomy_choices() -> dict:
    """Categories, groups and product sets of QĐ 26/2026 for filter forms, from one query."""

    def load():
        sets = list(ProductSet.objects.filter(taxonomy=Taxonomy.QD26_2026).select_related("group__category"))
        categories, groups = {}, {}
        for product_set in sorted(sets, key=lambda s: (s.group.category.order, s.group.number, s.number)):
            category = product_set.group.category
            categories[category.code] = category.name
            groups[f"{category.code}.{product_set.group.number}"] = product_set.group.name
        return {
            "categories": list(categories.items()),
            "groups": list(groups.items()),
            "product_sets": sorted((s.number, s.name) for s in sets),
        }

    return _cached("public:taxonomy", load)


def place_choices(province_code: str) -> dict:
    """Current communes and legacy districts of a current province, from one query."""

    def load():
        rows = (
            AdminUnit.objects.filter(
                Q(structure=Structure.CURRENT, level=Level.COMMUNE, parent__code=province_code,
                  parent__structure=Structure.CURRENT)
                | Q(structure=Structure.LEGACY, level=Level.DISTRICT, successor_province__code=province_code)
            )
            .order_by("name")
            .values_list("structure", "code", "name")
        )  # fmt: skip
        return {
            "communes": [(code, name) for structure, code, name in rows if structure == Structure.CURRENT],
            "legacy_districts": [(code, name) for structure, code, name in rows if structure == Structure.LEGACY],
        }

    if not (province_code or "").isdigit():
        return {"communes": [], "legacy_districts": []}
    return _cached(f"public:places:{province_code}", load)


def legacy_district_choices(province_code: str) -> list[tuple[str, str]]:
    return place_choices(province_code)["legacy_districts"]


def _cached(key, load):
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, CHOICES_TTL)
    return value


# -- data version: ETag / Last-Modified and caches -------------------------------------------------------------------
def data_version(on: datetime.date | None = None) -> tuple[str, datetime.datetime]:
    """A fingerprint of everything the public sees, in one cheap query (maxima over indexed columns).

    Statuses change at midnight without any write, so the day is part of the fingerprint and the last-modified
    moment is never earlier than the start of the day.
    """
    on = on or today()
    tables = [
        (Product._meta.db_table, "updated_at"),
        (Producer._meta.db_table, "updated_at"),
        (Certificate._meta.db_table, "updated_at"),
        (Revocation._meta.db_table, "created_at"),
        (Decision._meta.db_table, "updated_at"),
    ]
    parts = ", ".join(
        f"(SELECT MAX({connection.ops.quote_name(c)}) FROM {connection.ops.quote_name(t)})" for t, c in tables
    )
    count = f"(SELECT COUNT(*) FROM {connection.ops.quote_name(Revocation._meta.db_table)})"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}, {count}")
        row = cursor.fetchone()
    moments = [_as_datetime(value) for value in row[:-1]]
    start_of_day = timezone.make_aware(datetime.datetime.combine(on, datetime.time.min))
    last_modified = max([m for m in moments if m is not None] + [start_of_day])
    fingerprint = "|".join([on.isoformat(), *(m.isoformat() if m else "-" for m in moments), str(row[-1])])
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32], last_modified


def _as_datetime(value):
    if value is None or isinstance(value, datetime.datetime):
        return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def cached_for_version(key: str, load, *, timeout: int = 3600):
    """Cache an expensive public aggregate until the data (or the day) changes."""
    version, _ = data_version()
    full_key = f"public:{key}:{version}"
    value = cache.get(full_key)
    if value is None:
        value = load()
        cache.set(full_key, value, timeout)
    return value


# -- home page -------------------------------------------------------------------------------------------------------
def home_summary() -> dict:
    def load():
        listed = listed_products().order_by()
        by_star = dict(listed.values_list("cert_stars").annotate(n=Count("pk")))
        by_category = [
            {"code": code, "name": name, "n": n}
            for code, name, n in listed.values_list(
                "product_set__group__category__code", "product_set__group__category__name"
            )
            .annotate(n=Count("pk"))
            .order_by("product_set__group__category__order")
        ]
        return {
            "total": sum(by_star.values()),
            "by_star": [(stars, by_star.get(stars, 0)) for stars in (5, 4, 3)],
            "by_category": by_category,
            "producers": public_producers().order_by().values("pk").count(),
        }

    return cached_for_version("home-summary", load, timeout=600)


def newest_decisions(limit: int = 6):
    return list(public_decisions()[:limit])


def newest_products(limit: int = 8):
    return list(listed_products().order_by("-cert_issued_on", "-pk")[:limit])
