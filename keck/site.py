"""The internal UI shell: viewflow's Site with one Application per part of KECK."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from accounts.views import AdministrationApp
from atlas_data.views import AtlasApp
from conferences.views import ConferencesApp
from measures.views import MeasuresApp
from workflow.views import ProcessApp

site = Site(
    title=_("KECK"),
    primary_color="#1d5c7a",
    secondary_color="#e0a526",
    viewsets=[AtlasApp(), ConferencesApp(), MeasuresApp(), ProcessApp(), AdministrationApp()],
)
