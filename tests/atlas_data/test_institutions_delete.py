"""A deleted POI takes its institution values with it, and the areas they were rolled up to are
rolled up again without them (weighted, with history, the atlas cache told): by the POI service,
the POI page and the API (issue 11)."""

from __future__ import annotations

import pytest

from atlas_data import cache as atlas_cache
from atlas_data.citation import load_citations
from atlas_data.models import IndicatorRelease, InstitutionValue, Poi, Value, ValueChange
from atlas_data.services.pois import delete_poi
from tests.atlas_data.institution_fixtures import *  # noqa: F403
from tests.atlas_data.institution_fixtures import YEAR

pytestmark = pytest.mark.django_db


def rolled_up(city) -> dict[str, tuple]:
    """Area key -> (numerator, denominator) of the roll-up in YEAR."""
    return {
        value.area.key: (value.numerator, value.denominator)
        for value in Value.objects.filter(indicator=city.indicator, year=YEAR).select_related(
            "area"
        )
    }


def latest_change(city, key: str) -> ValueChange:
    return ValueChange.objects.filter(
        indicator=city.indicator, year=YEAR, area=city.bezirke.get(key, city.root)
    ).latest("pk")


def test_the_fixture_rolls_up_two_kitas_in_bezirk_001(city):
    assert rolled_up(city)["001"] == (18, 50)  # Ahorn 6/20 + Birke 12/30
    assert rolled_up(city)[city.root.key] == (45, 144)


def test_deleting_a_kita_rolls_its_bezirk_up_again_weighted_with_history(city):
    ahorn = city.kitas["Kita Ahorn"]
    version = atlas_cache.data_version(city.municipality.pk)

    delete_poi(user=city.admin, poi=ahorn)

    assert not Poi.objects.filter(pk=ahorn.pk).exists()
    assert not InstitutionValue.objects.filter(poi_id=ahorn.pk).exists()
    after = rolled_up(city)
    assert after["001"] == (12, 30)  # Birke alone
    bezirk = Value.objects.get(indicator=city.indicator, year=YEAR, area=city.bezirke["001"])
    assert bezirk.value == pytest.approx(40.0)  # 12/30, no longer 18/50 = 36 %
    assert after[city.root.key] == (39, 124)  # the city without Ahorn's 6 of 20
    assert after["002"] == (10, 40)  # untouched
    change = latest_change(city, "001")
    assert (change.old_numerator, change.new_numerator) == (18, 12)
    assert (change.old_denominator, change.new_denominator) == (50, 30)
    assert change.changed_by == city.admin
    assert atlas_cache.data_version(city.municipality.pk) != version


def test_deleting_the_only_kita_of_a_bezirk_removes_its_value_never_zero(city):
    delete_poi(user=city.admin, poi=city.kitas["Kita Eiche"])

    assert "002" not in rolled_up(city)
    removed = latest_change(city, "002")
    assert (removed.old_numerator, removed.new_status) == (10, "")


def test_the_delete_page_says_that_the_values_go_and_the_areas_are_rolled_up(client, city):
    client.force_login(city.admin)

    page = client.get(f"/app/atlas/pois/{city.kitas['Kita Birke'].pk}/delete/").content.decode()

    assert "Die Werte der Einrichtung werden mit ihr gelöscht, und die Gebiete" in page


def test_deleting_a_kita_on_the_poi_page_rolls_up_again(client, city):
    client.force_login(city.admin)
    birke = city.kitas["Kita Birke"]

    response = client.post(f"/app/atlas/pois/{birke.pk}/delete/")

    assert response.status_code == 302
    assert rolled_up(city)["001"] == (6, 20)  # Ahorn alone


def test_deleting_a_kita_through_the_api_rolls_up_again(client, city):
    client.force_login(city.admin)
    slug, linde = city.municipality.slug, city.kitas["Kita Linde"]

    response = client.delete(f"/api/v1/municipalities/{slug}/pois/{linde.pk}/")

    assert response.status_code == 204
    assert rolled_up(city)["003"] == (8, 24)  # Weide alone


def test_a_deletion_after_the_release_is_cited_as_a_correction(city):
    IndicatorRelease.objects.create(indicator=city.indicator, year=YEAR)

    delete_poi(user=city.admin, poi=city.kitas["Kita Ahorn"])

    citations = load_citations(
        municipality=city.municipality,
        pairs=[(city.indicator, YEAR)],
        base="https://keck.example",
        institutions=True,
    )
    assert citations.get(city.indicator.pk, YEAR).corrected_at is not None
    assert citations.corrected(city.indicator.pk, YEAR, city.bezirke["001"].pk) is not None


def test_a_member_without_the_right_deletes_nothing_and_nothing_is_rolled_up(
    client, city, member_of
):
    from accounts.models import Role

    client.force_login(member_of(city.municipality, Role.MEMBER))
    slug, ahorn = city.municipality.slug, city.kitas["Kita Ahorn"]

    response = client.delete(f"/api/v1/municipalities/{slug}/pois/{ahorn.pk}/")

    assert response.status_code == 403
    assert Poi.objects.filter(pk=ahorn.pk).exists()
    assert rolled_up(city)["001"] == (18, 50)
