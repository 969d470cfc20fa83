"""Pages of the goals and measures part of KECK: thin views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, require
from keck.shell import KeckApplication, MenuEntry


@login_required
def overview(request):
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, municipality)
    return render(request, "measures/overview.html", {"municipality": municipality})


class MeasuresApp(KeckApplication):
    title = gettext_lazy("Goals and measures")
    icon = "flag"
    app_name = "measures"
    menu = (MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),)

    index_path = path("", overview, name="index")
