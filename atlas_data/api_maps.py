"""Map data of the atlas: one request gives geometry, values and classes of one indicator.

`GET /api/v1/municipalities/{slug}/indicators/{id}/map/` returns a GeoJSON FeatureCollection
with the simplified web geometry of every area of a level, what the caller may see of its
value (through the one suppression function), its class and colour, plus the legend (with the
`k. A.` and `–` classes), the municipal reference and the source note of the geometries.
The GZip middleware compresses it.
"""

from __future__ import annotations

import json

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from accounts.permissions import Action, can

from . import selectors
from .api import (
    _level_from_query,
    _year_from_query,
    atlas_conditional,
    municipality_for_request,
    stored_answer,
)
from .citation import cite_map, load_citations
from .classification import (
    DEFAULT_CLASSES,
    DEFAULT_METHOD,
    MAX_CLASSES,
    METHODS,
    MIN_CLASSES,
    MISSING_COLOUR,
    SUPPRESSED_COLOUR,
    ClassificationError,
    parse_breaks,
)
from .models import Indicator
from .selectors_explore import MapLayer, map_layer, reference_kind_label
from .suppression import MISSING_TEXT, SUPPRESSED_TEXT


def classification_from_query(params) -> tuple[str, int, list[float] | None]:
    """Method, number of classes and manual breaks of a request; ValidationError if wrong."""
    method = params.get("method") or DEFAULT_METHOD
    if method not in METHODS:
        raise ValidationError({"method": _("Unknown classification method %(m)s.") % {"m": method}})
    raw = params.get("classes") or str(DEFAULT_CLASSES)
    if not raw.isdigit() or not MIN_CLASSES <= int(raw) <= MAX_CLASSES:
        raise ValidationError(
            {
                "classes": _("Choose between %(min)d and %(max)d classes.")
                % {"min": MIN_CLASSES, "max": MAX_CLASSES}
            }
        )
    breaks = None
    if method == "manual":
        try:
            breaks = parse_breaks(params.get("breaks", ""))
        except ClassificationError as exc:
            raise ValidationError({"breaks": str(exc)}) from exc
        if not breaks:
            raise ValidationError({"breaks": _("Manual classification needs at least one break.")})
    return method, int(raw), breaks


def _clean(number: float) -> float:
    """Class bounds without float noise (16.131999999999998 -> 16.132)."""
    return round(number, 10)


def map_payload(layer: MapLayer, *, method: str, classes: int) -> tuple[dict, list]:
    """The layer as the members of a FeatureCollection and its features.

    Returns the collection without features, and the features as (geometry as GeoJSON text,
    properties): `render_feature_collection` joins them without decoding the geometries.
    """
    table = layer.table
    indicator = table.indicator
    features = [
        (
            area.geometry_json,
            {
                "id": area.id,
                "key": area.key,
                "name": area.name,
                "value": area.shown.value,
                "display": area.shown.display,
                "status": area.shown.status,
                "class": area.class_index,
                "colour": area.colour,
            },
        )
        for area in layer.areas
    ]
    entries = []
    if layer.classification is not None:
        entries = [
            {
                "kind": "class",
                "index": index,
                "label": legend_class.label,
                "lower": _clean(legend_class.lower),
                "upper": _clean(legend_class.upper),
                "colour": legend_class.colour,
                "count": legend_class.count,
            }
            for index, legend_class in enumerate(layer.classification.classes)
        ]
    entries.append(
        {
            "kind": "suppressed",
            "label": SUPPRESSED_TEXT,
            "description": _("suppressed (data protection)"),
            "colour": SUPPRESSED_COLOUR,
            "pattern": "hatched",
            "count": layer.suppressed_count,
        }
    )
    entries.append(
        {
            "kind": "missing",
            "label": MISSING_TEXT,
            "description": _("no value"),
            "colour": MISSING_COLOUR,
            "count": layer.missing_count,
        }
    )
    reference = None
    if table.reference is not None:
        kind = table.reference.kind
        reference = {
            "key": table.reference.area_key,
            "name": table.reference.area_name,
            "value": table.reference.shown.value,
            "display": table.reference.shown.display,
            "status": table.reference.shown.status,
            "kind": kind,
            "kind_label": reference_kind_label(kind),
        }
    return {
        "type": "FeatureCollection",
        "indicator": {
            "id": indicator.pk,
            "name": indicator.name,
            "short_name": indicator.short_name,
            "unit": indicator.unit,
            "kind": indicator.kind,
            "decimals": indicator.decimals,
            "polarity": indicator.polarity,
        },
        "year": table.year,
        "level": {"slug": table.level.slug, "name": table.level.name},
        "released": table.released,
        "valid_for_level": table.valid_for_level,
        "legend": {
            "title": f"{indicator.name} {table.year}",
            "method": layer.classification.method if layer.classification else method,
            "method_label": str(METHODS[method]),
            "classes_requested": classes,
            "breaks": [_clean(b) for b in layer.classification.breaks]
            if layer.classification
            else [],
            "entries": entries,
        },
        "reference": reference,
        "source_note": layer.source_note,
    }, features


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def render_feature_collection(collection: dict, features: list) -> str:
    """Compact JSON of the collection with its features; geometries are spliced in as text."""
    head = _dumps({**collection, "features": []})
    parts = [
        '{"type":"Feature","geometry":'
        + (geometry or "null")
        + ',"properties":'
        + _dumps(properties)
        + "}"
        for geometry, properties in features
    ]
    # `features` is the last member: open its empty list again and fill it.
    return head[: -len("]}")] + ",".join(parts) + "]}"


