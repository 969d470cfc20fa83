"""The leadership dashboard under /app/measures/dashboard/, also the index of the app.

Leadership and coordinators (VIEW_DASHBOARD) see the dashboard; other members who open the app
land on the measure plan. Thin: reads through selectors_dashboard, the visit is recorded by
services_dashboard after the page has been computed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, require

from . import selectors_dashboard as selectors
from . import services_dashboard as services
from .forms_dashboard import DashboardFilterForm
from .models import Measure

# Colours of the measure statuses in the chart (the legend and table name them in words).
MEASURE_STATUS_COLOURS = {
    Measure.Status.PLANNED: "#7a8b99",
    Measure.Status.RUNNING: "#1d5c7a",
    Measure.Status.DONE: "#2e7d32",
    Measure.Status.DELAYED: "#c77700",
    Measure.Status.DROPPED: "#555555",
}
GOALS_COLOUR = "#1d5c7a"
MEASURES_COLOUR = "#e0a526"


def _charts(board: selectors.Dashboard) -> dict:
    """The data of the plotly charts; the page shows the same numbers as tables."""

    def grouped(rows):
        return {
            "labels": [row.label for row in rows],
            "goals": [row.goals for row in rows],
            "measures": [row.measures for row in rows],
        }

    return {
        "names": {"goals": _("Goals"), "measures": _("Measures")},
        "colours": {"goals": GOALS_COLOUR, "measures": MEASURES_COLOUR},
        "statuses": {
            "labels": [row.label for row in board.measures_by_status],
            "counts": [row.count for row in board.measures_by_status],
            "colours": [MEASURE_STATUS_COLOURS[row.status] for row in board.measures_by_status],
        },
        "areas": grouped(board.per_area),
        "fields": grouped(board.per_field_of_action),
    }


def _page(request, municipality: Municipality):
    user = request.user
    now = timezone.now()
    since, first_visit = selectors.default_since(user=user, municipality=municipality, now=now)
    form = DashboardFilterForm(request.GET, municipality=municipality)
    if form.is_valid():
        filters = form.filters()
        # While the viewer filters, the changes stay those since the visit before this one.
        if form.cleaned_data.get("since"):
            since, first_visit = form.cleaned_data["since"], False
    else:
        filters = selectors.Filters()
        messages.error(request, _("The filter could not be applied; the dashboard shows all."))
    board = selectors.dashboard(
        user=user, municipality=municipality, filters=filters, since=since, first_visit=first_visit
    )
    response = render(
        request,
        "measures/dashboard.html",
        {
            "municipality": municipality,
            "board": board,
            "form": form,
            "since_value": since.isoformat(),
            "charts": _charts(board),
            "status_colours": MEASURE_STATUS_COLOURS,
        },
    )
    services.record_visit(user=user, municipality=municipality, seen_at=now)
    return response


@login_required
def index(request):
    """The app's start: the dashboard for those who may see it, else the measure plan."""
    municipality = current_municipality(request)
    if not can(request.user, Action.VIEW_DASHBOARD, municipality):
        return redirect("measures:measures")
    return _page(request, municipality)


@login_required
def dashboard(request):
    municipality = current_municipality(request)
    require(request.user, Action.VIEW_DASHBOARD, municipality)
    return _page(request, municipality)


urlpatterns = [path("dashboard/", dashboard, name="dashboard")]
