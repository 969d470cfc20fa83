"""Project middleware: German first, the Permissions-Policy header and the request size limit."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class GermanFirstLocaleMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Municipal staff often use browsers set to English by IT departments; KECK speaks German to
    them until they pick English themselves (the choice is kept in the language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Sends settings.KECK_PERMISSIONS_POLICY: Django's SecurityMiddleware has no setting for it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.KECK_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than any accepted upload, with 413.

    Django writes an uploaded file to disk before any form sees it; without this a single huge
    request could fill the disk. The upload check (keck.uploads) gives the precise message for
    files just above their own limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.KECK_MAX_REQUEST_MB * 1024 * 1024

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            with translation.override(_language(request)):
                message = _(
                    "The upload is too large: at most %(limit)d MB are accepted. Please split "
                    "the file or ask the administration."
                ) % {"limit": settings.KECK_MAX_REQUEST_MB - 1}
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
