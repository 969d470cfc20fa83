"""File exports by URL, for scripts and reports: print maps, charts and tables.

Thin: the data comes from `selectors_exports` (as a file reader sees it: `k. A.` even for data
admins, released data only for the public), the bytes from `atlas_data.exports`. Same
permission and 404 rules as the JSON API.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from . import selectors_exports
from .api import municipality_for_request
from .citation import Citations, load_citations
from .classification import (
    DEFAULT_CLASSES,
    DEFAULT_METHOD,
    METHODS,
    ClassificationError,
    parse_breaks,
)
from .exports import GRAPHIC_FORMATS, TABLE_FORMATS, file_response
from .exports.charts import render_chart
from .exports.maps import render_map
from .exports.tables import NUMBER_FORMATS, render_csv, render_xlsx
from .selectors_exports import CHART_TYPES, ExportError, NotVisible, parse_ids


class FilesWhateverAccepted(BaseContentNegotiation):
    """The format is in the path (`map.png`); errors come back as JSON whatever was asked."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0]


def _file(
    content: bytes, *, content_type: str, filename: str, cited: list | None = None
) -> HttpResponse:
    return file_response(content, content_type=content_type, filename=filename, cited=cited or ())


def _citations(request, municipality, pairs) -> Citations:
    """Citations of the released indicator years in a file and its corrected values."""
    return load_citations(municipality=municipality, pairs=pairs, base=request)


def _int(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({name: f"{name} must be a whole number."})
    return int(raw)


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except NotVisible as exc:
        raise Http404 from exc
    except (ExportError, ClassificationError) as exc:
        raise ValidationError({"detail": str(exc)}) from exc


_GRAPHIC_PATH = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=list(GRAPHIC_FORMATS), description="File format"
)
_GRAPHIC_RESPONSES = {
    (200, media_type): OpenApiResponse(OpenApiTypes.BINARY)
    for media_type in GRAPHIC_FORMATS.values()
}
_COMMON = [
    OpenApiParameter("year", int, description="Year (default: the latest)"),
    OpenApiParameter("level", str, description="Slug (or id) of a spatial level"),
]


class _FileView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FilesWhateverAccepted


class MapExport(_FileView):
    """A print map of one indicator: title, legend with counts and a hatched `k. A.` class,
    reference value, source notes; PNG/JPG at 300 dpi, SVG and PDF as vector with text."""

    @extend_schema(
        operation_id="indicator_map_file",
        parameters=[
            _GRAPHIC_PATH,
            *_COMMON,
            OpenApiParameter("method", str, enum=list(METHODS), description="Classification"),
            OpenApiParameter("classes", int, description="Number of classes, 3–7"),
            OpenApiParameter("breaks", str, description="Manual breaks, e.g. `5;10;15,5`"),
        ],
        responses=_GRAPHIC_RESPONSES,
    )
    def get(self, request, slug, pk, fmt):
        if fmt not in GRAPHIC_FORMATS:
            raise Http404
        municipality = municipality_for_request(request, slug)
        data = _call(
            selectors_exports.map_export,
            user=request.user,
            municipality=municipality,
            indicator_id=pk,
            year=_int(request, "year"),
            level=request.query_params.get("level") or None,
        )
        classes = _int(request, "classes") or DEFAULT_CLASSES
        citations = _citations(request, municipality, [(data.table.indicator, data.table.year)])
        content = _call(
            render_map,
            data=data,
            fmt=fmt,
            method=request.query_params.get("method") or DEFAULT_METHOD,
            classes=classes,
            breaks=_call(parse_breaks, text=request.query_params.get("breaks", "")),
            citations=citations,
        )
        return _file(
            content,
            content_type=GRAPHIC_FORMATS[fmt],
            filename=f"karte-{pk}-{data.table.level.slug}-{data.table.year}.{fmt}",
            cited=citations.listed([(data.table.indicator.pk, data.table.year)]),
        )


