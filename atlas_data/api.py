"""Read API of the atlas, scoped by permissions (levels, areas, indicators, values).

Thin: every read goes through the selectors, every number through the suppression function.
The public (and any caller without a membership) sees released indicators and years only.
"""

from __future__ import annotations

import functools
import gzip
import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Municipality
from accounts.permissions import Action, can

from . import cache as atlas_cache
from . import selectors, selectors_explore
from .api_citation import CitationSerializer, citation_data, corrected_on
from .citation import load_citations
from .models import Indicator, PoiCategory, SpatialLevel
from .selectors_exports import ExportError, parse_ids
from .suppression import STATUS_MISSING, STATUS_OK, STATUS_SUPPRESSED


def municipality_for_request(request, slug) -> Municipality:
    """The municipality of the URL, or 404 when the caller may not even see its public atlas."""
    municipality = getattr(request, "atlas_municipality", None)  # looked up by `_atlas_etag`
    if municipality is None or municipality.slug != slug:
        municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_PUBLIC, municipality):
        raise Http404
    return municipality


def internal_municipality_for_request(request, slug, *, write: bool = False) -> Municipality:
    """The municipality of the URL for its internal data: members get it, everyone else 404 (a
    write without login 401), so that outsiders do not even learn what exists."""
    if write and not request.user.is_authenticated:
        raise NotAuthenticated
    municipality = municipality_for_request(request, slug)
    if not can(request.user, Action.VIEW_INTERNAL, municipality):
        raise Http404
    return municipality


def _atlas_etag(request, slug, *args, **kwargs) -> str | None:
    """The ETag of an answer made of atlas data: the municipality's data version, the request
    and what kind of viewer asks (public, member, sees suppressed values) in which language.

    None (no conditional answer) where the caller may not see the municipality at all; the
    view then answers 404 as usual.
    """
    municipality = Municipality.objects.filter(slug=slug).first()
    request.atlas_municipality = municipality
    viewer = None if request.GET.get("public") in ("1", "true") else request.user
    if municipality is None or not can(viewer, Action.VIEW_PUBLIC, municipality):
        return None
    kind = (
        can(viewer, Action.VIEW_INTERNAL, municipality),
        can(viewer, Action.VIEW_SUPPRESSED_VALUES, municipality),
    )
    # The whole URL: answers may hold absolute links (citations).
    etag = atlas_cache.etag(
        municipality.pk, request.build_absolute_uri(), kind, translation.get_language()
    )
    request.atlas_etag = etag  # the view stores its answer under it (`stored_answer`)
    return etag


def atlas_conditional(view_class):
    """Answers of the view's GET named by their ETag (`_atlas_etag`): 304 Not Modified to a
    browser that has it, else the answer stored by `stored_answer`, else the view.

    The ETag holds everything an answer and its permission checks depend on: the data version
    (releases, settings and every write replace it), the URL and the kind of viewer. A stored
    answer exists only after a request with the same ETag passed the view's checks, so it is
    given without running them again (and without their queries).
    """
    view = view_class.get

    @functools.wraps(view)
    def get(self, request, slug, *args, **kwargs):
        etag = _atlas_etag(request, slug)
        if etag is None:
            return view(self, request, slug, *args, **kwargs)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            stored = atlas_cache.get_body(etag)
            if stored is not None:
                response = _json_answer(request, stored)
            else:
                response = view(self, request, slug, *args, **kwargs)
        if response.status_code in (200, 304):
            response.headers.setdefault("ETag", etag)
        return response

    view_class.get = get
    return view_class


def stored_answer(request, build) -> HttpResponse:
    """The JSON answer of `build()` (text), stored gzip-compressed under the request's ETag.

    The next request with the same ETag (same data version, request and kind of viewer) gets
    the stored bytes as they are, compressed once as the GZip middleware would have done.
    """
    etag = getattr(request, "atlas_etag", None)
    compressed = compress_string(build().encode())
    if etag:
        atlas_cache.set_body(etag, compressed)
    return _json_answer(request, compressed)


def _json_answer(request, compressed: bytes) -> HttpResponse:
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
        response = HttpResponse(compressed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), content_type="application/json")
    patch_vary_headers(response, ["Accept-Encoding"])
    return revalidated(response)


