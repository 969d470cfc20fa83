"""The KECK network comparison under /netzwerk/ (public), and the opt-in of an indicator."""

from django.urls import path

from .views_network import network_entry, network_home, network_share

urlpatterns = [
    path("", network_home, name="network"),
    path("indikatoren/<int:pk>/vergleichen/", network_share, name="network_share"),
    path("<slug:code>/", network_entry, name="network_entry"),
]
