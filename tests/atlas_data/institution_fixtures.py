"""Set-up of the institution-level tests: a small city (three Bezirke, no geometries) with Kitas
placed in its areas by hand and a share per Kita, written through the service.

Kita results (observed children with strong interest in science / observed children):
Bezirk 001: Kita Ahorn 6/20, Kita Birke 12/30  -> 18/50 = 36 % (the plain mean would be 35 %)
Bezirk 002: Kita Eiche 10/40                   -> 25 %
Bezirk 003: Kita Linde 9/30, Kita Weide 8/24    -> 17/54
City: 45/144 = 31.25 %
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import Municipality, Role
from atlas_data.models import Area, Indicator, Poi, PoiCategory, Topic, Value
from atlas_data.services.institutions import set_institution_value
from tests.atlas_data.conftest import make_tree

__all__ = ["city"]

YEAR = 2024
RESULTS = {
    "Kita Ahorn": ("001", 6, 20),
    "Kita Birke": ("001", 12, 30),
    "Kita Eiche": ("002", 10, 40),
    "Kita Linde": ("003", 9, 30),
    "Kita Weide": ("003", 8, 24),
}


# Children in SGB II households / children per Bezirk: the social data the Kitas are compared to.
SGB2 = {"001": (50, 500), "002": (100, 500), "003": (150, 500)}


def add_sgb2_share(city, *, name="Anteil Kinder in SGB-II-Haushalten", weights=True, **fields):
    """A share per Bezirk (SGB2) in YEAR beside the Kita results, in the topic Soziale Lage;
    `weights=False` stores the shares without numerator and denominator."""
    topic, _created = Topic.objects.get_or_create(
        municipality=city.municipality, code="soziale-lage", defaults={"name": "Soziale Lage"}
    )
    indicator = Indicator.objects.create(
        municipality=city.municipality,
        topic=topic,
        name=name,
        kind=Indicator.Kind.SHARE,
        unit="%",
        **fields,
    )
    Value.objects.bulk_create(
        Value(
            indicator=indicator,
            area=city.bezirke[key],
            year=YEAR,
            value=n / d * 100,
            numerator=n if weights else None,
            denominator=d if weights else None,
        )
        for key, (n, d) in SGB2.items()
    )
    return indicator


@dataclass
class City:
    municipality: Municipality
    admin: object  # a data admin
    indicator: Indicator
    root: Area
    bezirke: dict[str, Area]
    kitas: dict[str, Poi]


def make_kita(municipality, category, name: str, areas: list[Area], **fields) -> Poi:
    poi = Poi.objects.create(
        municipality=municipality,
        category=category,
        name=name,
        address=f"{name.split()[-1]}weg 1",
        latitude=52.0,
        longitude=8.0,
        is_released=True,
        **fields,
    )
    poi.areas.set(areas)
    return poi


def institution_indicator(municipality, **fields) -> Indicator:
    topic, _created = Topic.objects.get_or_create(
        municipality=municipality, code="bildung", defaults={"name": "Bildung"}
    )
    defaults = {
        "name": "Anteil beobachteter Kinder mit starkem naturwissenschaftlichem Interesse",
        "short_name": "Naturwissenschaftliches Interesse",
        "kind": Indicator.Kind.SHARE,
        "unit": "%",
        "decimals": 1,
        "observation_unit": Indicator.ObservationUnit.INSTITUTION,
    }
    return Indicator.objects.create(
        municipality=municipality, topic=topic, **{**defaults, **fields}
    )


def make_city(municipality, member_of, *, results=RESULTS, year=YEAR) -> City:
    tree = make_tree(municipality, districts=3)
    root = tree["root"][0]
    bezirke = {area.key: area for area in tree["Bezirke"]}
    category = PoiCategory.objects.create(municipality=municipality, code="kita", name="Kita")
    admin = member_of(municipality, Role.DATA_ADMIN)
    indicator = institution_indicator(municipality)
    kitas = {}
    for name, (key, numerator, denominator) in results.items():
        kitas[name] = make_kita(municipality, category, name, [root, bezirke[key]])
        set_institution_value(
            user=admin,
            indicator=indicator,
            poi=kitas[name],
            year=year,
            numerator=numerator,
            denominator=denominator,
        )
    return City(municipality, admin, indicator, root, bezirke, kitas)


@pytest.fixture
def city(municipality, member_of) -> City:
    return make_city(municipality, member_of)
