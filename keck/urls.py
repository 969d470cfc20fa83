"""URL map: public pages, the internal viewflow site, auth, API and health check."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from viewflow.contrib.auth import AuthViewset

from accounts.views import switch_municipality
from keck import views
from keck.site import site

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("municipality/switch/", switch_municipality, name="switch_municipality"),
    path("atlas/", views.atlas_index, name="atlas_index"),
    path("atlas/<slug:slug>/", include("atlas_data.public_urls")),
    path("netzwerk/", include("atlas_data.network_urls")),
    path("api/v1/", include("keck.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start script as a file: the CSP forbids inline scripts.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("app/", site.urls),
]
