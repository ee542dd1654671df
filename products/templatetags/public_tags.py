"""Small helpers for the public templates: stars, status labels, placeholders."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _

from evaluations.status import Status

register = template.Library()

CATEGORY_ICONS = {"I": "I", "II": "II", "III": "III", "IV": "IV", "V": "V", "VI": "VI"}


@register.filter
def star_glyphs(stars) -> str:
    try:
        return "★" * int(stars)
    except (TypeError, ValueError):
        return ""


@register.filter
def status_label(status) -> str:
    return str(Status.LABELS.get(status, status or ""))


@register.filter
def is_active_status(status) -> bool:
    return status in Status.ACTIVE


@register.simple_tag
def category_icon(code) -> str:
    return static(f"img/categories/{CATEGORY_ICONS.get(code, 'I')}.svg")


@register.filter
def stars_label(stars) -> str:
    return _("%(n)s sao") % {"n": stars}


@register.simple_tag
def product_card(product) -> str:
    """One product card (catalogue, home, unit and producer pages), built in Python: the catalogue shows up to 96
    cards and the template version cost more than a millisecond each. Same markup as the design in public.css."""
    from products.api.serializers import product_path

    category = product.product_set.group.category.code
    url = product_path(product.pk, product.slug)
    stars = product.cert_stars
    return format_html(
        '<article class="card card-product h-100">'
        '<a class="product-thumb product-thumb-{category}" href="{url}" tabindex="-1" aria-hidden="true">'
        '<img src="{icon}" alt="" class="product-thumb-icon" width="64" height="64" loading="lazy"></a>'
        '<div class="card-body d-flex flex-column">'
        '<div class="d-flex justify-content-between align-items-start gap-2 mb-2">'
        '<span class="ocop-mark" title="{stars_title}"><span class="ocop-mark-label">OCOP</span>'
        '<span class="ocop-mark-stars" aria-hidden="true">{glyphs}</span>'
        '<span class="visually-hidden">{stars_label}</span></span>'
        '<span class="badge rounded-pill status-badge badge-status-{status}">{status_label}</span></div>'
        '<h3 class="h6 card-title mb-1"><a class="stretched-link text-reset text-decoration-none" href="{url}">'
        "{name}</a></h3>"
        '<p class="small text-body-secondary mb-2">{producer}</p>'
        '<p class="small mb-0 mt-auto text-body-secondary"><span class="visually-hidden">{place_label}: </span>'
        "{commune}, {province}</p></div></article>",
        category=category,
        url=url,
        icon=category_icon(category),
        stars_title=_("Sản phẩm OCOP %(n)s sao") % {"n": stars},
        glyphs=star_glyphs(stars),
        stars_label=_("%(n)s sao") % {"n": stars},
        status=product.status,
        status_label=status_label(product.status),
        name=product.name,
        producer=product.producer.name,
        place_label=_("Địa phương"),
        commune=product.commune.name,
        province=product.province.name,
    )
