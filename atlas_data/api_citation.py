"""The `citation` object of the atlas API (atlas_data.citation), documented for the schema."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers


class CitedIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CitationSerializer(serializers.Serializer):
    """How to cite a released indicator year; null for data that is not released."""

    text = serializers.CharField(
        help_text="German citation line: municipality (year of release): indicator year, "
        "release date, latest correction, source, retrieval date and permanent URL"
    )
    municipality = serializers.CharField()
    indicator = CitedIndicatorSerializer()
    year = serializers.IntegerField()
    released_on = serializers.DateField()
    corrected_on = serializers.DateField(
        allow_null=True, help_text="the latest change of a value after the release"
    )
    source = serializers.CharField(help_text="data source (data holder)")
    url = serializers.URLField(help_text="permanent URL; stays the same when renamed")
    accessed_on = serializers.DateField()


def citation_data(citations, indicator_id: int, year: int) -> dict | None:
    """The `citation` member of an answer: the object, or None while not released."""
    citation = citations.get(indicator_id, year) if citations is not None else None
    return citation.as_dict() if citation else None


def corrected_on(citations, indicator_id: int, year: int, area_id: int) -> str | None:
    """The ISO date of a value's latest change after its release, or None."""
    moment = citations.corrected(indicator_id, year, area_id) if citations is not None else None
    return timezone.localdate(moment).isoformat() if moment else None
