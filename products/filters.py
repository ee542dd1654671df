"""``ProductFilterSet``: the one set of product filters behind the HTML catalogue, the API and exports.

Use it anywhere products are listed, with the same parameters everywhere::

    from products.filters import ProductFilterSet, sort_products
    from products.selectors import listed_products, with_current_certificate

    filterset = ProductFilterSet(request.GET, queryset=listed_products())        # the public catalogue
    filterset = ProductFilterSet(request.GET, queryset=Product.objects.filter(unit_scope_q(user)))  # officers
    if filterset.is_valid():
        products = sort_products(filterset.qs, request.GET.get("sort"))

Parameters (all optional, all combinable):

=================  =============================================================================================
``q``              free text, accents and case ignored ("gom su bat trang", "ca phe", "dong anh"): product and
                   producer names, place names (commune, legacy district, province) and product codes
``stars``          exact stars, repeatable (``stars=4&stars=5``)
``stars_min``      at least this many stars (3–5)
``category``       category code of QĐ 26/2026 Annex I (``I`` … ``VI``)
``group``          group code ``<category>.<number>`` (``I.3`` Thực phẩm chế biến)
``product_set``    product set number (1–26)
``province``       current province code (``01`` Hà Nội)
``commune``        current commune / ward code (``00577`` Bát Tràng)
``legacy_district`` district code before 1/7/2025 (``268`` Hà Đông)
``producer_type``  producer type, repeatable (``cooperative``, ``enterprise``, ``household``…)
``status``         certificate status today, repeatable: ``valid``, ``expiring``, ``in_rerating``, ``expired``,
                   ``revoked``; ``active`` stands for the first three
``expires_before`` current certificate expires before this date (``YYYY-MM-DD``)
``updated_since``  changed since this moment (ISO 8601), counting status changes that happen with the date
                   (expiry, "expiring soon", end of the re-rating extension) as changes
=================  =============================================================================================

The queryset must carry the current-certificate annotations of ``products.selectors.with_current_certificate``;
the FilterSet adds them when they are missing, so a plain ``Product`` queryset works too (products without a
certificate then match no certificate filter).
"""

import datetime
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import AdminUnit, Structure
from evaluations.status import EXTENSION_DAYS, Status, expiring_days, today
from ocop_portal.text import fold

from . import selectors
from .models import Producer, ProducerType, Product

STAR_CHOICES = [(3, "3★"), (4, "4★"), (5, "5★")]
ACTIVE = "active"
STATUS_CHOICES = [
    (ACTIVE, _("Đang hiệu lực (còn hạn, sắp hết hạn, đang đánh giá lại)")),
    (Status.VALID, Status.LABELS[Status.VALID]),
    (Status.EXPIRING, Status.LABELS[Status.EXPIRING]),
    (Status.IN_RERATING, Status.LABELS[Status.IN_RERATING]),
    (Status.EXPIRED, Status.LABELS[Status.EXPIRED]),
    (Status.REVOKED, Status.LABELS[Status.REVOKED]),
]
PRODUCT_CODE = re.compile(r"^[0-9]{2}-[0-9-]*$")


class MomentField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment normalised to UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class CodeChoiceField(forms.CharField):
    """A code checked against a list of allowed values (clear message for an unknown one)."""

    def __init__(self, *args, pattern=None, **kwargs):
        self.pattern = pattern
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and self.pattern and not re.fullmatch(self.pattern, value):
            raise forms.ValidationError(_("Mã không hợp lệ: %(value)s"), params={"value": value}, code="invalid")
        return value