def revalidated(response: HttpResponse) -> HttpResponse:
    """Private (per viewer) and revalidated on every use, so an ETag answers most requests."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


def _level_from_query(request, municipality: Municipality) -> SpatialLevel | None:
    ref = request.query_params.get("level")
    if not ref:
        return None
    level = selectors.level_for(user=request.user, municipality=municipality, ref=ref)
    if level is None:
        raise ValidationError({"level": f"Unknown level: {ref}"})
    return level


def _year_from_query(request) -> int | None:
    raw = request.query_params.get("year")
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({"year": "The year must be a number, e.g. 2013."})
    return int(raw)


# --- levels --------------------------------------------------------------------------------


class LevelSerializer(serializers.ModelSerializer):
    area_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SpatialLevel
        fields = ["id", "name", "slug", "depth", "area_count"]


class LevelList(generics.ListAPIView):
    """The spatial levels of a municipality, coarse to fine."""

    serializer_class = LevelSerializer
    queryset = SpatialLevel.objects.none()  # for the schema; get_queryset scopes the real one

    def get_queryset(self):
        municipality = municipality_for_request(self.request, self.kwargs["slug"])
        return selectors.levels_for(user=self.request.user, municipality=municipality)


# --- areas ---------------------------------------------------------------------------------


class GeoJSONRenderer(JSONRenderer):
    """`?format=geojson` (or `Accept: application/geo+json`) selects this renderer."""

    media_type = "application/geo+json"
    format = "geojson"


class AreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField(source="level.slug")
    depth = serializers.IntegerField(source="level.depth")
    parent_key = serializers.CharField(source="parent.key", allow_null=True, default=None)
    population = serializers.IntegerField(allow_null=True)
    has_geometry = serializers.SerializerMethodField()

    def get_has_geometry(self, area) -> bool:
        return area.web_geometry is not None


def _feature_collection(areas) -> dict:
    """The areas as GeoJSON with their simplified web geometry (EPSG:4326)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": area.key,
                "geometry": area.web_geometry,
                "properties": {
                    "key": area.key,
                    "name": area.name,
                    "level": area.level.slug,
                    "parent_key": area.parent.key if area.parent_id else None,
                    "population": area.population,
                },
            }
            for area in areas
        ],
    }


