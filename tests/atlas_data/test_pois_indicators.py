"""Indicators derived from points of interest: counts, places, places per 100 children, and how
they pass release and suppression like any value."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from atlas_data.models import Area, Indicator, PoiCategory, SpatialLevel, Value, ValueChange
from atlas_data.selectors import values_table
from atlas_data.services.errors import AtlasError
from atlas_data.services.poi_indicators import derive_poi_indicators
from atlas_data.services.release import missing_metadata, release
from atlas_data.suppression import STATUS_OK, STATUS_SUPPRESSED

from .conftest import count_indicator, store
from .poi_helpers import BAKUM, LOHNE, VECHTA, category, inside, make_poi, vechta_with_pois

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages in English, so that assertions do not depend on the German catalogue."""
    with translation.override("en"):
        yield


@pytest.fixture
def vechta(db):
    """The POI part of the Vechta demo (see poi_helpers.vechta_with_pois)."""
    return vechta_with_pois()


YEAR = 2024
# Invented children under 6 per Gemeinde (about 6 % of the inhabitants).
CHILDREN = {
    "03460001": 380,
    "03460002": 1000,
    "03460003": 800,
    "03460004": 560,
    "03460005": 420,
    "03460006": 1650,
    "03460007": 510,
    "03460008": 600,
    "03460009": 1900,
    "03460010": 600,
}


@pytest.fixture
def admin(vechta, member_of):
    return member_of(vechta, Role.DATA_ADMIN)


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def children(vechta):
    indicator = count_indicator(vechta, name="Kinder unter 6 Jahren (Test)", short_name="Kinder u6")
    gemeinden = {a.key: a for a in Area.objects.filter(municipality=vechta, level__depth=1)}
    store(indicator, YEAR, {gemeinden[key]: n for key, n in CHILDREN.items()})
    return indicator


@pytest.fixture
def kita(vechta):
    return category(vechta, "kita")


def gemeinden(vechta):
    return SpatialLevel.objects.get(municipality=vechta, depth=1)


def stored(indicator, key):
    return Value.objects.get(indicator=indicator, year=YEAR, area__key=key)


def shown(user, indicator, key):
    table = values_table(
        user=user, indicator=indicator, year=YEAR, level=gemeinden(indicator.municipality)
    )
    return next(row.shown for row in table.rows if row.area_key == key)


def test_the_count_of_kitas_is_stored_for_every_gemeinde_and_the_district(vechta, admin, kita):
    result = derive_poi_indicators(user=admin, category=kita, year=YEAR)

    count = result.indicators[0]
    assert count.name == "Einrichtungen: Kita (Anzahl)"
    assert count.kind == Indicator.Kind.COUNT
    assert {key: stored(count, key).value for key in ("03460", VECHTA, LOHNE, BAKUM)} == {
        "03460": 20,
        VECHTA: 5,
        LOHNE: 4,
        BAKUM: 1,
    }
    assert result.created == 2 * 11  # the count and the places, 10 Gemeinden and the district


def test_a_member_sees_k_a_for_a_gemeinde_with_one_to_three_kitas(vechta, admin, member, kita):
    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]

    assert (shown(member, count, BAKUM).display, shown(member, count, BAKUM).status) == (
        "k. A.",
        STATUS_SUPPRESSED,
    )
    assert shown(member, count, BAKUM).value is None
    assert (shown(member, count, VECHTA).display, shown(member, count, VECHTA).status) == (
        "5",
        STATUS_OK,
    )


def test_the_data_admin_sees_the_small_count_marked_as_suppressed(vechta, admin, kita):
    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]

    bakum = shown(admin, count, BAKUM)

    assert (bakum.value, bakum.suppressed_but_visible) == (1, True)


def test_the_derived_indicators_can_be_released_and_the_public_sees_k_a(vechta, admin, kita):
    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]
    assert missing_metadata(count) == []

    release(user=admin, indicator=count, year=YEAR)

    assert shown(None, count, BAKUM).display == "k. A."
    assert shown(None, count, LOHNE).display == "4"


def test_places_and_places_per_100_children_keep_numerator_and_denominator(
    vechta, admin, kita, children
):
    result = derive_poi_indicators(user=admin, category=kita, year=YEAR, denominator=children)

    _count, places, rate = result.indicators
    assert stored(places, VECHTA).value == 90 + 75 + 30 + 110 + 20
    vechta_rate = stored(rate, VECHTA)
    assert (vechta_rate.numerator, vechta_rate.denominator) == (325, 1900)
    assert vechta_rate.value == pytest.approx(17.105263, abs=1e-6)
    assert (rate.kind, rate.rate_base, rate.unit) == (Indicator.Kind.RATE, 100, "je 100")
    assert rate.name == "Einrichtungen: Kita (Plätze je 100 Kinder u6)"


