"""Template helpers of the officer certificate pages."""

from django import template

from evaluations.selectors_certificates import is_officer

register = template.Library()


@register.filter
def is_certificate_officer(user) -> bool:
    """Show the certificates menu only to those who may open it."""
    return is_officer(user)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination and filter links keep the others)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
