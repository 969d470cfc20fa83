"""Pages of the control cycle part of KECK: thin views, one module per part (cycles, tasks)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy

from keck.shell import KeckApplication, MenuEntry

from . import views_cycles, views_tasks


@login_required
def step_page(request, **kwargs):
    """The page of a step task, for viewflow's own task URLs (the flows name it as their
    nodes' view): our step page, which completes the step through workflow.services."""
    return redirect("process:step", pk=kwargs["task_pk"])


class ProcessApp(KeckApplication):
    title = gettext_lazy("Control cycle")
    icon = "sync"
    app_name = "process"
    menu = (
        MenuEntry(gettext_lazy("Overview"), "index", "dashboard"),
        MenuEntry(gettext_lazy("Task inbox"), "inbox", "inbox"),
    )

    index_path = path("", views_cycles.index, name="index")
    cycles_path = path("", include(views_cycles.urlpatterns))  # cycles/, settings/
    tasks_path = path("", include(views_tasks.urlpatterns))  # inbox/, tasks/<id>/ …