def test_the_district_rate_uses_the_sum_of_the_children_of_its_gemeinden(
    vechta, admin, kita, children
):
    rate = derive_poi_indicators(
        user=admin, category=kita, year=YEAR, denominator=children
    ).indicators[2]

    district = stored(rate, "03460")

    assert district.denominator == sum(CHILDREN.values())
    assert district.numerator == sum(
        p.capacity for p in kita.pois.all()
    )  # every demo Kita has places


def test_a_rate_with_few_places_is_k_a_for_a_member(vechta, admin, member, children):
    jugend = category(vechta, "jugendzentrum")
    make_poi(vechta, code="jugendzentrum", name="Jugendraum Bakum", at=inside(BAKUM), capacity=2)
    make_poi(vechta, code="jugendzentrum", name="Jugendcafé Vechta", at=inside(VECHTA), capacity=40)

    rate = derive_poi_indicators(
        user=admin, category=jugend, year=YEAR, denominator=children
    ).indicators[2]

    assert shown(member, rate, BAKUM).display == "k. A."
    assert shown(member, rate, VECHTA).display == "2,1"  # 40 places per 1,900 children


def test_running_again_after_a_new_kita_updates_the_value_with_history(vechta, admin, kita):
    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]
    make_poi(vechta, name="Kita Neu in Bakum", at=inside(BAKUM))

    result = derive_poi_indicators(user=admin, category=kita, year=YEAR)

    assert (result.created, result.changed, result.unchanged) == (
        0,
        2,
        20,
    )  # count of Bakum and district
    assert stored(count, BAKUM).value == 2
    change = ValueChange.objects.filter(indicator=count, area__key=BAKUM).latest("pk")
    assert (change.old_value, change.new_value, change.changed_by) == (1, 2, admin)


def test_running_again_without_changes_writes_nothing(vechta, admin, kita):
    derive_poi_indicators(user=admin, category=kita, year=YEAR)
    changes = ValueChange.objects.count()

    result = derive_poi_indicators(user=admin, category=kita, year=YEAR)

    assert (result.created, result.changed, result.removed, result.unchanged) == (0, 0, 0, 22)
    assert ValueChange.objects.count() == changes
    assert Indicator.objects.filter(catalogue_code__startswith="poi:").count() == 2


def test_a_renamed_derived_indicator_is_found_again_and_keeps_its_name(vechta, admin, kita):
    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]
    count.name = "Kitas je Gemeinde"
    count.save()

    again = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]

    assert (again.pk, again.name) == (count.pk, "Kitas je Gemeinde")


def test_offers_closed_before_the_reference_date_are_not_counted(vechta, admin, kita):
    make_poi(
        vechta,
        name="Kita geschlossen",
        at=inside(BAKUM),
        valid_to=dt.date(YEAR, 6, 30),
    )

    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]
    earlier = derive_poi_indicators(user=admin, category=kita, year=YEAR - 1)

    assert stored(count, BAKUM).value == 1
    assert Value.objects.get(indicator=count, year=YEAR - 1, area__key=BAKUM).value == 2
    assert earlier.indicators[0] == count


def test_subcategories_count_for_their_parent_category(vechta, admin, kita):
    krippe = PoiCategory.objects.create(
        municipality=vechta, parent=kita, code="krippe", name="Krippe"
    )
    make_poi(vechta, name="Krippe Bakum", at=inside(BAKUM), code=krippe.code)

    count = derive_poi_indicators(user=admin, category=kita, year=YEAR).indicators[0]

    assert stored(count, BAKUM).value == 2


def test_a_share_cannot_be_the_denominator(vechta, admin, kita):
    share = Indicator.objects.create(
        municipality=vechta, name="Anteil unter 6", kind=Indicator.Kind.SHARE
    )

    with pytest.raises(AtlasError, match="must be a count"):
        derive_poi_indicators(user=admin, category=kita, year=YEAR, denominator=share)


def test_a_denominator_without_values_in_the_year_is_refused(vechta, admin, kita, children):
    with pytest.raises(AtlasError, match="has no values for 2001"):
        derive_poi_indicators(user=admin, category=kita, year=2001, denominator=children)
    assert not Value.objects.filter(year=2001).exists()  # the transaction rolled back


def test_a_member_may_not_derive_indicators(vechta, member, kita):
    with pytest.raises(PermissionDenied):
        derive_poi_indicators(user=member, category=kita, year=YEAR)


def test_a_data_admin_of_other_topics_may_not_derive_indicators(vechta, member_of, kita):
    limited = member_of(vechta, Role.DATA_ADMIN, data_topics=["bildung"])

    with pytest.raises(PermissionDenied):
        derive_poi_indicators(user=limited, category=kita, year=YEAR)
