"""Pages of the goals and measures part of KECK: thin views, one module per part."""

from django.urls import include, path
from django.utils.translation import gettext_lazy

from keck.history import history_page
from keck.shell import KeckApplication, MenuEntry

from . import views_dashboard, views_goals, views_measures, views_reports


class MeasuresApp(KeckApplication):
    title = gettext_lazy("Goals and measures")
    icon = "flag"
    app_name = "measures"
    menu = (
        MenuEntry(gettext_lazy("Dashboard"), "index", "monitoring", "view_dashboard"),
        MenuEntry(gettext_lazy("Impact goals"), "goals", "flag"),
        MenuEntry(gettext_lazy("Measure plan"), "measures", "checklist"),
        MenuEntry(gettext_lazy("Impact hypotheses"), "hypotheses", "lightbulb"),
        MenuEntry(gettext_lazy("Reports"), "reports", "description"),
    )

    index_path = path("", views_dashboard.index, name="index")
    dashboard_path = path("", include(views_dashboard.urlpatterns))  # dashboard/
    goals_path = path("", include(views_goals.urlpatterns))  # goals/, hypotheses/
    measures_path = path("", include(views_measures.urlpatterns))  # plan/, plan/<id>/ …
    reports_path = path("", include(views_reports.urlpatterns))  # reports/ …
    # History with restore (keck.history) of goals, measures and sub-steps.
    history_path = path("history/<slug:kind>/<str:ref>/", history_page, name="history")
