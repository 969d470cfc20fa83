"""Fixtures of the atlas tests: real tables of Vechta and Lüchow-Dannenberg, synthetic trees.

The files in tests/data/ are copies of the shared seed tables as the Landkreise published them
(Vechta 2013, Lüchow-Dannenberg 2014) and of the BKG's VG5000 as of 01.01.2021
(© GeoBasis-DE / BKG 2021, dl-de/by-2-0).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Municipality, Role
from atlas_data.models import Area, Indicator, SpatialLevel, Topic, Value
from atlas_data.services import ensure_level, ensure_root, import_areas, import_values
from tests.factories import MunicipalityFactory

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def vechta(demo) -> Municipality:
    """The demo: Landkreis Vechta, its 10 Gemeinden and the released 2013 table."""
    return demo


@pytest.fixture
def u15(vechta) -> Indicator:
    """Anteil unter 15-Jähriger (published shares, no numerators), released for 2013."""
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, catalogue_code="anteil-unter-15"
    )


@pytest.fixture
def luechow(db) -> Municipality:
    """Lüchow-Dannenberg: 27 Gemeinden + 2 gemeindefreie Gebiete (VG5000) and the 2014 counts."""
    municipality = MunicipalityFactory(
        slug="luechow-dannenberg",
        name="Landkreis Lüchow-Dannenberg",
        kind=Municipality.Kind.DISTRICT,
        official_key="03354",
    )
    import_areas(
        municipality=municipality,
        path=DATA / "vg5000_2021_ebenen.zip",
        layer="VG5000_GEM",
        key_prefix="03354",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    import_values(
        municipality=municipality,
        path=DATA / "luechow_dannenberg_gemeinden_2014.csv",
        level_name="Gemeinden",
        year=2014,
    )
    return municipality


@pytest.fixture
def inhabitants(luechow) -> Indicator:
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=luechow, name="Anzahl Einwohner"
    )


@pytest.fixture
def data_admin(member_of):
    """data_admin(municipality, topics=None) -> a data admin (limited to `topics` if given)."""

    def make(municipality, topics=None, username=None):
        return member_of(municipality, Role.DATA_ADMIN, data_topics=topics, username=username)

    return make


def complete_metadata(indicator: Indicator) -> Indicator:
    """Fill every mandatory field so that the indicator may be released."""
    indicator.short_name = indicator.short_name or indicator.name[:40]
    indicator.definition = indicator.definition or "Definition"
    indicator.unit = indicator.unit or "Personen"
    indicator.data_source = indicator.data_source or "Melderegister"
    indicator.data_holder = indicator.data_holder or "Statistikstelle"
    indicator.reference_date = indicator.reference_date or "31.12."
    indicator.polarity = indicator.polarity or Indicator.Polarity.NEUTRAL
    indicator.save()
    indicator.valid_levels.set(SpatialLevel.objects.filter(municipality=indicator.municipality))
    return indicator


def make_tree(
    municipality: Municipality, *, districts: int, quarters_per_district: int = 0
) -> dict[str, list[Area]]:
    """Root > `districts` Bezirke (> `quarters_per_district` Quartiere each), without geometry."""
    root = ensure_root(municipality=municipality)
    level = ensure_level(municipality=municipality, name="Bezirke")
    bezirke = Area.objects.bulk_create(
        Area(
            municipality=municipality, level=level, key=f"{n:03d}", name=f"Bezirk {n}", parent=root
        )
        for n in range(1, districts + 1)
    )
    quartiere = []
    if quarters_per_district:
        fine = ensure_level(
            municipality=municipality, name="Quartiere", parent_level_name="Bezirke"
        )
        quartiere = Area.objects.bulk_create(
            Area(
                municipality=municipality,
                level=fine,
                key=f"{bezirk.key}{q:02d}",
                name=f"Quartier {bezirk.key}-{q}",
                parent=bezirk,
            )
            for bezirk in bezirke
            for q in range(1, quarters_per_district + 1)
        )
    return {"root": [root], "Bezirke": bezirke, "Quartiere": quartiere}


def count_indicator(municipality: Municipality, *, name: str = "Kinder unter 6 Jahren", **fields):
    topic, _created = Topic.objects.get_or_create(
        municipality=municipality, code="demografie", defaults={"name": "Demografie"}
    )
    return Indicator.objects.create(
        municipality=municipality,
        topic=topic,
        name=name,
        kind=Indicator.Kind.COUNT,
        decimals=0,
        **fields,
    )


def store(indicator: Indicator, year: int, values: dict[Area, float | None], **fields) -> None:
    """Stored values; None stores `k. A.` delivered by the source."""
    Value.objects.bulk_create(
        Value(
            indicator=indicator,
            area=area,
            year=year,
            value=value,
            status=Value.Status.OK if value is not None else Value.Status.SOURCE_SUPPRESSED,
            **fields,
        )
        for area, value in values.items()
    )
