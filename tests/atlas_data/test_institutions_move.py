"""A POI that moves takes its institution values with it: the roll-up of every
institution-level indicator with values of that POI runs again for its old and new areas, with
history, and the atlas cache learns of it (issue 11)."""

from __future__ import annotations

import pytest

from atlas_data import cache as atlas_cache
from atlas_data.models import Area, Value, ValueChange
from atlas_data.services.pois import assign_areas, import_pois, save_poi
from tests.atlas_data.institution_fixtures import *  # noqa: F403
from tests.atlas_data.institution_fixtures import YEAR

pytestmark = pytest.mark.django_db

# Three Bezirke side by side, 0.01° wide each, and the city around them.
WEST, SOUTH, WIDTH, HEIGHT = 8.0, 52.0, 0.01, 0.01


def square(west: float, east: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, SOUTH], [east, SOUTH], [east, SOUTH + HEIGHT], [west, SOUTH + HEIGHT]]
            + [[west, SOUTH]]
        ],
    }


def centre_of(key: str) -> tuple[float, float]:
    """(longitude, latitude) in the middle of Bezirk `key`."""
    index = int(key) - 1
    return WEST + (index + 0.5) * WIDTH, SOUTH + HEIGHT / 2


@pytest.fixture
def mapped(city):
    """The city of institution_fixtures with geometries; each Kita placed in its Bezirk."""
    Area.objects.filter(pk=city.root.pk).update(geometry=square(WEST, WEST + 3 * WIDTH))
    for key, area in city.bezirke.items():
        index = int(key) - 1
        west = WEST + index * WIDTH
        Area.objects.filter(pk=area.pk).update(geometry=square(west, west + WIDTH))
    homes = {"Kita Ahorn": "001", "Kita Birke": "001", "Kita Eiche": "002"}
    homes |= {"Kita Linde": "003", "Kita Weide": "003"}
    for name, key in homes.items():
        poi = city.kitas[name]
        poi.longitude, poi.latitude = centre_of(key)
        poi.save()
    assign_areas(municipality=city.municipality)
    return city


def rolled_up(city) -> dict[str, tuple]:
    """Area key -> (numerator, denominator) of the roll-up in YEAR."""
    return {
        value.area.key: (value.numerator, value.denominator)
        for value in Value.objects.filter(indicator=city.indicator, year=YEAR).select_related(
            "area"
        )
    }


def test_the_fixture_rolls_up_as_before(mapped):
    assert rolled_up(mapped)["001"] == (18, 50)  # Ahorn 6/20 + Birke 12/30
    assert rolled_up(mapped)["002"] == (10, 40)


def test_moving_a_kita_through_the_poi_service_moves_its_values(mapped):
    city = mapped
    ahorn = city.kitas["Kita Ahorn"]
    version = atlas_cache.data_version(city.municipality.pk)
    ahorn.longitude, ahorn.latitude = centre_of("002")

    save_poi(user=city.admin, poi=ahorn)

    after = rolled_up(city)
    assert after["001"] == (12, 30)  # Birke alone
    assert after["002"] == (16, 60)  # Eiche 10/40 + Ahorn 6/20
    old = Value.objects.get(indicator=city.indicator, year=YEAR, area=city.bezirke["002"])
    assert old.value == pytest.approx(100 * 16 / 60)  # weighted, not the mean of 25 % and 30 %
    assert after[city.root.key] == (45, 144)  # the city as a whole is unchanged
    changes = {
        change.area.key: change
        for change in ValueChange.objects.filter(indicator=city.indicator, year=YEAR)
        .select_related("area")
        .order_by("pk")
    }
    assert (changes["001"].old_numerator, changes["001"].new_numerator) == (18, 12)
    assert (changes["002"].old_denominator, changes["002"].new_denominator) == (40, 60)
    assert changes["002"].changed_by == city.admin
    assert atlas_cache.data_version(city.municipality.pk) != version


def test_moving_a_kita_by_re_import_moves_its_values(mapped, tmp_path):
    city = mapped
    longitude, latitude = centre_of("003")
    path = tmp_path / "einrichtungen.csv"
    path.write_text(
        "ID;Name;Kategorie;Adresse;Breite;Länge\n"
        f"{city.kitas['Kita Eiche'].pk};Kita Eiche;kita;Eicheweg 1;{latitude};{longitude}\n",
        encoding="utf-8",
    )

    import_pois(municipality=city.municipality, path=path, user=city.admin)

    after = rolled_up(city)
    assert "002" not in after  # no Kita left: no value, never zero
    assert after["003"] == (27, 94)  # Linde 9/30 + Weide 8/24 + Eiche 10/40
    removed = ValueChange.objects.filter(
        indicator=city.indicator, year=YEAR, area=city.bezirke["002"]
    ).latest("pk")
    assert (removed.old_numerator, removed.new_status) == (10, "")


def test_an_edit_that_does_not_move_the_kita_rolls_nothing_up(mapped):
    city = mapped
    before = ValueChange.objects.count()
    birke = city.kitas["Kita Birke"]
    birke.provider = "Neuer Träger"

    save_poi(user=city.admin, poi=birke)

    assert ValueChange.objects.count() == before
