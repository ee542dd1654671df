"""Throttling per API token (or logged-in user) and per address for anonymous clients; 429 with Retry-After.

Counters live in the ``throttle`` cache (Redis when configured, so every web worker shares them) and the rates are
read from settings on each request, so they can be changed without a restart of the class definitions.
"""

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _SharedCacheMixin:
    @property
    def cache(self):
        from django.conf import settings

        return caches["throttle" if "throttle" in settings.CACHES else "default"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SharedCacheMixin, AnonRateThrottle):
    """Anonymous clients, by address."""


class TokenThrottle(_SharedCacheMixin, UserRateThrottle):
    """Clients with an API token (issued in the admin) or a session, by user: each token has its own budget."""


class ExportThrottle(_SharedCacheMixin, SimpleRateThrottle):
    """The bulk export is cheap when cached but large: a few downloads per client and hour are plenty."""

    scope = "export"
    default_rate = "30/hour"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
