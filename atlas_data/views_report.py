"""The area report (Gebietsbericht) as a page, DOCX and PDF: internal and public. Thin views.

The page shows what the viewer may see (data admins see suppressed numbers marked as such);
the DOCX and PDF are rendered for a file reader, so they hold `k. A.` for everyone.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, file_reader, require

from . import cache as atlas_cache
from . import selectors
from .citation import load_citations
from .exports import file_response
from .exports.reports import reference_text, render_docx, render_pdf, report_texts
from .selectors_report import MAX_AREAS, ReportError, area_report, parse_area_ids, report_years


def _internal_municipality(request) -> Municipality:
    if not request.municipality:
        raise PermissionDenied(_("You are not a member of any municipality."))
    require(request.user, Action.VIEW_INTERNAL, request.municipality)
    return request.municipality


def _public_municipality(slug) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(None, Action.VIEW_PUBLIC, municipality):
        raise Http404
    return municipality


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise ReportError(_("The year must be a number, e.g. 2013."))
    return int(raw)


def _report(request, municipality, user):
    """The report asked for in the query, or None when no area was chosen yet."""
    area_ids = parse_area_ids(request.GET.getlist("areas"))
    if not area_ids:
        return area_ids, None
    return area_ids, area_report(
        user=user, municipality=municipality, area_ids=area_ids, year=_year(request)
    )


def _page(request, municipality, *, user, template: str, public: bool):
    error, report, area_ids = None, None, []
    try:
        area_ids, report = _report(request, municipality, user)
    except ReportError as exc:
        error = str(exc)
    areas = selectors.areas_for(user=user, municipality=municipality)
    levels: dict[str, list] = {}
    for area in areas:
        levels.setdefault(area.level.name, []).append(area)
    chosen = [*area_ids, *([None] * MAX_AREAS)][:MAX_AREAS]
    citations = _citations(request, municipality, report)
    context = {
        "municipality": municipality,
        "public": public,
        "max_areas": MAX_AREAS,
        "levels": levels,
        "chosen": chosen,
        "years": report_years(user=user, municipality=municipality),
        "year": report.year if report else None,
        "report": report,
        "rows": _rows(report) if report else [],
        "texts": report_texts(report, citations) if report else None,
        "citations": citations,
        "error": error,
        "query": request.GET.urlencode(),
        "canonical_url": (
            request.build_absolute_uri(f"{request.path}?{request.GET.urlencode()}")
            if public
            else None
        ),
    }
    return render(request, template, context, status=400 if error else 200)


def _citations(request, municipality, report):
    """Citations of the report year's released indicators and their corrected values."""
    if report is None:
        return None
    pairs = [(indicator, report.year) for indicator in report.indicators]
    return load_citations(municipality=municipality, pairs=pairs, base=request)


def _rows(report):
    """Per topic: rows with the label, comparison year, cells and the reference text."""
    return [(topic, [(row, reference_text(row)) for row in topic.rows]) for topic in report.topics]


def _file(request, municipality, *, user, fmt: str) -> HttpResponse:
    # The same file for the same data version, URL and kind of reader: made once, then stored
    # (atlas_data/cache.py). Access was checked by the caller; the areas by area_report.
    key = atlas_cache.etag(
        municipality.pk,
        "report",
        request.build_absolute_uri(),
        can(user, Action.VIEW_INTERNAL, municipality),
        can(user, Action.VIEW_SUPPRESSED_VALUES, municipality),
        get_language(),
        timezone.localdate(),  # the file names the day it was made
    )
    stored = atlas_cache.get_body(key)
    if stored is None:
        try:
            _area_ids, report = _report(request, municipality, user)
            if report is None:
                raise ReportError(_("Choose at least one area."))
        except ReportError as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        citations = _citations(request, municipality, report)
        if fmt == "pdf":
            content = render_pdf(report, citations=citations)
        else:
            content = render_docx(report, citations=citations)
        cited = citations.listed((indicator.pk, report.year) for indicator in report.indicators)
        name = f"gebietsbericht-{municipality.slug}-{report.year}.{fmt}"
        stored = (content, name, cited)
        atlas_cache.set_body(key, stored)
    # A body stored before the citations were kept with it has none (it ages out with the day).
    content, filename, *rest = stored
    if fmt == "pdf":
        content_type = "application/pdf"
    else:
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return file_response(
        content, content_type=content_type, filename=filename, cited=rest[0] if rest else ()
    )


@login_required
def report_page(request):
    municipality = _internal_municipality(request)
    return _page(
        request, municipality, user=request.user, template="atlas_data/report.html", public=False
    )


@login_required
def report_docx(request):
    municipality = _internal_municipality(request)
    return _file(request, municipality, user=file_reader(request.user, municipality), fmt="docx")


@login_required
def report_pdf(request):
    municipality = _internal_municipality(request)
    return _file(request, municipality, user=file_reader(request.user, municipality), fmt="pdf")


# The public report shows the public view, also to members who are logged in.


def public_report(request, slug):
    municipality = _public_municipality(slug)
    return _page(
        request, municipality, user=None, template="atlas_data/report_public.html", public=True
    )


def public_report_docx(request, slug):
    return _file(request, _public_municipality(slug), user=None, fmt="docx")


def public_report_pdf(request, slug):
    return _file(request, _public_municipality(slug), user=None, fmt="pdf")