@atlas_conditional
class IndicatorMap(APIView):
    """Geometry, values and classes of one indicator for every area of a level.

    One request for the whole choropleth: a GeoJSON FeatureCollection in EPSG:4326 (the
    simplified web geometry), each feature with `key`, `name`, `value` (null when suppressed
    or missing), `display` (German text, `k. A.`, `–`), `status`, `class` (index into the
    legend, null for `k. A.` and `–`) and `colour`. Every number passes the suppression
    function. `public=1` gives the public view even to a logged-in member. A released year
    carries its `citation` object, and each feature `corrected_on` when its value was
    changed after the release.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Year (default: the latest)"),
            OpenApiParameter("level", str, description="Slug (or id) of a spatial level"),
            OpenApiParameter("method", str, enum=list(METHODS), description="Classification"),
            OpenApiParameter("classes", int, description="Number of classes, 3 to 7"),
            OpenApiParameter(
                "breaks", str, description="Manual breaks, e.g. `10; 15,5; 20` (method=manual)"
            ),
            OpenApiParameter("public", bool, description="Answer as to the public"),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, slug, pk):
        municipality = municipality_for_request(request, slug)
        viewer = None if request.query_params.get("public") in ("1", "true") else request.user
        try:
            indicator = selectors.indicator_for(user=viewer, municipality=municipality, pk=pk)
        except Indicator.DoesNotExist as exc:
            raise Http404 from exc
        years = selectors.indicator_years(
            user=viewer, municipality=municipality, indicators=[indicator]
        )[indicator.pk]
        year = _year_from_query(request)
        if year is None:
            if not years.years:
                raise Http404
            year = years.years[-1]
        elif year not in years.years and not can(viewer, Action.VIEW_INTERNAL, municipality):
            raise Http404
        level = _level_from_query(request, municipality) or selectors.default_level(
            user=viewer, municipality=municipality
        )
        if level is None:
            raise Http404
        method, classes, breaks = classification_from_query(request.query_params)
        return stored_answer(
            request,
            lambda: self.render(
                request,
                municipality,
                viewer,
                indicator,
                year,
                level,
                years,
                method,
                classes,
                breaks,
            ),
        )

    def render(
        self, request, municipality, viewer, indicator, year, level, years, method, classes, breaks
    ) -> str:
        """The FeatureCollection as JSON text (stored under the ETag by `stored_answer`)."""
        try:
            layer = map_layer(
                user=viewer,
                indicator=indicator,
                year=year,
                level=level,
                released=year in years.released,
                method=method,
                classes=classes,
                manual_breaks=breaks,
            )
        except ClassificationError as exc:
            raise ValidationError({"classification": str(exc)}) from exc
        collection, features = map_payload(layer, method=method, classes=classes)
        cite_map(
            collection,
            features,
            load_citations(municipality=municipality, pairs=[(indicator, year)], base=request),
            indicator_id=indicator.pk,
            year=year,
        )
        return render_feature_collection(collection, features)


urlpatterns = [
    path(
        "municipalities/<slug:slug>/indicators/<int:pk>/map/",
        IndicatorMap.as_view(),
        name="api-indicator-map",
    ),
]
