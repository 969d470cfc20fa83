"""The landing page of a municipality's public atlas at /atlas/<slug>/: released data only."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from accounts.models import Municipality
from accounts.permissions import Action, can

from . import bookmark_selectors, indicator_selectors, selectors
from .models import Area, Indicator


def public_municipality(slug: str) -> Municipality:
    """The municipality of a public page; 404 when it has no public atlas."""
    municipality = get_object_or_404(Municipality, slug=slug)
    if not municipality.public_atlas_enabled or not can(None, Action.VIEW_PUBLIC, municipality):
        raise Http404
    return municipality


def public_explore_url(slug: str, **params) -> str | None:
    """The public explorer with `params`, or None while the atlas has no explorer."""
    try:
        base = reverse("public_explore", kwargs={"slug": slug})
    except NoReverseMatch:
        return None
    return f"{base}?{urlencode(params)}" if params else base


def public_atlas(request, slug):
    """Topics with their released indicators, published bookmarks, sources, data protection.

    The public view, also for members who are logged in. A fixed number of queries.
    """
    municipality = public_municipality(slug)
    indicators = indicator_selectors.public_indicators(municipality=municipality)
    topics = indicator_selectors.grouped_by_topic(indicators, key=lambda item: item[0])
    bookmarks = bookmark_selectors.public_bookmarks(municipality=municipality)
    descriptions = bookmark_selectors.describe(
        municipality=municipality, states=[b.state or {} for b in bookmarks]
    )
    sources = {}
    for indicator, _years in indicators:
        if indicator.data_source:
            sources.setdefault(indicator.data_source, set()).add(indicator.data_holder)
    geometry_sources = sorted(
        set(
            Area.objects.filter(municipality=municipality)
            .exclude(geometry_source="")
            .values_list("geometry_source", flat=True)
        )
    )
    return render(
        request,
        "atlas_data/public_home.html",
        {
            "municipality": municipality,
            "levels": selectors.levels_for(user=None, municipality=municipality),
            "topics": [
                (
                    name,
                    [
                        (
                            indicator,
                            years,
                            public_explore_url(municipality.slug, indicator=indicator.pk),
                        )
                        for indicator, years in items
                    ],
                )
                for name, items in topics
            ],
            "indicator_count": len(indicators),
            "bookmarks": [
                (
                    bookmark,
                    description,
                    bookmark_selectors.public_url(bookmark),
                    bookmark_selectors.public_target(bookmark),
                )
                for bookmark, description in zip(bookmarks, descriptions, strict=True)
            ],
            "sources": sorted(
                (source, sorted(holder for holder in holders if holder))
                for source, holders in sources.items()
            ),
            "geometry_sources": geometry_sources,
            "explore_url": public_explore_url(municipality.slug),
            # Released values per institution: the comparison of the institutions with their
            # areas is worth a link.
            "institutions_url": (
                reverse("public_institution_compare", kwargs={"slug": municipality.slug})
                if any(
                    indicator.observation_unit == Indicator.ObservationUnit.INSTITUTION
                    for indicator, _years in indicators
                )
                else None
            ),
            "suppression_threshold": municipality.suppression_threshold,
            "suppress_zero": municipality.suppress_zero,
        },
    )
