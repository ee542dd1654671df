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
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from districts.models import AdminUnit, Level, Structure
from evaluations.models import Certificate, Decision, Revocation
from evaluations.status import EXTENSION_DAYS, Status, certificate_status, compute_status, expiring_days, today

from .models import Producer, Product, ProductPhoto, ProductSet, SalesPoint, Taxonomy

LISTED_STATUSES = Status.ACTIVE  # valid, expiring, in re-rating: the product may use the OCOP mark
# Joined in list queries; product sets and units come from ``attach_references`` (cached, no join).
LIST_RELATIONS = ("cert", "producer")
# Columns lists and cards never use (fewer columns: less to transfer and fewer fields to fill, 100 per page).
# ``only()`` is not available with a FilteredRelation, hence the list of what to leave out.
LIST_DEFERRED = (
    "description", "search_name", "traceability_url", "traceability_code", "created_at",
    "producer__search_name", "producer__registration_number", "producer__tax_code", "producer__representative_name",
    "producer__representative_gender", "producer__representative_ethnicity", "producer__representative_title",
    "producer__address", "producer__phone", "producer__email", "producer__website", "producer__founded_year",
    "producer__created_at", "producer__commune", "producer__legacy_district",
)  # fmt: skip


def with_current_certificate(queryset=None, *, on: datetime.date | None = None):
    """Annotate products with their current certificate (LEFT JOIN: products without one get ``cert_pk`` None)."""
    on = on or today()
    queryset = Product.objects.all() if queryset is None else queryset
    return queryset.annotate(
        cert=FilteredRelation("certificates", condition=Q(certificates__is_current=True))
    ).annotate(
        cert_pk=F("cert__id"),
        cert_stars=F("cert__stars"),
        cert_issued_on=F("cert__issued_on"),
        cert_expires_on=F("cert__expires_on"),
        cert_updated_at=F("cert__updated_at"),
        cert_replaced_by_id=F("cert__replaced_by"),
        cert_rerating_filed_on=F("cert__rerating_filed_on"),
        cert_rerating_decided_on=F("cert__rerating_decided_on"),
        cert_revoked_on=F("cert__revocation__revoked_on"),
        cert_revocation_recorded_at=F("cert__revocation__created_at"),
    )


def with_status(queryset, *, on: datetime.date | None = None):
    """Add the status as a SQL column (for grouping or exporting many rows; pages use ``attach_references``)."""
    return queryset.annotate(status=status_case(on or today()))


# Where the status ladder finds its inputs: on products, the current-certificate annotations; on certificates, the
# certificate's own fields.
PRODUCT_FIELDS = {
    "pk": "cert_pk",
    "revoked_on": "cert_revoked_on",
    "replaced_by": "cert_replaced_by_id",
    "filed": "cert_rerating_filed_on",
    "decided": "cert_rerating_decided_on",
    "expires_on": "cert_expires_on",
}
CERTIFICATE_FIELDS = {
    "pk": "pk",
    "revoked_on": "revocation__revoked_on",
    "replaced_by": "replaced_by",
    "filed": "rerating_filed_on",
    "decided": "rerating_decided_on",
    "expires_on": "expires_on",
}


def _q(fields, name, lookup, value) -> Q:
    return Q(**{f"{fields[name]}__{lookup}": value})


def _pending_q(on: datetime.date, fields=PRODUCT_FIELDS) -> Q:
    """A re-rating filed and not decided on ``on``."""
    return _q(fields, "filed", "lte", on) & (_q(fields, "decided", "isnull", True) | _q(fields, "decided", "gt", on))


def _extension_q(on: datetime.date, fields=PRODUCT_FIELDS) -> Q:
    """Still covered: before expiry, or after it while a re-rating filed by the expiry date is pending (≤180 days)."""
    late = _q(fields, "filed", "lte", F(fields["expires_on"])) & _q(
        fields, "expires_on", "gte", on - datetime.timedelta(days=EXTENSION_DAYS)
    )
    return _q(fields, "expires_on", "gte", on) | (_pending_q(on, fields) & late)


