"""The versioned REST API: every app registers its routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api")),
    path("", include("atlas_data.api")),
    path("", include("atlas_data.api_imports")),
    path("", include("atlas_data.api_maps")),
    path("", include("atlas_data.api_exports")),
    path("", include("atlas_data.api_pois")),
    path("", include("atlas_data.api_profile")),
    path("", include("atlas_data.api_institutions")),
    path("", include("atlas_data.api_bookmarks")),
    path("", include("atlas_data.api_network")),
    path("", include("conferences.api_meetings")),
    path("", include("conferences.api_sheets")),
    path("", include("conferences.api_analysis")),
    path("", include("measures.api_dashboard")),
    path("", include("measures.api")),
    path("", include("workflow.api")),
]