class ChartExport(_FileView):
    """A print chart: column, bar or scatter chart of a year, or a line chart over all years
    for the municipality and the areas given in `areas`; with the municipal reference line."""

    @extend_schema(
        operation_id="chart_file",
        parameters=[
            _GRAPHIC_PATH,
            OpenApiParameter("indicators", str, required=True, description="Ids, e.g. `1,2`"),
            *_COMMON,
            OpenApiParameter("type", str, enum=list(CHART_TYPES), description="Chart type"),
            OpenApiParameter("areas", str, description="Area ids for the line chart"),
        ],
        responses=_GRAPHIC_RESPONSES,
    )
    def get(self, request, slug, fmt):
        if fmt not in GRAPHIC_FORMATS:
            raise Http404
        municipality = municipality_for_request(request, slug)
        data = _call(
            selectors_exports.chart_export,
            user=request.user,
            municipality=municipality,
            indicator_ids=_call(
                parse_ids, raw=request.query_params.get("indicators"), name="indicators"
            ),
            year=_int(request, "year"),
            level=request.query_params.get("level") or None,
            chart_type=request.query_params.get("type") or "column",
            area_ids=_call(parse_ids, raw=request.query_params.get("areas"), name="areas"),
        )
        tables = data.tables or [p.table for _i, points in data.series for p in points]
        pairs = [(table.indicator, table.year) for table in tables]
        citations = _citations(request, municipality, pairs)
        content = render_chart(data, fmt=fmt, citations=citations)
        when = data.year or "jahre"
        return _file(
            content,
            content_type=GRAPHIC_FORMATS[fmt],
            filename=f"diagramm-{data.chart_type}-{data.level.slug}-{when}.{fmt}",
            cited=citations.listed((i.pk, year) for i, year in pairs),
        )


class TableExport(_FileView):
    """Several indicators for every area of a level, with the reference row: XLSX (numbers as
    numbers, a sheet with the sources) or CSV (UTF-8 with BOM; German or English numbers)."""

    @extend_schema(
        operation_id="table_file",
        parameters=[
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=list(TABLE_FORMATS), description="Format"
            ),
            OpenApiParameter("indicators", str, required=True, description="Ids, e.g. `1,2`"),
            *_COMMON,
            OpenApiParameter(
                "number_format",
                str,
                enum=list(NUMBER_FORMATS),
                description="CSV: `de` (`;` and decimal comma, default) or `en`",
            ),
        ],
        responses={
            (200, media_type.split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY)
            for media_type in TABLE_FORMATS.values()
        },
    )
    def get(self, request, slug, fmt):
        if fmt not in TABLE_FORMATS:
            raise Http404
        number_format = request.query_params.get("number_format") or "de"
        if number_format not in NUMBER_FORMATS:
            raise ValidationError({"number_format": "de or en"})
        municipality = municipality_for_request(request, slug)
        data = _call(
            selectors_exports.table_export,
            user=request.user,
            municipality=municipality,
            indicator_ids=_call(
                parse_ids, raw=request.query_params.get("indicators"), name="indicators"
            ),
            year=_int(request, "year"),
            level=request.query_params.get("level") or None,
        )
        pairs = [(table.indicator, data.year) for table in data.tables]
        citations = _citations(request, municipality, pairs)
        if fmt == "xlsx":
            content = render_xlsx(data, citations=citations)
        else:
            content = render_csv(data, number_format=number_format, citations=citations)
        return _file(
            content,
            content_type=TABLE_FORMATS[fmt],
            filename=f"tabelle-{data.level.slug}-{data.year}.{fmt}",
            cited=citations.listed((i.pk, year) for i, year in pairs),
        )


urlpatterns = [
    path(
        "municipalities/<slug:slug>/indicators/<int:pk>/map.<str:fmt>",
        MapExport.as_view(),
        name="api-indicator-map",
    ),
    path("municipalities/<slug:slug>/chart.<str:fmt>", ChartExport.as_view(), name="api-chart"),
    path("municipalities/<slug:slug>/table.<str:fmt>", TableExport.as_view(), name="api-table"),
]
