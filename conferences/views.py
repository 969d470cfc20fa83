"""Pages of the conferences part of KECK: thin views."""

from django.urls import include, path
from django.utils.translation import gettext_lazy

from keck.history import history_page
from keck.shell import KeckApplication, MenuEntry

from . import views_analysis, views_meetings, views_sheets

MANAGE = "manage_conferences"


class ConferencesApp(KeckApplication):
    title = gettext_lazy("Conferences")
    icon = "groups"
    app_name = "conferences"
    menu = (
        MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),
        MenuEntry(gettext_lazy("Action items"), "action_items", "task_alt"),
        MenuEntry(gettext_lazy("Minutes template"), "minutes_template", "article", MANAGE),
        MenuEntry(gettext_lazy("Analysis"), "analysis", "insights"),
        MenuEntry(gettext_lazy("Reflection sheets"), "sheets", "fact_check"),
        MenuEntry(gettext_lazy("Question catalogues"), "catalogues", "quiz"),
    )

    index_path = path("", views_meetings.overview, name="index")
    meetings_path = path("", include(views_meetings.urlpatterns))  # conferences/, sessions/ …
    analysis_path = path("", include(views_analysis.urlpatterns))  # analysis/, <id>/analysis/…
    sheets_path = path("", include(views_sheets.urlpatterns))  # sheets/, catalogues/ …
    # History with restore (keck.history) of answers, agreed answers, decisions and minutes.
    history_path = path("history/<slug:kind>/<str:ref>/", history_page, name="history")
