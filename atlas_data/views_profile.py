"""The institution profile (Sozialraumprofil) of a POI as a page, DOCX and PDF: internal for
members and public (released POI and released indicators only). Thin views.

The page shows what the viewer may see (data admins see suppressed numbers marked as such);
the DOCX and PDF are rendered for a file reader, so they hold `k. A.` for everyone.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, file_reader

from .citation import Citations, load_citations
from .exports import file_response
from .exports.profile import (
    citation_pairs,
    profile_texts,
    reference_text,
    render_docx,
    render_pdf,
    sparkline_svg,
)
from .models import Poi
from .selectors_profile import InstitutionProfile, institution_profile

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _profile(municipality: Municipality, *, user, pk: int) -> InstitutionProfile:
    try:
        return institution_profile(user=user, municipality=municipality, pk=pk)
    except Poi.DoesNotExist as exc:
        raise Http404 from exc


def _public_municipality(slug) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(None, Action.VIEW_PUBLIC, municipality):
        raise Http404
    return municipality


def _page(request, municipality, profile: InstitutionProfile, *, public: bool):
    pk = profile.poi.pk
    if public:
        slug = municipality.slug
        urls = {
            "docx": reverse("public_poi_profile_docx", kwargs={"slug": slug, "pk": pk}),
            "pdf": reverse("public_poi_profile_pdf", kwargs={"slug": slug, "pk": pk}),
            "back": reverse("public_pois", kwargs={"slug": slug}),
            "area": reverse("public_area", kwargs={"slug": slug, "pk": 0}).removesuffix("0/"),
        }
    else:
        urls = {
            "docx": reverse("atlas:poi_profile_docx", kwargs={"pk": pk}),
            "pdf": reverse("atlas:poi_profile_pdf", kwargs={"pk": pk}),
            "back": reverse("atlas:poi_detail", kwargs={"pk": pk}),
            "area": reverse("atlas:area", kwargs={"pk": 0}).removesuffix("0/"),
        }
    rows = [
        {"row": row, "reference": reference_text(row), "sparkline": sparkline_svg(row.series)}
        for row in profile.indicators
    ]
    citation_list = []
    if public:  # every public view cites the released indicator years it shows
        citation_list = _citations(request, profile).listed(
            (indicator.pk, year) for indicator, year in citation_pairs(profile)
        )
    return render(
        request,
        "atlas_data/poi_profile_public.html" if public else "atlas_data/poi_profile.html",
        {
            "municipality": municipality,
            "public": public,
            "profile": profile,
            "poi": profile.poi,
            "rows": rows,
            "texts": profile_texts(profile),
            "urls": urls,
            "citation_list": citation_list,
        },
    )


def _citations(request, profile: InstitutionProfile) -> Citations:
    """Citations of the released indicator years the profile shows (institution values too)."""
    return load_citations(
        municipality=profile.municipality,
        pairs=citation_pairs(profile),
        base=request,
        institutions=True,
    )


def _file(request, profile: InstitutionProfile, *, fmt: str) -> HttpResponse:
    # Files cite the released indicator years they hold, internal files too (as the area
    # report does); unreleased years are never cited.
    citations = _citations(request, profile)
    if fmt == "pdf":
        content, content_type = render_pdf(profile, citations=citations), "application/pdf"
    else:
        content, content_type = render_docx(profile, citations=citations), DOCX_TYPE
    cited = citations.listed((indicator.pk, year) for indicator, year in citation_pairs(profile))
    name = f"sozialraumprofil-{profile.municipality.slug}-{profile.poi.pk}.{fmt}"
    return file_response(content, content_type=content_type, filename=name, cited=cited)


@login_required
def poi_profile(request, pk: int):
    municipality = current_municipality(request)
    profile = _profile(municipality, user=request.user, pk=pk)
    return _page(request, municipality, profile, public=False)


@login_required
def poi_profile_docx(request, pk: int):
    municipality = current_municipality(request)
    reader = file_reader(request.user, municipality)
    return _file(request, _profile(municipality, user=reader, pk=pk), fmt="docx")


@login_required
def poi_profile_pdf(request, pk: int):
    municipality = current_municipality(request)
    reader = file_reader(request.user, municipality)
    return _file(request, _profile(municipality, user=reader, pk=pk), fmt="pdf")


# The public profile shows the public view, also to members who are logged in.


def public_poi_profile(request, slug, pk: int):
    municipality = _public_municipality(slug)
    return _page(request, municipality, _profile(municipality, user=None, pk=pk), public=True)


def public_poi_profile_docx(request, slug, pk: int):
    municipality = _public_municipality(slug)
    return _file(request, _profile(municipality, user=None, pk=pk), fmt="docx")


def public_poi_profile_pdf(request, slug, pk: int):
    municipality = _public_municipality(slug)
    return _file(request, _profile(municipality, user=None, pk=pk), fmt="pdf")
