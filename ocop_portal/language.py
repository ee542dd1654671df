"""Vietnamese by default, English when the visitor chose it with the switch in the header.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English to the many
officers whose computers run an English-language system. Pages therefore follow only the language cookie that
the ``set_language`` view writes; API clients, which cannot click a switch, may still ask with Accept-Language.
See docs/adr/0009-vietnamese-by-default-language-choice.md.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin

API_PREFIX = "/api/"


def chosen_language(request) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    if request.path.startswith(API_PREFIX):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class PortalLocaleMiddleware(MiddlewareMixin):
    """Replaces django.middleware.locale.LocaleMiddleware (the portal has no language prefixes in its URLs)."""

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language comes from the cookie (and, for the API, the header): shared caches must keep them apart.
        patch_vary_headers(
            response, ("Cookie", "Accept-Language") if request.path.startswith(API_PREFIX) else ("Cookie",)
        )
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