def status_case(on: datetime.date, fields=PRODUCT_FIELDS) -> Case:
    """The status ladder of ``evaluations.status`` as a plain CASE (products: of their current certificate).

    Same order and conditions as ``status_annotation`` (tests check that they agree day by day), written without
    the negations a CASE does not need: the query stays small for Django to build and for PostgreSQL to plan.
    """
    warn = on + datetime.timedelta(days=expiring_days())
    return Case(
        When(_q(fields, "revoked_on", "lte", on), then=Value(Status.REVOKED)),
        When(_q(fields, "replaced_by", "isnull", False), then=Value(Status.SUPERSEDED)),
        When(_pending_q(on, fields) & _extension_q(on, fields), then=Value(Status.IN_RERATING)),
        When(_q(fields, "expires_on", "lt", on), then=Value(Status.EXPIRED)),
        When(_q(fields, "expires_on", "lte", warn), then=Value(Status.EXPIRING)),
        When(_q(fields, "pk", "isnull", False), then=Value(Status.VALID)),
        default=Value(None),
        output_field=CharField(null=True),
    )


def certificate_status_case(on: datetime.date | None = None) -> Case:
    """``.annotate(status=certificate_status_case())`` on a Certificate queryset."""
    return status_case(on or today(), CERTIFICATE_FIELDS)


def listed_q(on: datetime.date) -> Q:
    """Status valid, expiring or in re-rating, as positive conditions the planner can use indexes for."""
    not_revoked = Q(cert_revoked_on__isnull=True) | Q(cert_revoked_on__gt=on)
    return Q(cert_pk__isnull=False) & not_revoked & Q(cert_replaced_by_id__isnull=True) & _extension_q(on)


def has_certificate_annotations(queryset) -> bool:
    return "cert_pk" in queryset.query.annotations


def public_products(*, on: datetime.date | None = None):
    """Every product that holds a certificate, whatever its status today (expired and revoked ones included).

    Call ``attach_references`` on the rows you show (product set, category, units) to avoid one query each.
    """
    return (
        with_current_certificate(on=on)
        .filter(cert_pk__isnull=False)
        .select_related(*LIST_RELATIONS)
        .defer(*LIST_DEFERRED)
    )


def listed_products(*, on: datetime.date | None = None):
    """The public catalogue: products whose certificate lets them use the OCOP mark today."""
    return public_products(on=on).filter(listed_q(on or today()))


def is_listed(product) -> bool:
    return getattr(product, "status", None) in LISTED_STATUSES


def attach_references(products, *, on: datetime.date | None = None):
    """Prepare products for display: their certificate status today, computed by ``evaluations.status`` from the
    fetched dates, and their product set (with group and category) and units from the reference memo (these few
    thousand rows change rarely; joining them into every list query costs more than the rows themselves)."""
    products = list(products)
    if not products:
        return products
    on = on or today()
    for product in products:
        product.status = _product_status(product, on)
    sets, units = product_set_map(), reference_units()["by_id"]
    missing = {p.commune_id for p in products} | {p.province_id for p in products}
    missing |= {p.legacy_district_id for p in products if p.legacy_district_id}
    missing -= set(units)
    extra = {u.pk: u for u in AdminUnit.objects.filter(pk__in=missing)} if missing else {}
    for product in products:
        product.product_set = sets[product.product_set_id]
        product.commune = units.get(product.commune_id) or extra[product.commune_id]
        product.province = units.get(product.province_id) or extra[product.province_id]
        if product.legacy_district_id:
            product.legacy_district = units.get(product.legacy_district_id) or extra[product.legacy_district_id]
    return products


def _product_status(product, on: datetime.date) -> str | None:
    if getattr(product, "cert_pk", None) is None:
        return None
    return compute_status(
        issued_on=product.cert_issued_on,
        expires_on=product.cert_expires_on,
        on=on,
        revoked_on=product.cert_revoked_on,
        superseded=product.cert_replaced_by_id is not None,
        rerating_filed_on=product.cert_rerating_filed_on,
        rerating_decided_on=product.cert_rerating_decided_on,
    )


def product_set_map() -> dict[int, ProductSet]:
    """Every product set with its group and category, by id (reference memo)."""
    return _memo("product-sets", lambda: {s.pk: s for s in ProductSet.objects.select_related("group__category")})


def reference_units() -> dict:
    """Current provinces and communes, legacy provinces and districts (≈4,100 rows), indexed for filters, choice
    lists and ``attach_references``; loaded in one query per process and memo period."""

    def load():
        units = {}
        for unit in AdminUnit.objects.filter(
            Q(structure=Structure.CURRENT) | Q(structure=Structure.LEGACY, level__in=[Level.PROVINCE, Level.DISTRICT])
        ).order_by("name"):
            units[unit.pk] = unit
        for unit in units.values():  # parents are in the memo too (no query when a template asks)
            if unit.parent_id in units:
                unit.parent = units[unit.parent_id]
            elif unit.parent_id is None:
                unit.parent = None
        by_code = {(u.structure, u.level, u.code): u for u in units.values()}
        provinces = [u for u in units.values() if u.structure == Structure.CURRENT and u.level == Level.PROVINCE]
        communes, districts = {}, {}
        for u in units.values():
            if u.structure == Structure.CURRENT and u.level == Level.COMMUNE and u.parent_id in units:
                communes.setdefault(units[u.parent_id].code, []).append((u.code, u.name))
            elif u.structure == Structure.LEGACY and u.level == Level.DISTRICT and u.successor_province_id in units:
                districts.setdefault(units[u.successor_province_id].code, []).append((u.code, u.name))
        return {
            "by_id": units,
            "by_code": by_code,
            "provinces": [(u.code, u.name) for u in provinces],
            "communes": communes,
            "legacy_districts": districts,
        }

    return _memo("units", load)