class CodeFilter(django_filters.CharFilter):
    field_class = CodeChoiceField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within bounds (a clear message rather than a database error for 0 or 10**30)."""

    field_class = forms.IntegerField


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Từ khoá"),
        max_length=100,
        help_text=_("Tên sản phẩm, chủ thể, địa phương hoặc mã sản phẩm; không phân biệt dấu, hoa thường"),
    )
    # distinct=False: one row per product already; DISTINCT would sort the whole result at national scale.
    stars = django_filters.TypedMultipleChoiceFilter(
        choices=STAR_CHOICES, coerce=int, field_name="cert_stars", label=_("Hạng sao"), distinct=False
    )
    stars_min = django_filters.TypedChoiceFilter(
        choices=STAR_CHOICES, coerce=int, field_name="cert_stars", lookup_expr="gte", label=_("Từ hạng sao")
    )
    category = CodeFilter(
        method="filter_category",
        pattern=r"I|II|III|IV|V|VI",
        label=_("Ngành"),
        help_text=_("Mã ngành theo Phụ lục I QĐ 26/2026 (I … VI)"),
    )
    group = CodeFilter(
        method="filter_group",
        pattern=r"(I|II|III|IV|V|VI)\.[0-9]{1,2}",
        label=_("Nhóm"),
        help_text=_("Mã nhóm <ngành>.<số>, ví dụ I.3"),
    )
    product_set = IntegerFilter(
        method="filter_product_set",
        min_value=1,
        max_value=99,
        label=_("Bộ sản phẩm"),
        help_text=_("Số bộ sản phẩm (1–26)"),
    )
    province = CodeFilter(
        method="filter_unit", pattern=r"[0-9]{2}", label=_("Tỉnh / thành phố"), help_text=_("Mã tỉnh (2 số)")
    )
    commune = CodeFilter(method="filter_unit", pattern=r"[0-9]{5}", label=_("Xã / phường"), help_text=_("Mã xã (5 số)"))
    legacy_district = CodeFilter(
        method="filter_unit",
        pattern=r"[0-9]{3}",
        label=_("Huyện (trước 1/7/2025)"),
        help_text=_("Mã huyện cũ (3 số)"),
    )
    producer_type = django_filters.MultipleChoiceFilter(
        choices=ProducerType.choices,
        field_name="producer__producer_type",
        label=_("Loại hình chủ thể"),
        distinct=False,
    )
    status = django_filters.MultipleChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("Tình trạng giấy chứng nhận"), distinct=False
    )
    expires_before = django_filters.DateFilter(
        field_name="cert_expires_on", lookup_expr="lt", label=_("Hết hạn trước ngày")
    )
    updated_since = MomentFilter(
        method="filter_updated_since",
        label=_("Thay đổi từ thời điểm"),
        help_text=_("ISO 8601, ví dụ 2026-07-01T00:00:00+07:00"),
    )

    class Meta:
        model = Product
        fields = []

    def __init__(self, data=None, queryset=None, *, on: datetime.date | None = None, **kwargs):
        self.on = on or today()
        if queryset is None:
            queryset = Product.objects.all()
        if not selectors.has_certificate_annotations(queryset):
            queryset = selectors.with_current_certificate(queryset, on=self.on)
        super().__init__(data, queryset, **kwargs)

    # -- methods ---------------------------------------------------------------------------------------------------
    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value)) if value.strip() else queryset

    # Codes are turned into ids from cached reference data, so the query compares ids instead of joining tables.
    def filter_category(self, queryset, name, value):
        return queryset.filter(product_set_id__in=selectors.product_set_ids(category=value))

    def filter_group(self, queryset, name, value):
        category, number = value.split(".")
        return queryset.filter(product_set_id__in=selectors.product_set_ids(category=category, group=int(number)))

    def filter_product_set(self, queryset, name, value):
        return queryset.filter(product_set_id__in=selectors.product_set_ids(number=int(value)))

    UNIT_FIELDS = {
        "province": ("province_id", Structure.CURRENT, "province"),
        "commune": ("commune_id", Structure.CURRENT, "commune"),
        "legacy_district": ("legacy_district_id", Structure.LEGACY, "district"),
    }

    def filter_unit(self, queryset, name, value):
        field, structure, level = self.UNIT_FIELDS[name]
        return queryset.filter(**{field: selectors.unit_id(structure, level, value) or 0})

    def filter_status(self, queryset, name, value):
        wanted = set(value)
        q = Q(pk__in=[])
        if ACTIVE in wanted or set(Status.ACTIVE) <= wanted:
            q |= selectors.listed_q(self.on)
            wanted -= {ACTIVE, *Status.ACTIVE}
        if wanted:
            # A necessary condition per status first (indexed dates), then the exact ladder on what remains.
            on, warn = self.on, self.on + datetime.timedelta(days=expiring_days())
            necessary = {
                Status.REVOKED: Q(cert_revoked_on__lte=on),
                Status.IN_RERATING: Q(cert_rerating_filed_on__lte=on),
                Status.EXPIRED: Q(cert_expires_on__lt=on),
                Status.EXPIRING: Q(cert_expires_on__gte=on, cert_expires_on__lte=warn),
                Status.VALID: Q(cert_expires_on__gt=warn),
                Status.SUPERSEDED: Q(cert_replaced_by_id__isnull=False),
            }
            prefilter = Q(pk__in=[])
            for status in wanted:
                prefilter |= necessary[status]
            q |= prefilter & Q(status_sql__in=sorted(wanted))
            queryset = queryset.alias(status_sql=selectors.status_case(self.on))
        return queryset.filter(q)

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(changed_since_q(value, on=self.on))


def search_q(text: str) -> Q:
    """Free-text search on the folded columns (served by trigram indexes on PostgreSQL).

    Places named in the text are looked up in the cached unit list first, so the database sees only indexable
    conditions (trigram on the name, ids of communes and old districts) and can combine them in one bitmap scan.
    """
    folded = fold(text)[:100]
    q = Q(search_name__icontains=folded)
    communes, districts = selectors.places_named(folded)
    if communes:
        q |= Q(commune_id__in=communes)
    if districts:
        q |= Q(legacy_district_id__in=districts)
    if PRODUCT_CODE.match(text.strip()):
        q |= Q(code__startswith=text.strip())
    return q


def changed_since_q(moment: datetime.datetime, *, on: datetime.date) -> Q:
    """Products that changed after ``moment``: a write to them, their producer or their certificate, or a status
    change that comes with the date (all of which happen at the start of a local day)."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    since = timezone.localdate(moment)
    q = (
        Q(updated_at__gt=moment)
        | Q(producer__updated_at__gt=moment)
        | Q(cert_updated_at__gt=moment)
        | Q(cert_revocation_recorded_at__gt=moment)
    )
    if since < on:

        def day_in(field, shift=0):
            # the day ``field + shift`` lies in (since, on]
            delta = datetime.timedelta(days=shift)
            return Q(**{f"{field}__gt": since - delta, f"{field}__lte": on - delta})

        q |= (
            day_in("cert_issued_on")
            | day_in("cert_expires_on", -expiring_days())  # "expiring soon" begins
            | day_in("cert_expires_on", 1)  # expired the day after
            | day_in("cert_expires_on", EXTENSION_DAYS + 1)  # late re-rating extension ends
            | day_in("cert_rerating_filed_on")
            | day_in("cert_rerating_decided_on")
            | day_in("cert_revoked_on")
        )
    return q


