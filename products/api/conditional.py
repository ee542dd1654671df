"""ETag / Last-Modified for API lists: answered from one cheap query, 304 before any listing work is done."""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from products import selectors


def list_validators(request) -> tuple[str, int]:
    """(ETag, Last-Modified timestamp) of a list response: the data version, the day, the query and the language."""
    version, last_modified = selectors.data_version()
    who = "auth" if request.user and request.user.is_authenticated else "anon"
    key = "|".join([version, request.get_full_path(), get_language() or "", who, request.accepted_renderer.format])
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32]), int(last_modified.timestamp())


class ConditionalListMixin:
    """For list actions: 304 Not Modified when the client's ETag or date is still good; validators on every 200."""

    def list(self, request, *args, **kwargs):
        etag, last_modified = list_validators(request)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            set_validators(not_modified, etag, last_modified)
            return not_modified
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            set_validators(response, etag, last_modified)
        return response


def set_validators(response, etag: str, last_modified: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Shared caches may keep it; everyone must revalidate (a status can change at midnight).
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    response["Vary"] = "Accept, Accept-Language, Authorization, Cookie"
