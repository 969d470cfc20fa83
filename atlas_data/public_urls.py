"""Public atlas of one municipality under /atlas/<slug>/."""

from django.urls import path

from .views import public_atlas

urlpatterns = [
    path("", public_atlas, name="public_atlas"),
]
