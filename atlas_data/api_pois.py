"""API of points of interest: list (JSON or GeoJSON) and detail for everyone who may see the
atlas (the public: released POIs only), create, change, delete and file import for data admins.
Thin: reads go through `selectors_pois`, writes through `services.pois`."""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Action, require

from . import selectors_pois
from .api import GeoJSONRenderer, municipality_for_request
from .api_imports import ProblemSerializer
from .models import Area, Poi, PoiCategory
from .selectors_pois import PoiFilters
from .services.errors import ImportProblems
from .services.pois import PoiInvalid, delete_poi, import_uploaded_pois, save_poi

_LIST_PARAMETERS = [
    OpenApiParameter("category", str, description="Category code (includes its subcategories)"),
    OpenApiParameter("area", str, description="Area key (or id): POIs inside this area"),
    OpenApiParameter(
        "target_age", int, description="POIs for children of this age (from ≤ age < up to under)"
    ),
    OpenApiParameter(
        "released", bool, description="Members only: `true` released, `false` internal POIs"
    ),
    OpenApiParameter("q", str, description="Text in name, address, provider or city"),
    OpenApiParameter(
        "public", bool, description="`true`: what the public sees, also for a logged-in member"
    ),
    OpenApiParameter(
        "format",
        str,
        enum=["json", "geojson"],
        description="`geojson` returns a FeatureCollection of points (EPSG:4326)",
    ),
]


class AreaBriefSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField(source="level.slug")


class PoiSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=PoiCategory.objects.none(), help_text="Category code"
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    areas = AreaBriefSerializer(many=True, read_only=True, help_text="One area per level")
    is_released = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Poi
        fields = [
            "id",
            "name",
            "category",
            "category_name",
            "provider",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "capacity",
            "opening_hours",
            "target_age_min",
            "target_age_max",
            "target_group",
            "website",
            "contact",
            "concept_notes",
            "valid_from",
            "valid_to",
            "is_released",
            "areas",
        ]
        read_only_fields = ["id", "areas"]

    def __init__(self, *args, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipality is not None:
            self.fields["category"].queryset = PoiCategory.objects.filter(municipality=municipality)


class PoiImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV/XLSX (name, category, latitude/longitude or x/y), GeoJSON or GeoPackage"
    )
    crs = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="CRS of x/y, e.g. EPSG:25832"
    )


class PoiImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    warnings = ProblemSerializer(many=True)


class PoiImportProblemsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)
    total = serializers.IntegerField()


def _user(request):
    """The caller, or None (the public) when `?public=true` asks for the public view."""
    if request.query_params.get("public", "").lower() in ("1", "true", "yes"):
        return None
    return request.user


def _filters(request, municipality, user) -> PoiFilters:
    params = request.query_params
    category_ids = area = target_age = released = None
    if params.get("category"):
        nodes = selectors_pois.categories_for(user=user, municipality=municipality)
        match = next((n for n in nodes if n.category.code == params["category"]), None)
        if match is None:
            raise ValidationError({"category": f"Unknown category: {params['category']}"})
        category_ids = selectors_pois.descendant_ids(nodes, match.category.pk)
    if params.get("area"):
        ref = params["area"]
        areas = Area.objects.filter(municipality=municipality)
        area = areas.filter(key=ref).order_by("level__depth").first()
        if area is None and ref.isdigit():
            area = areas.filter(pk=int(ref)).first()
        if area is None:
            raise ValidationError({"area": f"Unknown area: {ref}"})
    if params.get("target_age"):
        if not params["target_age"].isdigit():
            raise ValidationError({"target_age": "The age must be a whole number, e.g. 4."})
        target_age = int(params["target_age"])
    if params.get("released") and selectors_pois.is_internal(user, municipality):
        value = params["released"].lower()
        if value in ("1", "true", "yes"):
            released = True
        elif value in ("0", "false", "no"):
            released = False
        else:
            raise ValidationError({"released": "Use true or false."})
    return PoiFilters(
        category_ids=category_ids,
        area=area,
        target_age=target_age,
        released=released,
        search=(params.get("q") or "").strip(),
    )


def _manager(request, slug):
    """The municipality for a write: 404 for outsiders, 403 for members without the right."""
    if not request.user.is_authenticated:
        raise NotAuthenticated
    municipality = municipality_for_request(request, slug)
    if not selectors_pois.is_internal(request.user, municipality):
        raise Http404
    require(request.user, Action.MANAGE_POIS, municipality)
    return municipality


