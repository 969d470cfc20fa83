"""The institution-level values of the Vechta demo (keck/demo_institutions.py): Kita results
per year, rolled up to the Gemeinden and the district, small groups suppressed, released for
2014 and 2015, and shown on the public comparison page."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Municipality
from atlas_data.models import Area, Indicator, IndicatorRelease, InstitutionValue, Poi, Value
from atlas_data.selectors_explore import indicator_values_many
from keck.demo_institutions import NAME, load_demo_institutions

VECHTA, NEUENKIRCHEN = "03460009", "03460007"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        from keck.demo import load_demo

        vechta = load_demo()
        yield vechta.pk
        transaction.set_rollback(True)


@pytest.fixture
def vechta(world, db) -> Municipality:
    return Municipality.objects.get(pk=world)


@pytest.fixture
def indicator(vechta) -> Indicator:
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, name=NAME
    )


def kita(vechta, name) -> Poi:
    return Poi.objects.get(municipality=vechta, name=name)


def test_the_demo_has_three_years_of_kita_results_marked_as_invented(vechta, indicator):
    rows = InstitutionValue.objects.filter(indicator=indicator)
    assert sorted({row.year for row in rows}) == [2013, 2014, 2015]
    assert rows.count() == 18 * 3
    assert all("erfunden" in row.source_note for row in rows)
    assert indicator.observation_unit == Indicator.ObservationUnit.INSTITUTION
    released = IndicatorRelease.objects.filter(indicator=indicator)
    assert sorted(released.values_list("year", flat=True)) == [2014, 2015]


def test_the_gemeinde_vechta_is_its_kitas_weighted_by_observed_children(vechta, indicator):
    area = Area.objects.get(municipality=vechta, key=VECHTA)
    value = Value.objects.get(indicator=indicator, area=area, year=2015)
    # Sonnenblume 9/31, Regenbogen 7/25, Am Stadtpark 11/35, Waldkindergarten 6/8
    assert (value.numerator, value.denominator) == (33, 99)
    assert value.value == pytest.approx(100 / 3)


def test_small_groups_and_what_would_reveal_them_are_k_a_for_members(vechta, indicator):
    member = get_user_model().objects.get(username="demo-mitglied")
    data = indicator_values_many(user=member, municipality=vechta, wanted={indicator: [2015]})[
        (indicator.pk, 2015)
    ]
    shown = {poi_id: s.display for poi_id, s in data.institutions.items()}
    assert shown[kita(vechta, "Waldkindergarten Füchse").pk] == "k. A."  # 6 of 8
    assert shown[kita(vechta, "Kita Vörden").pk] == "k. A."  # 12 of 15
    # Neuenkirchen-Vörden's other Kita, or its total minus it would tell Kita Vörden.
    assert shown[kita(vechta, "Kita Neuenkirchen").pk] == "k. A."
    assert shown[kita(vechta, "Kita Bakum").pk] == "41,7 %"
    neuenkirchen = Area.objects.get(municipality=vechta, key=NEUENKIRCHEN)
    assert data.shown[neuenkirchen.pk].display == "55,6 %"


def test_loading_the_demo_again_changes_nothing(vechta, indicator):
    before = list(InstitutionValue.objects.filter(indicator=indicator).values_list("version"))
    values = Value.objects.filter(indicator=indicator).count()
    load_demo_institutions(vechta)
    after = list(InstitutionValue.objects.filter(indicator=indicator).values_list("version"))
    assert after == before
    assert Value.objects.filter(indicator=indicator).count() == values


def test_the_public_compares_released_kitas_with_the_sgb2_share_of_their_gemeinde(
    client, vechta, indicator
):
    page = client.get(
        f"/atlas/{vechta.slug}/institutions/", {"indicator": indicator.pk, "year": 2015}
    ).content.decode()
    data = json.loads(
        re.search(
            r'<script id="keck-institution-chart-data" type="application/json">(.*?)</script>',
            page,
            re.S,
        ).group(1)
    )
    assert "SGB" in data["x_title"]
    names = {point["name"] for point in data["points"]}
    assert "Kita Bakum" in names
    assert "Waldkindergarten Füchse" not in page  # an internal POI
    assert "Kita Vörden" not in names and "Kita Vörden" in page  # k. A. in the table
