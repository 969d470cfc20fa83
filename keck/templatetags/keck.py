"""Template helpers of the KECK shell."""

from django import template
from django.urls import NoReverseMatch, reverse

from accounts.permissions import can

register = template.Library()


@register.simple_tag(takes_context=True)
def app_menu_entries(context, app):
    """The menu entries of `app` the current user may use, with their URLs and active state."""
    request = context["request"]
    municipality = getattr(request, "municipality", None)
    entries = []
    for entry in getattr(app, "menu", ()):
        if entry.action and not (municipality and can(request.user, entry.action, municipality)):
            continue
        try:
            url = reverse(f"{app.app_name}:{entry.url_name}")
        except NoReverseMatch:
            continue
        active = request.path == url or (
            url != f"/app/{app.app_name}/" and request.path.startswith(url)
        )
        entries.append({"title": entry.title, "url": url, "icon": entry.icon, "active": active})
    return entries