def places_named(folded: str, limit: int = 200) -> tuple[list[int], list[int]]:
    """Ids of current communes and old districts whose folded name contains ``folded`` (at least 3 letters)."""
    if len(folded) < 3:
        return [], []
    communes, districts = [], []
    for unit in reference_units()["by_id"].values():
        if folded in unit.search_name:
            if unit.structure == Structure.CURRENT and unit.level == Level.COMMUNE:
                communes.append(unit.pk)
            elif unit.structure == Structure.LEGACY and unit.level == Level.DISTRICT:
                districts.append(unit.pk)
    return communes[:limit], districts[:limit]


def unit_id(structure: str, level: str, code: str) -> int | None:
    """The id of a unit given by its official code, so filters compare ids instead of joining units."""
    unit = reference_units()["by_code"].get((structure, level, code))
    if unit is None and structure == Structure.LEGACY and level == Level.COMMUNE:
        return (
            AdminUnit.objects.filter(structure=structure, level=level, code=code).values_list("pk", flat=True).first()
        )
    return unit.pk if unit else None


def product_set_ids(*, number: int | None = None, category: str | None = None, group: int | None = None) -> list[int]:
    """Ids of the product sets with a number, in a category or a group (any taxonomy), from the memo."""
    result = []
    for product_set in product_set_map().values():
        if number is not None and product_set.number != number:
            continue
        if category is not None and product_set.group.category.code != category:
            continue
        if group is not None and product_set.group.number != group:
            continue
        result.append(product_set.pk)
    return result