# -- sorting (page-number lists: HTML catalogue, exports). The API's cursor pagination always orders by id. -------
SORTS = {
    "name": (_("Tên A → Z"), ("name", "pk")),
    "newest": (_("Mới công nhận"), ("-cert_issued_on", "-pk")),
    "stars": (_("Hạng sao cao nhất"), ("-cert_stars", "-cert_issued_on", "-pk")),
    "expiry": (_("Sắp hết hạn trước"), ("cert_expires_on", "pk")),
}
DEFAULT_SORT = "newest"  # walks the index of current certificates by issue date: fast whatever the filters


def sort_products(queryset, key: str | None):
    _label, ordering = SORTS.get(key or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return queryset.order_by(*ordering)


class ProducerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Từ khoá"), max_length=100)
    province = CodeFilter(field_name="commune__parent__code", pattern=r"[0-9]{2}", label=_("Tỉnh / thành phố"))
    commune = CodeFilter(field_name="commune__code", pattern=r"[0-9]{5}", label=_("Xã / phường"))
    producer_type = django_filters.MultipleChoiceFilter(
        choices=ProducerType.choices, field_name="producer_type", label=_("Loại hình chủ thể"), distinct=False
    )
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gt")

    class Meta:
        model = Producer
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_name__icontains=fold(value)) if value.strip() else queryset


