"""Small helpers for the public templates: stars, status labels, placeholders."""

from django import template
from django.templatetags.static import static
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
