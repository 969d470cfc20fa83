"""API of the institution profile (Sozialraumprofil) of a POI: the same data as the page, as
JSON. Everyone who may see the atlas reads it (the public: released POIs and released indicator
years only, also with `?public=true`); every number passes the suppression function, and every
released indicator year shown carries its `citation` (atlas_data.citation). Thin:
`selectors_profile.institution_profile` builds it."""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import municipality_for_request
from .api_citation import CitationSerializer, citation_data
from .api_institutions import InstitutionYearSerializer, institution_points
from .api_pois import _user
from .citation import load_citations
from .exports.profile import citation_pairs
from .models import Indicator, Poi
from .selectors_profile import institution_profile
from .suppression import STATUS_MISSING, STATUS_OK, STATUS_SUPPRESSED

_STATUSES = [STATUS_OK, STATUS_SUPPRESSED, STATUS_MISSING]


class ShownSerializer(serializers.Serializer):
    """A number as it leaves the suppression function."""

    value = serializers.FloatField(allow_null=True, help_text="null when suppressed or missing")
    display = serializers.CharField(help_text="German: `16,15 %`, `1.583`, `k. A.`, `–`")
    status = serializers.ChoiceField(choices=_STATUSES)
    suppressed_but_visible = serializers.BooleanField(
        help_text="true only for data admins: a true value that others see as `k. A.`"
    )


class YearShownSerializer(serializers.Serializer):
    """One (year, number) of a time series."""

    year = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    display = serializers.CharField()
    status = serializers.ChoiceField(choices=_STATUSES)

    def to_representation(self, instance):
        year, shown = instance
        return super().to_representation(
            {"year": year, "value": shown.value, "display": shown.display, "status": shown.status}
        )


class ProfileAreaSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    key = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField(source="level.name")
    depth = serializers.IntegerField(source="level.depth")


class ProfilePoiSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    provider = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    capacity = serializers.IntegerField(allow_null=True)
    target_age_min = serializers.IntegerField(allow_null=True)
    target_age_max = serializers.IntegerField(allow_null=True)
    target_group = serializers.CharField()
    released = serializers.BooleanField(source="is_released")


class ProfileIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    kind = serializers.ChoiceField(source="indicator.kind", choices=Indicator.Kind.choices)
    polarity = serializers.CharField(source="indicator.polarity")
    year = serializers.IntegerField(help_text="the latest year the caller may see")
    previous_year = serializers.IntegerField(allow_null=True)
    released = serializers.BooleanField()
    values = ShownSerializer(many=True, help_text="per area of `areas`, latest year")
    parents = ShownSerializer(many=True, help_text="per area of `parents`, latest year")
    reference = ShownSerializer(allow_null=True, help_text="the whole municipality")
    reference_kind = serializers.CharField(help_text="published, computed or unweighted_mean")
    series = YearShownSerializer(many=True, help_text="the first area over the years")
    change = serializers.CharField(source="change.text", help_text="`+0,40 Pp.`, `k. A.`, `–`")
    change_value = serializers.FloatField(source="change.value", allow_null=True)
    direction = serializers.CharField(help_text="up, down, flat or empty")
    assessment = serializers.CharField(help_text="better or worse by the polarity, or empty")
    citation = serializers.SerializerMethodField()

    @extend_schema_field(
        CitationSerializer(
            allow_null=True, help_text="How to cite the indicator's `year`; null while not released"
        )
    )
    def get_citation(self, row) -> dict | None:
        return citation_data(self.context.get("citations"), row.indicator.pk, row.year)


class InstitutionSeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    released = serializers.BooleanField()
    points = serializers.SerializerMethodField()

    @extend_schema_field(InstitutionYearSerializer(many=True))
    def get_points(self, series) -> list[dict]:
        return institution_points(series, self.context["citations"], self.context["poi"])


class NearbyOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="poi.pk")
    name = serializers.CharField(source="poi.name")
    distance_m = serializers.SerializerMethodField()
    in_area = serializers.BooleanField()

    def get_distance_m(self, offer) -> int:
        return round(offer.distance_m)


class OfferGroupSerializer(serializers.Serializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    offers = NearbyOfferSerializer(many=True)


class InstitutionProfileSerializer(serializers.Serializer):
    poi = ProfilePoiSerializer()
    areas = ProfileAreaSerializer(many=True, help_text="the smallest level (two on a border)")
    parents = ProfileAreaSerializer(many=True, help_text="the levels between, finest first")
    reference_name = serializers.CharField(allow_null=True)
    indicators_chosen = serializers.BooleanField(
        help_text="true: the indicators marked “relevant for steering”; false: every indicator"
    )
    more_indicators = serializers.IntegerField()
    indicators = ProfileIndicatorSerializer(many=True)
    institution = InstitutionSeriesSerializer(many=True)
    radius_m = serializers.IntegerField()
    offers = OfferGroupSerializer(many=True)


class PoiProfile(APIView):
    """The social area profile of one POI: the area it lies in with the key indicators (latest
    value, trend over the years, the municipality's value), the institution's own values and
    the offers nearby (same area or within `radius_m`)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "public", bool, description="`true`: what the public sees, also for a member"
            )
        ],
        responses=InstitutionProfileSerializer,
    )
    def get(self, request, slug, pk):
        municipality = municipality_for_request(request, slug)
        try:
            profile = institution_profile(user=_user(request), municipality=municipality, pk=pk)
        except Poi.DoesNotExist as exc:
            raise Http404 from exc
        # Every released indicator year the answer shows carries its citation (as the page).
        citations = load_citations(
            municipality=municipality,
            pairs=citation_pairs(profile),
            base=request,
            institutions=True,
        )
        context = {"citations": citations, "poi": profile.poi.pk}
        return Response(InstitutionProfileSerializer(profile, context=context).data)


urlpatterns = [
    path(
        "municipalities/<slug:slug>/pois/<int:pk>/profile/",
        PoiProfile.as_view(),
        name="api-poi-profile",
    ),
]