class CertificateFilterSet(django_filters.FilterSet):
    number = django_filters.CharFilter(field_name="number", label=_("Số giấy chứng nhận"))
    product = IntegerFilter(field_name="product_id", min_value=1, max_value=2**62, label=_("Mã định danh sản phẩm"))
    stars = django_filters.TypedMultipleChoiceFilter(
        choices=STAR_CHOICES, coerce=int, label=_("Hạng sao"), distinct=False
    )
    status = django_filters.MultipleChoiceFilter(
        choices=[*STATUS_CHOICES, (Status.SUPERSEDED, Status.LABELS[Status.SUPERSEDED])],
        method="filter_status",
        distinct=False,
    )
    province = CodeFilter(field_name="product__province__code", pattern=r"[0-9]{2}", label=_("Tỉnh / thành phố"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lt")
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    updated_since = MomentFilter(method="filter_updated_since")

    class Meta:
        model = selectors.Certificate
        fields = []

    def filter_status(self, queryset, name, value):
        wanted = set(value)
        if ACTIVE in wanted:
            wanted = (wanted - {ACTIVE}) | set(Status.ACTIVE)
        return queryset.filter(status__in=sorted(wanted))

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(Q(updated_at__gt=value) | Q(revocation__created_at__gt=value))


class UnitFilterSet(django_filters.FilterSet):
    structure = django_filters.ChoiceFilter(choices=Structure.choices, label=_("Cơ cấu"))
    level = django_filters.ChoiceFilter(choices=AdminUnit._meta.get_field("level").choices, label=_("Cấp"))
    parent = CodeFilter(
        method="filter_parent", pattern=r"[0-9]{2,5}", label=_("Mã đơn vị cấp trên"), help_text=_("Mã chính thức")
    )
    code = CodeFilter(field_name="code", pattern=r"[0-9]{2,5}", label=_("Mã"))
    q = django_filters.CharFilter(method="filter_q", label=_("Tên"), max_length=100)

    class Meta:
        model = AdminUnit
        fields = []

    def filter_parent(self, queryset, name, value):
        structure = self.form.cleaned_data.get("structure")
        q = Q(parent__code=value)
        if structure:
            q &= Q(parent__structure=structure)
        return queryset.filter(q)

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_name__icontains=fold(value)) if value.strip() else queryset


class ProductSetFilterSet(django_filters.FilterSet):
    taxonomy = django_filters.ChoiceFilter(choices=selectors.Taxonomy.choices, label=_("Danh mục"))
    category = CodeFilter(field_name="group__category__code", pattern=r"I|II|III|IV|V|VI", label=_("Ngành"))

    class Meta:
        model = selectors.ProductSet
        fields = []


class DecisionFilterSet(django_filters.FilterSet):
    year = IntegerFilter(field_name="issued_on__year", min_value=1990, max_value=2100, label=_("Năm"))
    level = django_filters.ChoiceFilter(choices=selectors.Decision._meta.get_field("level").choices, label=_("Cấp"))
    unit = CodeFilter(field_name="unit__code", pattern=r"[0-9]{2,5}", label=_("Mã đơn vị"))

    class Meta:
        model = selectors.Decision
        fields = []
