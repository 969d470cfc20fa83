"""API of institution-level indicators: the values of all institutions of an indicator, one
institution's values over the years (the POI popup), the import of a file of institution
values, and the comparison of institutions with the social data of their areas.

Thin: reads through `selectors_institutions` (every number through the suppression function,
the public sees released years of released POIs), writes through `services.institutions`.
The area roll-ups are ordinary area values: they come through the values API.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Action, can, require

from . import selectors, selectors_institutions
from .api import IndicatorBriefSerializer, LevelBriefSerializer, municipality_for_request
from .api_citation import CitationSerializer, citation_data
from .api_imports import ProblemSerializer
from .citation import load_citations
from .models import Indicator
from .services.errors import ImportProblems
from .services.institutions import import_uploaded_institution_values
from .suppression import STATUS_MISSING, STATUS_OK, STATUS_SUPPRESSED

_STATUSES = [STATUS_OK, STATUS_SUPPRESSED, STATUS_MISSING]
_PUBLIC = OpenApiParameter(
    "public", bool, description="`true`: what the public sees, also for a logged-in member"
)


def _viewer(request):
    """The caller, or None (the public) when `?public=true` asks for the public view."""
    if request.query_params.get("public", "").lower() in ("1", "true", "yes"):
        return None
    return request.user


# Ids fit a 64-bit column; years lie where the atlas keeps them (the database would refuse
# larger numbers with an error instead of an empty answer).
_LIMITS = {"year": (1900, 2100), "x_year": (1900, 2100)}
_MAX_ID = 2**63 - 1


def _int(request, name: str, *, required: bool = False) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        if required:
            raise ValidationError({name: "This parameter is required."})
        return None
    low, high = _LIMITS.get(name, (0, _MAX_ID))
    if not raw.isdigit() or len(raw) > 19 or not low <= int(raw) <= high:
        raise ValidationError({name: f"A whole number from {low} to {high} is expected."})
    return int(raw)


def _institution_indicator(user, municipality, pk: int) -> Indicator:
    found = next(
        (
            indicator
            for indicator in selectors_institutions.institution_indicators(
                user=user, municipality=municipality
            )
            if indicator.pk == pk
        ),
        None,
    )
    if found is None:
        raise Http404
    return found


class InstitutionShownFields(serializers.Serializer):
    value = serializers.FloatField(
        source="shown.value", allow_null=True, help_text="null when suppressed or missing"
    )
    display = serializers.CharField(source="shown.display", help_text="German: `36,0 %`, `k. A.`")
    status = serializers.ChoiceField(source="shown.status", choices=_STATUSES)
    suppressed_but_visible = serializers.BooleanField(
        source="shown.suppressed_but_visible",
        help_text="true only for data admins: a true value that others see as `k. A.`",
    )


def _iso_day(moment) -> str | None:
    return timezone.localdate(moment).isoformat() if moment else None


class InstitutionValueSerializer(InstitutionShownFields):
    poi = serializers.IntegerField(source="poi.pk")
    poi_name = serializers.CharField(source="poi.name")
    category = serializers.CharField(source="poi.category.code")
    year = serializers.IntegerField()
    corrected_on = serializers.SerializerMethodField(
        help_text="the latest change of this value after its release"
    )
    citation = serializers.SerializerMethodField()

    def get_corrected_on(self, row) -> str | None:
        citations = self.context["citations"]
        return _iso_day(citations.corrected_poi(self.context["indicator"], row.year, row.poi.pk))

    @extend_schema_field(
        CitationSerializer(
            allow_null=True, help_text="How to cite the indicator year; null while not released"
        )
    )
    def get_citation(self, row) -> dict | None:
        return citation_data(self.context["citations"], self.context["indicator"], row.year)


class InstitutionValueList(APIView):
    """The values of one institution-level indicator for every institution the caller may see
    (the public: released years of released POIs), filtered by year and POI. Small groups and
    values that the area roll-up would reveal are `k. A.` (primary and secondary suppression).
    Each row carries the `citation` of its released indicator year (null while not released).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", int, required=True, description="Indicator id"),
            OpenApiParameter("year", int, description="Only this year"),
            OpenApiParameter("poi", int, description="Only this POI (id)"),
            _PUBLIC,
        ],
        responses=InstitutionValueSerializer(many=True),
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        user = _viewer(request)
        indicator = _institution_indicator(
            user, municipality, _int(request, "indicator", required=True)
        )
        year = _int(request, "year")
        poi = None
        poi_id = _int(request, "poi")
        if poi_id is not None:
            poi = (
                selectors_institutions.visible_pois(user=user, municipality=municipality)
                .filter(pk=poi_id)
                .first()
            )
            if poi is None:
                raise Http404
        rows = selectors_institutions.institution_rows(
            user=user,
            municipality=municipality,
            indicator=indicator,
            years=None if year is None else [year],
            poi=poi,
        )
        citations = load_citations(
            municipality=municipality,
            pairs=[(indicator, year) for year in sorted({row.year for row in rows})],
            base=request,
            institutions=True,
        )
        context = {"citations": citations, "indicator": indicator.pk}
        return Response(InstitutionValueSerializer(rows, many=True, context=context).data)


class InstitutionYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True, help_text="null when suppressed or missing")
    display = serializers.CharField()
    status = serializers.ChoiceField(choices=_STATUSES)
    corrected_on = serializers.DateField(
        allow_null=True, help_text="the latest change of this value after its release"
    )
    citation = CitationSerializer(
        allow_null=True, help_text="How to cite this indicator year; null while not released"
    )


def institution_points(series, citations, poi_id: int) -> list[dict]:
    """The years of one institution's series with the citation of each released year and the
    date of a change after the release (shared by the popup's values and the profile)."""
    points = []
    for year, shown in series.points:
        moment = citations.corrected_poi(series.indicator.pk, year, poi_id)
        points.append(
            {
                "year": year,
                "value": shown.value,
                "display": shown.display,
                "status": shown.status,
                "corrected_on": _iso_day(moment),
                "citation": citation_data(citations, series.indicator.pk, year),
            }
        )
    return points


class PoiValueSeriesSerializer(serializers.Serializer):
    indicator = IndicatorBriefSerializer()
    label = serializers.CharField()
    released = serializers.BooleanField(help_text="the latest year is released to the public")
    points = serializers.SerializerMethodField()

    @extend_schema_field(InstitutionYearSerializer(many=True))
    def get_points(self, series) -> list[dict]:
        return institution_points(series, self.context["citations"], self.context["poi"])


class PoiValues(APIView):
    """One institution's values of every institution-level indicator over the years, as the
    POI popup shows them (suppressed years are gaps). Each released year carries its
    `citation` (null while not released) and `corrected_on` where the value was changed after
    the release."""

    @extend_schema(parameters=[_PUBLIC], responses=PoiValueSeriesSerializer(many=True))
    def get(self, request, slug, pk):
        municipality = municipality_for_request(request, slug)
        user = _viewer(request)
        poi = (
            selectors_institutions.visible_pois(user=user, municipality=municipality)
            .filter(pk=pk)
            .first()
        )
        if poi is None:
            raise Http404
        series = selectors_institutions.poi_series(user=user, municipality=municipality, poi=poi)
        citations = load_citations(
            municipality=municipality,
            pairs=[(entry.indicator, year) for entry in series for year, _shown in entry.points],
            base=request,
            institutions=True,
        )
        context = {"citations": citations, "poi": poi.pk}
        return Response(PoiValueSeriesSerializer(series, many=True, context=context).data)


class InstitutionImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX, one row per institution and year")
    indicator = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=_MAX_ID,
        help_text="Indicator id, when the file has no column Kennzahl",
    )
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=2100,
        help_text="When the file has no column Jahr",
    )
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class InstitutionImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    removed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    indicator_years = serializers.ListField(child=serializers.DictField())
    area_values = serializers.DictField(
        child=serializers.IntegerField(), help_text="the roll-up written to the areas"
    )
    warnings = ProblemSerializer(many=True)


class InstitutionImportProblemsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)
    total = serializers.IntegerField()


