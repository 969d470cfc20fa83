"""Pages of the control cycle part of KECK: thin views."""

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
    return render(request, "workflow/overview.html", {"municipality": municipality})


class ProcessApp(KeckApplication):
    title = gettext_lazy("Control cycle")
    icon = "sync"
    app_name = "process"
    menu = (MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),)

    index_path = path("", overview, name="index")
