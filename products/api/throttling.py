"""Throttling per API token (or logged-in user) and per address for anonymous clients; 429 with Retry-After.

Counters live in the ``throttle`` cache (Redis when ``REDIS_URL`` is set, so every web worker shares them). Rates
are read from settings on each request. If the counter store is unreachable the request is let through and the
fault logged: an outage of Redis must not take the public API down with it.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class _SharedCacheMixin:
    @property
    def cache(self):
        return caches["throttle" if "throttle" in settings.CACHES else "default"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or getattr(self, "default_rate", None)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # the counter store is down: serve rather than fail
            logger.warning("API throttling skipped: the throttle cache is unreachable", exc_info=True)
            return True


class AnonThrottle(_SharedCacheMixin, AnonRateThrottle):
    """Anonymous clients, by address."""


class TokenThrottle(_SharedCacheMixin, UserRateThrottle):
    """Clients with an API token (issued in the admin) or a session, by user: each token has its own budget."""


class ExportThrottle(_SharedCacheMixin, SimpleRateThrottle):
    """The bulk export is cheap when cached but large: a few downloads per client and hour are plenty."""

    scope = "export"
    default_rate = "30/hour"

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
