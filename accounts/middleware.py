"""Sets request.municipality (the municipality the logged-in user is working in right now) and
logs operators' support access."""

import re

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.defaults import permission_denied

from . import services
from .models import Municipality
from .permissions import member_municipality_list, support_grant_for, support_grants

SESSION_KEY = "keck_municipality"


def current_municipality(request):
    """The municipality chosen in the switcher, else the user's first; None for the public."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    municipalities = member_municipality_list(user)
    chosen = request.session.get(SESSION_KEY)
    for municipality in municipalities:
        if municipality.slug == chosen:
            return municipality
    return municipalities[0] if municipalities else None


class CurrentMunicipalityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality = SimpleLazyObject(lambda: current_municipality(request))
        return self.get_response(request)


# Paths that name the municipality they read: the internal API of one municipality.
_API_OF_MUNICIPALITY = re.compile(r"^/api/v1/municipalities/(?P<slug>[^/]+)/")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _operator(request):
    """The staff account behind the request, also for an API token (DRF authenticates tokens in
    the view, too late to refuse a write); None for everyone else."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user if user.is_staff else None
    if not request.headers.get("Authorization", "").startswith("Token "):
        return None
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        authenticated = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return authenticated[0] if authenticated and authenticated[0].is_staff else None


def _grant_of_request(request, user):
    """The support grant under which this request reads internal data, or None: the API of a
    granted municipality, or an internal page (/app/) while a granted municipality is the
    current one. Public pages, login and the switcher are no internal data."""
    grants = support_grants(user)
    if not grants:
        return None
    path = request.path_info
    match = _API_OF_MUNICIPALITY.match(path)
    if match:
        municipality = Municipality.objects.filter(slug=match["slug"]).first()
        return support_grant_for(user, municipality)
    if path.startswith(("/app/", "/api/")):
        # The current municipality comes from the session; a token request to an API path
        # without a municipality (the list of municipalities, the own task inbox) has none and
        # reads nothing internal of a granted municipality: an operator holds no steps there.
        municipality = getattr(request, "municipality", None) if request.user == user else None
        return support_grant_for(user, municipality or None)
    return None


class SupportAccessMiddleware:
    """Operator access by consent (issue 11): logs every request of a staff account to a
    municipality's internal pages and API under a support grant, and refuses its writes there.

    The permission module already gives operators only reading actions; refusing every write
    method here as well keeps support read-only even where a view checks no more than
    VIEW_INTERNAL before it writes. Costs no query for non-staff users with a session (a token
    request: one, to learn whose token it is); a staff account costs one query for its grants
    (shared with the permission checks) and, under a grant, one insert.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = _operator(request)
        grant = _grant_of_request(request, user) if user is not None else None
        if grant is None:
            return self.get_response(request)
        if request.method not in _SAFE_METHODS:
            response = self._refuse(request)
        else:
            response = self.get_response(request)
        services.record_support_access(
            grant=grant,
            user=user,
            method=request.method,
            path=request.get_full_path(),
            status_code=response.status_code,
        )
        return response

    def _refuse(self, request):
        message = _("Support access is read-only: operators cannot change anything here.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return permission_denied(request, PermissionDenied(message))