class InstitutionValueImport(APIView):
    """Import a file of institution values (data admins): checked completely first; with any
    problem nothing is written and the answer (400) lists row, column and message. Then the
    values are written in one transaction and rolled up to the areas."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": InstitutionImportSerializer},
        responses={
            201: InstitutionImportResultSerializer,
            400: InstitutionImportProblemsSerializer,
        },
    )
    def post(self, request, slug):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        municipality = municipality_for_request(request, slug)
        if not can(request.user, Action.VIEW_INTERNAL, municipality):
            raise Http404
        require(request.user, Action.EDIT_ATLAS_DATA, municipality)
        data = InstitutionImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        indicator = None
        if data.validated_data.get("indicator") is not None:
            indicator = _institution_indicator(
                request.user, municipality, data.validated_data["indicator"]
            )
        try:
            result = import_uploaded_institution_values(
                municipality=municipality,
                upload=data.validated_data["file"],
                user=request.user,
                indicator=indicator,
                year=data.validated_data.get("year"),
                source_note=data.validated_data.get("source_note", ""),
            )
        except ImportProblems as exc:
            return Response(
                {"detail": str(exc), "problems": exc.problems, "total": exc.total},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            InstitutionImportResultSerializer(result.as_dict()).data, status=status.HTTP_201_CREATED
        )


class InstitutionComparisonPointSerializer(serializers.Serializer):
    poi = serializers.IntegerField(source="poi.pk")
    poi_name = serializers.CharField(source="poi.name")
    area_key = serializers.CharField(source="area.key", allow_null=True, default=None)
    area_name = serializers.CharField(source="area.name", allow_null=True, default=None)
    x = serializers.FloatField(source="area_value.value", allow_null=True, default=None)
    x_display = serializers.CharField(source="area_value.display", default="–")
    y = serializers.FloatField(source="institution.value", allow_null=True)
    y_display = serializers.CharField(source="institution.display")
    plotted = serializers.BooleanField(
        help_text="false where the institution or its area is `k. A.` or has no value"
    )
    corrected_on = serializers.SerializerMethodField(
        help_text="the latest change of the institution's value (y) after its release"
    )
    area_corrected_on = serializers.SerializerMethodField(
        help_text="the latest change of the area's value (x) after its release"
    )

    def get_corrected_on(self, point) -> str | None:
        comparison, citations = self.context["comparison"], self.context["citations"]
        return _iso_day(
            citations.corrected_poi(comparison.indicator.pk, comparison.year, point.poi.pk)
        )

    def get_area_corrected_on(self, point) -> str | None:
        if point.area is None:
            return None
        comparison, citations = self.context["comparison"], self.context["citations"]
        return _iso_day(
            citations.corrected(comparison.area_indicator.pk, comparison.area_year, point.area.pk)
        )


class InstitutionComparisonSerializer(serializers.Serializer):
    indicator = IndicatorBriefSerializer(help_text="per institution (y)")
    year = serializers.IntegerField()
    area_indicator = IndicatorBriefSerializer(help_text="per area (x)")
    area_year = serializers.IntegerField()
    level = LevelBriefSerializer()
    correlation = serializers.FloatField(
        allow_null=True, help_text="Pearson's r over the plotted points (at least 3)"
    )
    left_out_suppressed = serializers.IntegerField()
    left_out_other = serializers.IntegerField()
    points = InstitutionComparisonPointSerializer(many=True)
    citation = serializers.SerializerMethodField()
    area_citation = serializers.SerializerMethodField()

    @extend_schema_field(
        CitationSerializer(
            allow_null=True,
            help_text="How to cite the institution values' year (y); null while not released",
        )
    )
    def get_citation(self, comparison) -> dict | None:
        return citation_data(self.context["citations"], comparison.indicator.pk, comparison.year)

    @extend_schema_field(
        CitationSerializer(
            allow_null=True,
            help_text="How to cite the area values' year (x); null while not released",
        )
    )
    def get_area_citation(self, comparison) -> dict | None:
        return citation_data(
            self.context["citations"], comparison.area_indicator.pk, comparison.area_year
        )


def comparison_from_query(request, municipality, user):
    """The comparison a request asks for (shared with the pages' CSV), or a 400/404."""
    indicator = _institution_indicator(
        user, municipality, _int(request, "indicator", required=True)
    )
    try:
        area_indicator = selectors.indicator_for(
            user=user, municipality=municipality, pk=_int(request, "x", required=True)
        )
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    ref = request.query_params.get("level", "")
    level = (
        selectors.level_for(user=user, municipality=municipality, ref=ref)
        if ref
        else selectors.levels_for(user=user, municipality=municipality).last()
    )
    if level is None:
        raise ValidationError({"level": f"Unknown level: {ref}"})
    try:
        return selectors_institutions.comparison(
            user=user,
            municipality=municipality,
            indicator=indicator,
            year=_int(request, "year", required=True),
            area_indicator=area_indicator,
            area_year=_int(request, "x_year"),
            level=level,
        )
    except selectors_institutions.ComparisonUnavailable as exc:
        raise Http404 from exc


class InstitutionComparison(APIView):
    """Institutions compared with the social data of the area they lie in: per institution its
    value of an institution-level indicator (y) and its area's value of an area indicator (x)
    on a level. Suppressed institutions and areas are not plotted but counted. Both indicator
    years carry their `citation` (null while not released)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "indicator", int, required=True, description="Institution-level indicator id (y)"
            ),
            OpenApiParameter(
                "year", int, required=True, description="Year of the institution values"
            ),
            OpenApiParameter("x", int, required=True, description="Area indicator id (x)"),
            OpenApiParameter("x_year", int, description="Year of the area values (default: year)"),
            OpenApiParameter("level", str, description="Level slug or id (default: the finest)"),
            _PUBLIC,
        ],
        responses=InstitutionComparisonSerializer,
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        result = comparison_from_query(request, municipality, _viewer(request))
        citations = load_citations(
            municipality=municipality,
            pairs=[(result.indicator, result.year), (result.area_indicator, result.area_year)],
            base=request,
            institutions=True,
        )
        context = {"citations": citations, "comparison": result}
        return Response(InstitutionComparisonSerializer(result, context=context).data)


urlpatterns = [
    path(
        "municipalities/<slug:slug>/institution-values/",
        InstitutionValueList.as_view(),
        name="api-institution-values",
    ),
    path(
        "municipalities/<slug:slug>/institution-values/import/",
        InstitutionValueImport.as_view(),
        name="api-institution-values-import",
    ),
    path(
        "municipalities/<slug:slug>/institution-comparison/",
        InstitutionComparison.as_view(),
        name="api-institution-comparison",
    ),
    path(
        "municipalities/<slug:slug>/pois/<int:pk>/values/",
        PoiValues.as_view(),
        name="api-poi-values",
    ),
]
