"""Pages of the conferences part of KECK: thin views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import include, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, require
from keck.shell import KeckApplication, MenuEntry

from . import views_analysis, views_sheets


@login_required
def overview(request):
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, municipality)
    return render(request, "conferences/overview.html", {"municipality": municipality})


class ConferencesApp(KeckApplication):
    title = gettext_lazy("Conferences")
    icon = "groups"
    app_name = "conferences"
    menu = (
        MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),
        MenuEntry(gettext_lazy("Analysis"), "analysis", "insights"),
        MenuEntry(gettext_lazy("Reflection sheets"), "sheets", "fact_check"),
        MenuEntry(gettext_lazy("Question catalogues"), "catalogues", "quiz"),
    )

    index_path = path("", overview, name="index")
    analysis_path = path("", include(views_analysis.urlpatterns))  # analysis/, <id>/analysis/…
    sheets_path = path("", include(views_sheets.urlpatterns))  # sheets/, catalogues/ …
