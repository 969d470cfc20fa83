"""Atlas pages of the internal area and the public landing page of a municipality: thin views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keck.shell import KeckApplication, MenuEntry
from accounts.models import Municipality
from accounts.permissions import Action, can, require

from . import import_views, selectors


@login_required
def atlas_home(request):
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, municipality)
    return render(
        request,
        "atlas_data/home.html",
        {
            "municipality": municipality,
            "levels": selectors.levels_for(user=request.user, municipality=municipality),
            "indicators": selectors.indicators_for(user=request.user, municipality=municipality),
            "may_edit": can(request.user, Action.EDIT_ATLAS_DATA, municipality),
        },
    )


def public_atlas(request, slug):
    """The public atlas of a municipality: only released data."""
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_PUBLIC, municipality):
        raise Http404
    levels = selectors.levels_for(user=request.user, municipality=municipality)
    indicators = selectors.indicators_for(user=None, municipality=municipality)
    return render(
        request,
        "atlas_data/public_home.html",
        {"municipality": municipality, "levels": levels, "indicators": indicators},
    )


class AtlasApp(KeckApplication):
    title = gettext_lazy("Atlas")
    icon = "map"
    app_name = "atlas"
    menu = (
        MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),
        MenuEntry(gettext_lazy("Imports"), "imports", "upload_file", Action.EDIT_ATLAS_DATA),
    )

    index_path = path("", atlas_home, name="index")
    imports_path = path("imports/", import_views.import_list, name="imports")
    import_new_path = path("imports/new/", import_views.import_new, name="import_new")
    import_detail_path = path(
        "imports/<int:pk>/", import_views.import_detail, name="import_detail"
    )