class AreaList(APIView):
    """The areas of a municipality (of one level with `?level=`), as JSON or GeoJSON."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, description="Slug (or id) of a spatial level"),
            OpenApiParameter(
                "format",
                str,
                enum=["json", "geojson"],
                description="`geojson` returns a FeatureCollection with the web geometry",
            ),
        ],
        responses={
            (200, "application/json"): AreaSerializer(many=True),
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        level = _level_from_query(request, municipality)
        areas = selectors.areas_for(user=request.user, municipality=municipality, level=level)
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            return Response(_feature_collection(areas))
        return Response(AreaSerializer(areas, many=True).data)


# --- indicators ----------------------------------------------------------------------------


class TopicSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_field(
    {"type": "string", "enum": ["published", "computed", "unweighted_mean"], "nullable": True}
)
class ReferenceKindField(serializers.CharField):
    pass


class PoiCategoryBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class IndicatorSerializer(serializers.ModelSerializer):
    topic = TopicSerializer(allow_null=True)
    valid_levels = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    years = serializers.SerializerMethodField(help_text="Years with values the caller may see.")
    released_years = serializers.SerializerMethodField()
    institution_category = serializers.SerializerMethodField(
        help_text="Values per institution: the POI category whose institutions report the "
        "values (null: every category, or values per area)"
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "short_name",
            "topic",
            "definition",
            "unit",
            "kind",
            "rate_base",
            "decimals",
            "polarity",
            "data_source",
            "data_holder",
            "reference_date",
            "valid_levels",
            "interpretation",
            "limitations",
            "numerator_definition",
            "denominator_definition",
            "update_rhythm",
            "contact",
            "link",
            "relevant_for",
            "catalogue_code",
            "network_shared",
            "observation_unit",
            "institution_category",
            "years",
            "released_years",
        ]

    @extend_schema_field(PoiCategoryBriefSerializer(allow_null=True))
    def get_institution_category(self, indicator) -> dict | None:
        category = self.context.get("categories", {}).get(indicator.institution_category_id)
        return PoiCategoryBriefSerializer(category).data if category else None

    def get_years(self, indicator) -> list[int]:
        return self.context["years"][indicator.pk].years

    def get_released_years(self, indicator) -> list[int]:
        return self.context["years"][indicator.pk].released


class IndicatorList(APIView):
    """Indicator metadata: all for members, released indicators for the public."""

    @extend_schema(
        parameters=[OpenApiParameter("topic", str, description="Topic code")],
        responses=IndicatorSerializer(many=True),
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        indicators = list(
            selectors.indicators_for(
                user=request.user,
                municipality=municipality,
                topic=request.query_params.get("topic") or None,
            )
        )
        years = selectors.indicator_years(
            user=request.user, municipality=municipality, indicators=indicators
        )
        # One query, and only where an indicator names the category of its institutions.
        wanted = {i.institution_category_id for i in indicators} - {None}
        categories = {c.pk: c for c in PoiCategory.objects.filter(pk__in=wanted)} if wanted else {}
        return Response(
            IndicatorSerializer(
                indicators, many=True, context={"years": years, "categories": categories}
            ).data
        )


# --- values --------------------------------------------------------------------------------

_STATUSES = [STATUS_OK, STATUS_SUPPRESSED, STATUS_MISSING]


class AreaShownSerializer(serializers.Serializer):
    """An area and its number as it leaves the suppression function."""

    area_key = serializers.CharField()
    area_name = serializers.CharField()
    value = serializers.FloatField(
        source="shown.value", allow_null=True, help_text="null when suppressed or missing"
    )
    display = serializers.CharField(
        source="shown.display", help_text="German: `16,15 %`, `1.583`, `k. A.`, `–`"
    )
    status = serializers.ChoiceField(source="shown.status", choices=_STATUSES)


class ValueRowSerializer(AreaShownSerializer):
    parent_key = serializers.CharField(allow_null=True)
    origin = serializers.ChoiceField(
        source="shown.origin",
        choices=["published", "computed"],
        allow_null=True,
        help_text="stored as delivered, or computed from the areas below",
    )
    suppressed_but_visible = serializers.BooleanField(
        source="shown.suppressed_but_visible",
        help_text="true only for data admins: a true value that others see as `k. A.`",
    )
    reason = serializers.CharField(
        source="shown.reason",
        allow_null=True,
        help_text="why it is suppressed; only for those who may see suppressed values",
    )
    corrected_on = serializers.SerializerMethodField(
        help_text="date of the latest change after the release (ISO), else null"
    )

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_corrected_on(self, row) -> str | None:
        indicator_id, year = self.context.get("pair", (None, None))
        return corrected_on(self.context.get("citations"), indicator_id, year, row.area_id)


class ReferenceSerializer(AreaShownSerializer):
    kind = ReferenceKindField(allow_null=True)
    areas_included = serializers.IntegerField(source="shown.parts", allow_null=True)
    areas_total = serializers.IntegerField(source="shown.parts_total", allow_null=True)


class IndicatorBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    short_name = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.ChoiceField(choices=Indicator.Kind.choices)
    decimals = serializers.IntegerField()


class LevelBriefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    depth = serializers.IntegerField()


class ValuesTableSerializer(serializers.Serializer):
    indicator = IndicatorBriefSerializer()
    year = serializers.IntegerField()
    level = LevelBriefSerializer()
    released = serializers.BooleanField()
    valid_for_level = serializers.BooleanField()
    areas = ValueRowSerializer(source="rows", many=True)
    reference = ReferenceSerializer(
        allow_null=True, help_text="the whole municipality as reference"
    )
    parents = ReferenceSerializer(many=True, help_text="the areas one level up")
    citation = serializers.SerializerMethodField()

    @extend_schema_field(CitationSerializer(allow_null=True))
    def get_citation(self, table) -> dict | None:
        return citation_data(self.context.get("citations"), table.indicator.pk, table.year)


class IndicatorValues(APIView):
    """Values of one indicator for every area of a level, with reference values.

    Every number passes the suppression function: `k. A.` where it must not be shown.
    Defaults: the latest year the caller may see, and the first level below the root.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Year (default: the latest)"),
            OpenApiParameter("level", str, description="Slug (or id) of a spatial level"),
        ],
        responses=ValuesTableSerializer,
    )
    def get(self, request, slug, pk):
        municipality = municipality_for_request(request, slug)
        try:
            indicator = selectors.indicator_for(user=request.user, municipality=municipality, pk=pk)
        except Indicator.DoesNotExist as exc:
            raise Http404 from exc
        years = selectors.indicator_years(
            user=request.user, municipality=municipality, indicators=[indicator]
        )[indicator.pk]
        year = _year_from_query(request)
        if year is None:
            if not years.years:
                raise Http404
            year = years.years[-1]
        elif year not in years.years and not can(request.user, Action.VIEW_INTERNAL, municipality):
            raise Http404
        level = _level_from_query(request, municipality) or selectors.default_level(
            user=request.user, municipality=municipality
        )
        if level is None:
            raise Http404
        table = selectors.values_table(
            user=request.user,
            indicator=indicator,
            year=year,
            level=level,
            released=year in years.released,
        )
        citations = load_citations(
            municipality=municipality, pairs=[(indicator, year)], base=request
        )
        context = {"citations": citations, "pair": (indicator.pk, year)}
        return Response(ValuesTableSerializer(table, context=context).data)