def _save(request, municipality, poi: Poi, data, *, partial: bool) -> Poi:
    serializer = PoiSerializer(poi, data=data, partial=partial, municipality=municipality)
    serializer.is_valid(raise_exception=True)
    for name, value in serializer.validated_data.items():
        setattr(poi, name, value)
    try:
        return save_poi(user=request.user, poi=poi)
    except PoiInvalid as exc:
        raise ValidationError(exc.errors) from exc


def _detail_url(request):
    def url_of(poi):
        return reverse("atlas:poi_detail", args=[poi.pk])

    return url_of


def _profile_url(municipality, *, internal: bool):
    """The social area profile of a POI: the internal page for members, else the public one."""

    def url_of(poi):
        if internal:
            return reverse("atlas:poi_profile", args=[poi.pk])
        return reverse("public_poi_profile", kwargs={"slug": municipality.slug, "pk": poi.pk})

    return url_of


class PoiList(APIView):
    """POIs of a municipality: all for members, released and currently valid for the public.
    POST creates one (data admins)."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="v1_municipalities_pois_list",
        parameters=_LIST_PARAMETERS,
        responses={
            (200, "application/json"): PoiSerializer(many=True),
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        user = _user(request)
        pois = selectors_pois.pois_for(
            user=user, municipality=municipality, filters=_filters(request, municipality, user)
        )
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            internal = user is not None and selectors_pois.is_internal(user, municipality)
            return Response(
                selectors_pois.feature_collection(
                    pois,
                    url_of=_detail_url(request) if internal else None,
                    profile_url_of=_profile_url(municipality, internal=internal),
                )
            )
        return Response(PoiSerializer(pois, many=True).data)

    @extend_schema(
        operation_id="v1_municipalities_pois_create",
        request=PoiSerializer,
        responses={201: PoiSerializer},
    )
    def post(self, request, slug):
        municipality = _manager(request, slug)
        poi = _save(
            request, municipality, Poi(municipality=municipality), request.data, partial=False
        )
        poi = selectors_pois.poi_for(user=request.user, municipality=municipality, pk=poi.pk)
        return Response(
            PoiSerializer(poi).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-poi", kwargs={"slug": slug, "pk": poi.pk})},
        )


class PoiDetail(APIView):
    """One POI; PUT/PATCH change it and DELETE removes it (data admins)."""

    renderer_classes = [JSONRenderer, GeoJSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _get(self, request, municipality, pk, user):
        try:
            return selectors_pois.poi_for(user=user, municipality=municipality, pk=pk)
        except Poi.DoesNotExist as exc:
            raise Http404 from exc

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["json", "geojson"])],
        responses={
            (200, "application/json"): PoiSerializer,
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, slug, pk):
        municipality = municipality_for_request(request, slug)
        user = _user(request)
        poi = self._get(request, municipality, pk, user)
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            return Response(selectors_pois.poi_feature(poi))
        return Response(PoiSerializer(poi).data)

    def _change(self, request, slug, pk, *, partial):
        municipality = _manager(request, slug)
        poi = self._get(request, municipality, pk, request.user)
        poi = _save(request, municipality, poi, request.data, partial=partial)
        poi = selectors_pois.poi_for(user=request.user, municipality=municipality, pk=poi.pk)
        return Response(PoiSerializer(poi).data)

    @extend_schema(request=PoiSerializer, responses=PoiSerializer)
    def put(self, request, slug, pk):
        return self._change(request, slug, pk, partial=False)

    @extend_schema(request=PoiSerializer, responses=PoiSerializer)
    def patch(self, request, slug, pk):
        return self._change(request, slug, pk, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request, slug, pk):
        municipality = _manager(request, slug)
        delete_poi(user=request.user, poi=self._get(request, municipality, pk, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PoiImport(APIView):
    """Import a file of POIs: validated completely first; with any problem nothing is written
    and the answer (400) lists every problem with row, column and message."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PoiImportSerializer},
        responses={201: PoiImportResultSerializer, 400: PoiImportProblemsSerializer},
    )
    def post(self, request, slug):
        municipality = _manager(request, slug)
        upload = PoiImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            summary = import_uploaded_pois(
                municipality=municipality,
                user=request.user,
                upload=upload.validated_data["file"],
                crs=upload.validated_data.get("crs") or None,
            )
        except ImportProblems as exc:
            return Response(
                {"detail": str(exc), "problems": exc.problems, "total": exc.total},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(PoiImportResultSerializer(summary).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("municipalities/<slug:slug>/pois/", PoiList.as_view(), name="api-pois"),
    path("municipalities/<slug:slug>/pois/import/", PoiImport.as_view(), name="api-pois-import"),
    path("municipalities/<slug:slug>/pois/<int:pk>/", PoiDetail.as_view(), name="api-poi"),
]