def product_detail(pk: int, *, on: datetime.date | None = None) -> Product | None:
    """One public product with what its page shows: photos, sales points and the certificate history."""
    on = on or today()
    history = (
        Certificate.objects.select_related("decision", "revocation", "rule_version")
        .annotate(status=certificate_status_case(on))
        .order_by("-issued_on", "-pk")
    )
    product = (
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
    return attach_references([product])[0] if product else None


def current_certificate(product) -> Certificate | None:
    """The current certificate of a product loaded through ``public_products`` (with its computed status)."""
    certificate = getattr(product, "cert", None)
    if certificate is not None:
        certificate.status = product.status
        certificate.revoked_on = product.cert_revoked_on
    return certificate


def certificate_for_verification(number: str, *, on: datetime.date | None = None) -> Certificate | None:
    """What a shopper sees after scanning a label's QR code: any certificate (all are 3★+), with its live status."""
    certificate = (
        Certificate.objects.select_related(
            "revocation", "replaced_by", "decision", "product__producer", "product__product_set",
            "product__commune", "product__province",
        )
        .filter(number=number.strip())
        .first()
    )  # fmt: skip
    if certificate is not None:
        certificate.status = certificate_status(certificate, on=on)
    return certificate


def public_certificates(*, on: datetime.date | None = None):
    return Certificate.objects.select_related("revocation", "replaced_by", "decision", "rule_version").annotate(
        status=certificate_status_case(on)
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
    return reference_units()["by_code"].get((structure, level, code))


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


def unit_figures(unit: AdminUnit, *, on: datetime.date | None = None) -> dict:
    """What a unit page shows, in two queries: its targets, then one aggregate over the unit's public products for
    the listed products per star, every product ever certified there, and each target's progress.

    A target counts products whose certificate reached the stars by the target year (revoked by then: not counted);
    a target "since" a year counts products first certified from that year on ("60 more by 2025").
    """
    on = on or today()
    targets = list(unit.targets.order_by("year", "-min_stars"))
    aggregates = {f"stars_{n}": Count("pk", filter=Q(cert_stars=n) & listed_q(on)) for n in (3, 4, 5)}
    aggregates["certified"] = Count("pk")
    for index, target in enumerate(targets):
        reached = Certificate.objects.filter(product=OuterRef("pk"), issued_on__year__lte=target.year).exclude(
            revocation__revoked_on__year__lte=target.year
        )
        reached = reached.filter(stars=target.stars) if target.stars else reached.filter(stars__gte=target.min_stars)
        condition = Q(Exists(reached))
        if target.since_year:
            earlier = Certificate.objects.filter(product=OuterRef("pk"), issued_on__year__lt=target.since_year)
            condition &= Q(Exists(reached.filter(issued_on__year__gte=target.since_year))) & ~Q(Exists(earlier))
        aggregates[f"target_{index}"] = Count("pk", filter=condition)
    figures = (
        public_products(on=on).filter(unit_products_q(unit)).select_related(None).order_by().aggregate(**aggregates)
    )
    for index, target in enumerate(targets):
        target.reached = figures[f"target_{index}"]
        target.percent = min(100, round(100 * target.reached / target.target_count)) if target.target_count else 0
    by_star = [(n, figures[f"stars_{n}"]) for n in (5, 4, 3)]
    return {
        "by_star": by_star,
        "listed_total": sum(n for _s, n in by_star),
        "certified_total": figures["certified"],
        "targets": targets,
    }


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
    return reference_units()["provinces"]


def taxonomy_choices() -> dict:
    """Categories, groups and product sets of QĐ 26/2026 for filter forms."""
    sets = [s for s in product_set_map().values() if s.taxonomy == Taxonomy.QD26_2026]
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


def place_choices(province_code: str) -> dict:
    """Current communes and legacy districts of a current province."""
    units = reference_units()
    return {
        "communes": units["communes"].get(province_code, []),
        "legacy_districts": units["legacy_districts"].get(province_code, []),
    }


def legacy_district_choices(province_code: str) -> list[tuple[str, str]]:
    return place_choices(province_code)["legacy_districts"]


# Reference data is memoised in the process: a small token in the shared cache says whether the memo is still
# current (it expires with CHOICES_TTL, and clearing the cache, as tests do, invalidates every process's memo).
_MEMO: dict[str, tuple[str, object]] = {}


def _memo(key, load):
    token = cache.get("public:reference-token")
    if token is None:
        token = uuid.uuid4().hex
        cache.set("public:reference-token", token, CHOICES_TTL)
    entry = _MEMO.get(key)
    if entry is not None and entry[0] == token:
        return entry[1]
    value = load()
    _MEMO[key] = (token, value)
    return value


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


def cached_for_version(key: str, load, *, timeout: int = 3600, version: str | None = None):
    """Cache an expensive public aggregate until the data (or the day) changes (``version``: already read)."""
    version = version or data_version()[0]
    full_key = f"public:{key}:{version}"
    value = cache.get(full_key)
    if value is None:
        value = load()
        cache.set(full_key, value, timeout)
    return value


# -- home page -------------------------------------------------------------------------------------------------------
def home_summary(*, version: str | None = None) -> dict:
    def load():
        sets = product_set_map()
        categories = {}
        for product_set in sets.values():
            if product_set.taxonomy == Taxonomy.QD26_2026:
                categories.setdefault(product_set.group.category, []).append(product_set.pk)
        categories = sorted(categories.items(), key=lambda item: item[0].order)
        # One aggregate for every figure: counts per star, per category and distinct producers.
        figures = (
            listed_products()
            .select_related(None)
            .order_by()
            .aggregate(
                producers=Count("producer_id", distinct=True),
                **{f"stars_{n}": Count("pk", filter=Q(cert_stars=n)) for n in (3, 4, 5)},
                **{f"category_{c.code}": Count("pk", filter=Q(product_set_id__in=ids)) for c, ids in categories},
            )
        )
        by_star = [(n, figures[f"stars_{n}"]) for n in (5, 4, 3)]
        return {
            "total": sum(n for _s, n in by_star),
            "by_star": by_star,
            "by_category": [
                {"code": c.code, "name": c.name, "n": figures[f"category_{c.code}"]}
                for c, _ids in categories
                if figures[f"category_{c.code}"]
            ],
            "producers": figures["producers"],
        }

    return cached_for_version("home-summary", load, timeout=600, version=version)


def newest_decisions(limit: int = 6, *, version: str | None = None):
    # Counting every decision's certificates costs 0.5 s at national scale: cached like the home figures.
    def load():
        return list(public_decisions()[:limit])

    return cached_for_version(f"newest-decisions:{limit}", load, timeout=600, version=version)


def newest_products(limit: int = 6):
    return attach_references(listed_products().order_by("-cert_issued_on", "-pk")[:limit])
