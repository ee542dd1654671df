"""Public pages (no login): home, catalogue, product, producer, unit, certificate verification, statistics.

Thin views: reads come from ``products.selectors``, filters from ``products.filters``, figures from
``products.statistics``. Every page shows only what the selectors make public.
"""

import json
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from districts.models import Level, Structure
from evaluations.status import Status

from . import selectors, statistics
from .filters import DEFAULT_SORT, SORTS, STATUS_CHOICES, ProductFilterSet, sort_products
from .models import ProducerType

PAGE_SIZES = (12, 24, 48, 96)
DEFAULT_PAGE_SIZE = 24


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (a bounded query at any scale); past that the page says "more than 1,000" and
    asks the visitor to narrow the search. ``known_count`` (the unfiltered catalogue's cached total) skips it."""

    cap = 1_000

    def __init__(self, *args, known_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        if self.known_count is not None:
            self.capped = self.known_count > self.cap
            self.total = self.known_count
            return min(self.known_count, self.cap)
        found = self.object_list.order_by().values_list("pk")[: self.cap + 1].count()
        self.capped = found > self.cap
        self.total = None
        return min(found, self.cap)


def home(request):
    version, _ = selectors.data_version()  # read once for both cached parts
    context = {
        "summary": selectors.home_summary(version=version),
        "decisions": selectors.newest_decisions(version=version),
        "newest": selectors.newest_products(),
    }
    return render(request, "public/home.html", context)


def catalogue(request):
    data = request.GET.copy()
    explicit_status = bool(data.getlist("status"))
    filterset = ProductFilterSet(data, queryset=selectors.public_products())
    products = filterset.qs
    if not explicit_status or not filterset.is_valid():
        products = products.filter(selectors.listed_q(selectors.today()))
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else DEFAULT_SORT
    products = sort_products(products, sort)
    page_size = _int(request.GET.get("page_size"), DEFAULT_PAGE_SIZE)
    page_size = page_size if page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    unfiltered = not any(value for name in filterset.filters for value in data.getlist(name))
    known = selectors.home_summary()["total"] if unfiltered else None  # cached per data version
    paginator = CappedPaginator(products, page_size, known_count=known)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    province = filterset.form.cleaned_data.get("province") if filterset.is_valid() else None
    taxonomy = selectors.taxonomy_choices()
    places = selectors.place_choices(province) if province else {"communes": [], "legacy_districts": []}
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "products": selectors.attach_references(page.object_list),
        "paginator": paginator,
        "capped": getattr(paginator, "capped", False),
        "total": getattr(paginator, "total", None),
        "sort": sort,
        "sorts": [(key, label) for key, (label, _o) in SORTS.items()],
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "choices": {
            "provinces": selectors.province_choices(),
            "categories": taxonomy["categories"],
            "groups": taxonomy["groups"],
            "product_sets": taxonomy["product_sets"],
            "producer_types": ProducerType.choices,
            "statuses": STATUS_CHOICES,
            "communes": places["communes"],
            "legacy_districts": places["legacy_districts"],
        },
        "selected": {
            "stars": data.getlist("stars"),
            "status": data.getlist("status"),
            "producer_type": data.getlist("producer_type"),
        },
        "query_without_page": _query_without(request, "page"),
        "active_filters": _active_filters(filterset),
        "form_errors": [
            (str(filterset.form.fields[name].label), " ".join(errors)) for name, errors in filterset.form.errors.items()
        ],
    }
    return render(request, "public/catalogue.html", context)


def product_detail(request, pk: int, slug: str):
    product = selectors.product_detail(pk)
    if product is None:
        raise Http404(_("Không tìm thấy sản phẩm"))
    if slug != product.slug:
        return redirect(product, permanent=True)
    certificate = selectors.current_certificate(product)
    verify_url = request.build_absolute_uri(reverse("public:verify", kwargs={"number": certificate.number}))
    context = {
        "product": product,
        "certificate": certificate,
        "history": [c for c in product.certificate_history if c.pk != certificate.pk],
        "listed": selectors.is_listed(product),
        "verify_url": verify_url,
        "qr_svg": qr_svg(verify_url),
        "json_ld": product_json_ld(request, product, certificate),
        "canonical_url": request.build_absolute_uri(product.get_absolute_url()),
    }
    return render(request, "public/product.html", context)


def producer_detail(request, pk: int, slug: str):
    producer = selectors.producer_detail(pk)
    if producer is None:
        raise Http404(_("Không tìm thấy chủ thể"))
    if slug != producer.slug:
        return redirect(producer, permanent=True)
    products = selectors.attach_references(
        selectors.public_products().filter(producer=producer).order_by("name", "pk")[:200]
    )
    return render(request, "public/producer.html", {"producer": producer, "products": products})


def unit_detail(request, kind: str, code: str):
    if kind not in selectors.UNIT_KINDS:
        raise Http404(_("Không tìm thấy địa bàn"))
    unit = selectors.unit_by_key(kind, code)
    if unit is None:
        raise Http404(_("Không tìm thấy địa bàn"))
    figures = selectors.unit_figures(unit)
    products = selectors.attach_references(
        selectors.listed_products().filter(selectors.unit_products_q(unit)).order_by("-cert_issued_on", "-pk")[:12]
    )
    context = {
        "unit": unit,
        "kind": kind,
        "figures": figures,
        "targets": figures["targets"],
        "products": products,
        "sales_points": list(selectors.sales_points_in(unit).order_by("name")[:50]),
        "catalogue_url": reverse("public:catalogue") + "?" + urlencode(catalogue_params(unit)),
        "statistics_url": reverse("public:statistics") + "?" + urlencode(statistics.scope_params(unit)),
    }
    return render(request, "public/unit.html", context)


def catalogue_params(unit) -> dict:
    if unit.structure == Structure.CURRENT:
        return {"province": unit.code} if unit.level == Level.PROVINCE else {"commune": unit.code}
    if unit.level == Level.DISTRICT:
        return {"legacy_district": unit.code}
    return {"q": unit.name}


@require_GET
def verify_form(request):
    number = (request.GET.get("number") or "").strip()
    if number:
        return redirect("public:verify", number=number)
    return render(request, "public/verify_form.html")


def verify(request, number: str):
    certificate = selectors.certificate_for_verification(number)
    if certificate is None:
        return render(request, "public/verify_not_found.html", {"number": number}, status=404)
    revocation = _revocation(certificate)
    context = {
        "certificate": certificate,
        "product": certificate.product,
        "revocation": revocation,
        "active": certificate.status in Status.ACTIVE,
        "status_label": Status.LABELS[certificate.status],
        "today": selectors.today(),
    }
    response = render(request, "public/verify.html", context)
    response["Cache-Control"] = "no-cache"  # the status is live: always ask again
    return response


def verify_qr(request, number: str):
    """The QR code a producer prints on a label: it opens this certificate's verification page."""
    if selectors.certificate_for_verification(number) is None:
        raise Http404(_("Không tìm thấy giấy chứng nhận"))
    url = request.build_absolute_uri(reverse("public:verify", kwargs={"number": number}))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#1a1a1a")
    response = HttpResponse('<?xml version="1.0" encoding="utf-8"?>\n' + svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{escape(number)}.svg"'
    return response


def statistics_page(request):
    scope = statistics.Scope.from_params(request.GET)
    report = statistics.report(scope)
    context = {
        "scope": scope,
        "report": report,
        "charts": statistics.build_charts(report),
        "provinces": selectors.province_choices(),
        "legacy_districts": selectors.legacy_district_choices(scope.province.code) if scope.province else [],
        "download_query": urlencode(scope.params()),
    }
    return render(request, "public/statistics.html", context)


def statistics_download(request, fmt: str):
    scope = statistics.Scope.from_params(request.GET)
    report = statistics.report(scope)
    filename = f"thong-ke-ocop-{scope.slug()}"
    if fmt == "xlsx":
        response = HttpResponse(
            statistics.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if fmt == "csv":
        response = HttpResponse(statistics.to_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    raise Http404(_("Định dạng không hỗ trợ"))


def favicon(request):
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=True)  # resolved per request (manifest storage)


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("public:sitemap-index"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /accounts/", "Disallow: /can-bo/", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# -- helpers ---------------------------------------------------------------------------------------------------------
def qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1a1a1a", omitsize=True))


def product_json_ld(request, product, certificate) -> str:
    """schema.org Product, escaped for a <script type="application/ld+json"> data block."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "category": product.product_set.name,
        "brand": {"@type": "Organization", "name": product.producer.name},
        "manufacturer": {
            "@type": "Organization",
            "name": product.producer.name,
            "url": request.build_absolute_uri(product.producer.get_absolute_url()),
            "address": {
                "@type": "PostalAddress",
                "addressLocality": product.commune.name,
                "addressRegion": product.province.name,
                "addressCountry": "VN",
            },
        },
        "countryOfOrigin": {"@type": "Country", "name": "Việt Nam"},
        "award": f"OCOP {certificate.stars}★ ({certificate.number})",
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "OCOP", "value": certificate.stars},
            {"@type": "PropertyValue", "name": "certificate", "value": certificate.number},
            {"@type": "PropertyValue", "name": "validUntil", "value": certificate.expires_on.isoformat()},
        ],
    }
    if product.code:
        data["productID"] = product.code
    if product.description:
        data["description"] = product.description
    photos = [request.build_absolute_uri(p.image.url) for p in product.photos.all()]
    if photos:
        data["image"] = photos
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _revocation(certificate):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return certificate.revocation
    except ObjectDoesNotExist:
        return None


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _active_filters(filterset) -> list[tuple[str, str]]:
    """(label, value) of the filters in use, for the chips above the results."""
    if not filterset.is_valid():
        return []
    chips = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        if hasattr(field, "choices") and field.choices:
            labels = dict((str(k), v) for k, v in field.choices)
            values = value if isinstance(value, list | tuple) else [value]
            shown = ", ".join(str(labels.get(str(v), v)) for v in values)
        else:
            shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value)
        chips.append((str(field.label), shown))
    return chips


SITE_URL = settings.SITE_URL