# --- the table -------------------------------------------------------------------------------


def _shown_columns(cells) -> dict:
    return {
        "values": [shown.value for shown in cells],
        "displays": [shown.display for shown in cells],
        "statuses": [shown.status for shown in cells],
    }


@atlas_conditional
class IndicatorTable(APIView):
    """Several indicators for every area of a level in one year, as compact JSON.

    One row per area with the numbers, German texts and statuses in the order of
    `indicators`, plus the municipality's reference row: the table view of the atlas for
    scripts. Every number passes the suppression function. `public=1` answers as to the public.
    Each released indicator carries its `citation`; `corrections` lists the values changed
    after their release (area id, indicator id, ISO date).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("indicators", str, required=True, description="Ids, e.g. `1,2`"),
            OpenApiParameter("year", int, description="Year (default: the latest of all)"),
            OpenApiParameter("level", str, description="Slug (or id) of a spatial level"),
            OpenApiParameter("public", bool, description="Answer as to the public"),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        viewer = None if request.query_params.get("public") in ("1", "true") else request.user
        try:
            ids = parse_ids(request.query_params.get("indicators"), name="indicators")
        except ExportError as exc:
            raise ValidationError({"indicators": str(exc)}) from exc
        if not ids:
            raise ValidationError({"indicators": _("Choose at least one indicator.")})
        catalogue = selectors_explore.explorer_catalogue(user=viewer, municipality=municipality)
        indicators = [catalogue.get(pk) for pk in ids]
        if None in indicators:
            raise Http404
        year = _year_from_query(request)
        if year is None:
            year = max(y for i in indicators for y in catalogue.years[i.pk].years)
        level = _level_from_query(request, municipality) or selectors.default_level(
            user=viewer, municipality=municipality
        )
        if level is None:
            raise Http404
        return stored_answer(
            request,
            lambda: self.render(
                request, municipality, viewer, catalogue, indicators, year=year, level=level
            ),
        )

    def render(self, request, municipality, viewer, catalogue, indicators, *, year, level) -> str:
        table = selectors_explore.explore_table(
            user=viewer, catalogue=catalogue, indicators=indicators, year=year, level=level
        )
        citations = load_citations(
            municipality=municipality, pairs=[(i, year) for i in indicators], base=request
        )
        data = {
            "year": year,
            "level": {"slug": level.slug, "name": level.name, "depth": level.depth},
            "indicators": [
                {
                    "id": column.indicator.pk,
                    "name": column.indicator.name,
                    "short_name": column.indicator.short_name,
                    "unit": column.indicator.unit,
                    "kind": column.indicator.kind,
                    "decimals": column.indicator.decimals,
                    "released": bool(column.table and column.table.released),
                    "citation": citation_data(citations, column.indicator.pk, year),
                }
                for column in table.columns
            ],
            "reference": {
                "name": table.reference_name,
                "kinds": [kind or None for _shown, kind in table.reference_cells],
                **_shown_columns([shown for shown, _kind in table.reference_cells]),
            }
            if table.reference_name is not None
            else None,
            "areas": [
                {"id": row.area_id, "key": row.key, "name": row.name, **_shown_columns(row.cells)}
                for row in table.rows
            ],
            # Sparse: only the values changed after their release.
            "corrections": [
                {"area": row.area_id, "indicator": i.pk, "corrected_on": when}
                for row in table.rows
                for i in indicators
                if (when := corrected_on(citations, i.pk, year, row.area_id))
            ],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


urlpatterns = [
    path("municipalities/<slug:slug>/table/", IndicatorTable.as_view(), name="api-table-json"),
    path("municipalities/<slug:slug>/levels/", LevelList.as_view(), name="api-levels"),
    path("municipalities/<slug:slug>/areas/", AreaList.as_view(), name="api-areas"),
    path("municipalities/<slug:slug>/indicators/", IndicatorList.as_view(), name="api-indicators"),
    path(
        "municipalities/<slug:slug>/indicators/<int:pk>/values/",
        IndicatorValues.as_view(),
        name="api-indicator-values",
    ),
]
