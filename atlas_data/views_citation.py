"""The permanent page of one released indicator year: /atlas/<slug>/i/<indicator id>/<year>/.

The URL every citation names. It holds ids only, so it keeps working when the indicator is
renamed; it shows the values of that year at every level (released data only, suppressed as
everywhere), each value changed after the release with its correction date, the citation and
the indicator's metadata. A fixed number of queries.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from . import indicator_selectors, selectors, selectors_explore
from .citation import load_citations
from .models import Indicator
from .views_public import public_explore_url, public_municipality


def public_cite(request, slug: str, pk: int, year: int):
    """The public view, also for members: an unreleased year is not found."""
    municipality = public_municipality(slug)
    try:
        indicator = selectors.indicator_for(user=None, municipality=municipality, pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc
    years = selectors.indicator_years(user=None, municipality=municipality, indicators=[indicator])
    released = years[indicator.pk].years
    if year not in released:
        raise Http404
    data = selectors_explore.indicator_values_many(
        user=None, municipality=municipality, wanted={indicator: [year]}
    )[(indicator.pk, year)]
    citations = load_citations(municipality=municipality, pairs=[(indicator, year)], base=request)
    citation = citations.get(indicator.pk, year)
    api = reverse("api-levels", kwargs={"slug": slug}).removesuffix("levels/")
    levels = []
    for level in selectors.levels_for(user=None, municipality=municipality):
        rows = [
            (area, shown, citations.corrected_text(indicator.pk, year, area.id))
            for area, shown in data.rows(level.pk)
        ]
        if not rows:
            continue
        query = urlencode({"indicators": indicator.pk, "year": year, "level": level.slug})
        levels.append(
            {
                "level": level,
                "rows": rows,
                "downloads": [
                    (label, f"{api}table.{suffix}?{query}")
                    for label, suffix in (("Excel (XLSX)", "xlsx"), ("CSV", "csv"))
                ],
            }
        )
    return render(
        request,
        "atlas_data/public_cite.html",
        {
            "municipality": municipality,
            "indicator": indicator,
            "year": year,
            "citation": citation,
            "citations": [citation],
            "levels": levels,
            "metadata": indicator_selectors.metadata_items(indicator),
            "other_years": [
                (other, reverse("public_cite", kwargs={"slug": slug, "pk": pk, "year": other}))
                for other in released
            ],
            "explore_url": public_explore_url(slug, indicator=indicator.pk, year=year),
            "canonical_url": citation.url,
        },
    )
