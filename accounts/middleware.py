"""Sets request.municipality: the municipality the logged-in user is working in right now."""

from django.utils.functional import SimpleLazyObject

from .permissions import member_municipalities

SESSION_KEY = "keck_municipality"


def current_municipality(request):
    """The municipality chosen in the switcher, else the user's first; None for the public."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    municipalities = list(member_municipalities(user))
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
