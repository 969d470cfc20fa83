"""Read API of the atlas, scoped by permissions (levels, areas, indicators, values)."""

from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework import generics, serializers

from accounts.models import Municipality
from accounts.permissions import Action, can

from . import selectors
from .models import SpatialLevel


def municipality_for_request(request, slug) -> Municipality:
    """The municipality of the URL, or 404 when the caller may not even see its public atlas."""
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_PUBLIC, municipality):
        from django.http import Http404

        raise Http404
    return municipality


class LevelSerializer(serializers.ModelSerializer):
    area_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SpatialLevel
        fields = ["id", "name", "slug", "depth", "area_count"]


class LevelList(generics.ListAPIView):
    """The spatial levels of a municipality, coarse to fine."""

    serializer_class = LevelSerializer

    def get_queryset(self):
        municipality = municipality_for_request(self.request, self.kwargs["slug"])
        return selectors.levels_for(user=self.request.user, municipality=municipality)


urlpatterns = [
    path("municipalities/<slug:slug>/levels/", LevelList.as_view(), name="api-levels"),
]
