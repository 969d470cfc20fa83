"""Pages of the control cycle part of KECK: thin views."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.urls import Application

from accounts.permissions import Action, require


@login_required
def overview(request):
    municipality = request.municipality
    if not municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, municipality)
    return render(request, "workflow/overview.html", {"municipality": municipality})


class ProcessApp(Application):
    title = gettext_lazy("Control cycle")
    icon = "sync"
    app_name = "process"
    base_template_name = "keck/base_page.html"

    index_path = path("", overview, name="index")
