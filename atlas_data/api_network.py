"""API of the KECK network comparison: the compared catalogue entries and each municipality's
released values (public, the same for every caller), and the opt-in of an indicator (data
admins). Thin: reads through `selectors_network`, the write through `services.network`.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, selectors_network
from .api import internal_municipality_for_request
from .api_citation import CitationSerializer
from .models import Indicator
from .services.errors import AtlasError
from .services.network import set_network_shared
from .suppression import STATUS_MISSING, STATUS_OK, STATUS_SUPPRESSED


class NetworkMunicipalityBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    atlas_url = serializers.SerializerMethodField(help_text="The municipality's public atlas")

    def get_atlas_url(self, municipality) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("public_atlas", kwargs={"slug": municipality.slug})
        )


class NetworkEntrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Code of the starter catalogue entry")
    name = serializers.CharField(source="entry.name")
    topic = serializers.CharField(source="topic_name")
    unit = serializers.CharField(source="entry.unit")
    kind = serializers.CharField(source="entry.kind")
    definition = serializers.CharField(source="entry.definition")
    municipalities = NetworkMunicipalityBriefSerializer(many=True)
    years = serializers.ListField(
        child=serializers.IntegerField(), help_text="Years released by at least one municipality"
    )
    url = serializers.SerializerMethodField(help_text="The comparison as a web page")

    def get_url(self, item) -> str:
        return self.context["request"].build_absolute_uri(item.url)


class NetworkYearValueSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField(
        source="shown.value", allow_null=True, help_text="null when suppressed or missing"
    )
    display = serializers.CharField(
        source="shown.display", help_text="German: `16,15 %`, `1.583`, `k. A.`, `–`"
    )
    status = serializers.ChoiceField(
        source="shown.status", choices=[STATUS_OK, STATUS_SUPPRESSED, STATUS_MISSING]
    )
    origin = serializers.SerializerMethodField(
        help_text="`published`: the municipality's published total; `computed`: weighted from "
        "its areas; null without a value"
    )
    released_at = serializers.DateTimeField(
        allow_null=True, help_text="null: the municipality has not released this year"
    )
    citation = serializers.SerializerMethodField()

    def get_origin(self, cell) -> str | None:
        return None if cell.shown.status == STATUS_MISSING else cell.shown.origin

    @extend_schema_field(
        CitationSerializer(
            allow_null=True,
            help_text="How to cite the municipality's release of this year; null while not "
            "released",
        )
    )
    def get_citation(self, cell) -> dict | None:
        return cell.citation.as_dict() if cell.citation else None


class NetworkDifferenceSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Name of the indicator field, e.g. `reference_date`")
    label = serializers.CharField(help_text="The field's name in the caller's language")
    own = serializers.CharField(source="own_text", help_text="The municipality's indicator")
    catalogue = serializers.CharField(source="catalogue_text", help_text="The catalogue entry")


class NetworkIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.CharField()
    rate_base = serializers.IntegerField()
    definition = serializers.CharField()
    data_source = serializers.CharField()
    data_holder = serializers.CharField()
    reference_date = serializers.CharField()


class NetworkMemberSerializer(serializers.Serializer):
    municipality = NetworkMunicipalityBriefSerializer()
    indicator = NetworkIndicatorSerializer()
    public_url = serializers.SerializerMethodField()
    values = NetworkYearValueSerializer(many=True, help_text="One per year of the comparison")
    source_notes = serializers.ListField(child=serializers.CharField())
    differences = NetworkDifferenceSerializer(
        many=True, help_text="Where the indicator departs from the catalogue entry"
    )

    def get_public_url(self, member) -> str:
        return self.context["request"].build_absolute_uri(member.public_url)


class NetworkComparisonSerializer(serializers.Serializer):
    code = serializers.CharField(source="entry.code")
    name = serializers.CharField(source="entry.name")
    topic = serializers.CharField(source="topic_name")
    unit = serializers.CharField(source="entry.unit")
    kind = serializers.CharField(source="entry.kind")
    definition = serializers.CharField(source="entry.definition")
    years = serializers.ListField(child=serializers.IntegerField())
    comparable_units = serializers.BooleanField(
        help_text="false when the municipalities measure in different units or kinds"
    )
    notes = serializers.ListField(child=serializers.CharField(), help_text="Comparability notes")
    members = NetworkMemberSerializer(many=True)


class NetworkEntryList(APIView):
    """The starter catalogue entries that at least two municipalities compare (public)."""

    @extend_schema(responses=NetworkEntrySerializer(many=True))
    def get(self, request):
        entries = selectors_network.network_entries()
        return Response(
            NetworkEntrySerializer(entries, many=True, context={"request": request}).data
        )


class NetworkEntryDetail(APIView):
    """Each municipality's released value of one catalogue entry per year (public): its
    published total, else weighted from its areas, with its own suppression applied."""

    @extend_schema(responses=NetworkComparisonSerializer)
    def get(self, request, code):
        comparison = selectors_network.network_comparison(code=code, base=request)
        if comparison is None:
            raise Http404
        return Response(NetworkComparisonSerializer(comparison, context={"request": request}).data)


class NetworkShareSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    catalogue_code = serializers.CharField(read_only=True)
    network_shared = serializers.BooleanField(
        help_text="Compare the released years of this indicator in the KECK network"
    )


class IndicatorNetworkShare(APIView):
    """Whether an indicator is compared in the KECK network; PUT/PATCH switch it (those who may
    release the indicator's topic; only indicators linked to a starter catalogue entry)."""

    def _indicator(self, request, slug, pk, *, write: bool) -> Indicator:
        municipality = internal_municipality_for_request(request, slug, write=write)
        try:
            return selectors.indicator_for(user=request.user, municipality=municipality, pk=pk)
        except Indicator.DoesNotExist as exc:
            raise Http404 from exc

    @extend_schema(responses=NetworkShareSerializer)
    def get(self, request, slug, pk):
        indicator = self._indicator(request, slug, pk, write=False)
        return Response(NetworkShareSerializer(indicator).data)

    def _change(self, request, slug, pk):
        indicator = self._indicator(request, slug, pk, write=True)
        data = NetworkShareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            set_network_shared(
                user=request.user,
                indicator=indicator,
                shared=data.validated_data["network_shared"],
            )
        except AtlasError as exc:
            raise ValidationError({"network_shared": [str(exc)]}) from exc
        return Response(NetworkShareSerializer(indicator).data)

    @extend_schema(request=NetworkShareSerializer, responses=NetworkShareSerializer)
    def put(self, request, slug, pk):
        return self._change(request, slug, pk)

    @extend_schema(request=NetworkShareSerializer, responses=NetworkShareSerializer)
    def patch(self, request, slug, pk):
        return self._change(request, slug, pk)


urlpatterns = [
    path("network/", NetworkEntryList.as_view(), name="api-network"),
    path("network/<slug:code>/", NetworkEntryDetail.as_view(), name="api-network-entry"),
    path(
        "municipalities/<slug:slug>/indicators/<int:pk>/network/",
        IndicatorNetworkShare.as_view(),
        name="api-indicator-network",
    ),
]
