"""The atlas part of the Vechta demo (issue 4, Demo): several indicators over three years, real
2013 values plus labelled synthetic ones, suppressed small counts, released and draft data, a
published bookmark; loading it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from atlas_data.bookmark_selectors import public_bookmarks
from atlas_data.models import Area, Bookmark, Indicator, IndicatorRelease, Value, ValueChange
from atlas_data.selectors import values_table
from keck.demo_atlas import SYNTHETIC

pytestmark = pytest.mark.django_db


def indicator(vechta, **lookup) -> Indicator:
    return Indicator.objects.select_related("municipality", "topic").get(
        municipality=vechta, **lookup
    )


def test_the_two_published_indicators_have_three_years(vechta):
    for code in ("anteil-unter-15", "anteil-nichtdeutsche-unter-15"):
        years = Value.objects.filter(indicator=indicator(vechta, catalogue_code=code))
        assert sorted(set(years.values_list("year", flat=True))) == [2013, 2014, 2015]


def test_2013_is_the_published_table_and_later_years_are_labelled_synthetic(vechta):
    u15 = indicator(vechta, catalogue_code="anteil-unter-15")
    notes = dict(
        Value.objects.filter(indicator=u15, area__key="03460001").values_list("year", "source_note")
    )
    assert notes == {2013: "Landkreis Vechta, Sozialdaten 2013", 2014: SYNTHETIC, 2015: SYNTHETIC}
    assert Value.objects.get(indicator=u15, area__key="03460001", year=2013).value == 17.53
    assert "synthetische Werte zur Veranschaulichung, keine amtlichen Daten" in u15.limitations


def test_every_wholly_synthetic_indicator_says_so_in_its_source(vechta):
    real = {"anteil-unter-15", "anteil-nichtdeutsche-unter-15"}
    for item in Indicator.objects.filter(municipality=vechta).exclude(catalogue_code__in=real):
        assert item.data_source == SYNTHETIC, item.name
        assert SYNTHETIC in item.limitations


def test_the_synthetic_gemeinden_have_5000_to_33000_inhabitants(vechta):
    inhabitants = indicator(vechta, catalogue_code="einwohner")
    numbers = Value.objects.filter(indicator=inhabitants).values_list("value", flat=True)
    assert len(numbers) == 30
    assert min(numbers) >= 5000 and max(numbers) <= 33000


def test_shares_keep_numerator_and_denominator_so_the_district_is_computed(vechta):
    sgb2 = indicator(vechta, catalogue_code="sgb2-kinder-unter-15")
    rows = Value.objects.filter(indicator=sgb2, year=2015)
    assert all(row.numerator and row.denominator for row in rows)
    table = values_table(user=None, indicator=sgb2, year=2015, level=rows[0].area.level)
    expected = sum(r.numerator for r in rows) / sum(r.denominator for r in rows) * 100
    assert table.reference.shown.value == pytest.approx(expected)
    assert table.reference.kind == "computed"


def test_small_counts_are_suppressed_for_the_public(vechta):
    cases = indicator(vechta, name="Eingliederungshilfen nach § 35a SGB VIII (Fälle)")
    level = Area.objects.get(municipality=vechta, key="03460001").level
    table = values_table(user=None, indicator=cases, year=2015, level=level)
    shown = {row.area_name: row.shown.display for row in table.rows}
    assert shown["Bakum"] == "k. A."  # 3 cases
    assert shown["Holdorf"] == "k. A."  # 4 cases, hidden so that Bakum cannot be recovered
    assert shown["Vechta"] == "44"


def test_one_indicator_is_released_for_some_years_and_one_is_a_draft(vechta):
    sgb2 = indicator(vechta, catalogue_code="sgb2-kinder-unter-15")
    rate = indicator(vechta, catalogue_code="eingliederungshilfe-35a")
    released = IndicatorRelease.objects.filter(indicator=sgb2).values_list("year", flat=True)
    assert sorted(released) == [2014, 2015]
    assert Value.objects.filter(indicator=sgb2, year=2013).exists()
    assert Value.objects.filter(indicator=rate).exists()
    assert not IndicatorRelease.objects.filter(indicator=rate).exists()


def test_a_published_bookmark_with_an_interpretation_is_public(vechta):
    (bookmark,) = public_bookmarks(municipality=vechta)
    assert bookmark.interpretation.startswith("In den Städten Vechta und Lohne")
    assert bookmark.created_by.username == "demo-mitglied"
    assert Bookmark.objects.filter(municipality=vechta, is_published=False).count() == 1


def test_loading_the_demo_again_changes_no_value_and_writes_no_history(vechta, settings):
    settings.DEBUG = True
    values = list(Value.objects.order_by("pk").values())
    history = Indicator.history.count(), Bookmark.history.count(), ValueChange.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert list(Value.objects.order_by("pk").values()) == values
    assert (
        Indicator.history.count(),
        Bookmark.history.count(),
        ValueChange.objects.count(),
    ) == history
