"""Institution-level indicators (issue 11 point 1): the roll-up to the areas, weighted by the
observed children, and primary and secondary suppression of institutions and areas together,
checked against the independent attacker of `disclosure.py`."""

from __future__ import annotations

import pytest

from accounts.models import Role
from atlas_data.aggregation import Cell
from atlas_data.models import IndicatorRelease, InstitutionValue, Value, ValueChange
from atlas_data.selectors_explore import indicator_values_many
from atlas_data.services.errors import AtlasError
from atlas_data.services.institutions import (
    ROLL_UP_NOTE,
    remove_institution_value,
    set_institution_value,
)
from atlas_data.suppression import (
    SECONDARY,
    SMALL_COMPLEMENT,
    SMALL_NUMERATOR,
    institution_key,
)
from tests.atlas_data.disclosure import recoverable
from tests.atlas_data.institution_fixtures import *  # noqa: F403
from tests.atlas_data.institution_fixtures import YEAR, make_city

pytestmark = pytest.mark.django_db


def stored(city, area) -> Value:
    return Value.objects.get(indicator=city.indicator, area=area, year=YEAR)


def seen(city, user):
    """What `user` gets of the indicator year: areas and institutions, in one pass."""
    return indicator_values_many(
        user=user, municipality=city.municipality, wanted={city.indicator: [YEAR]}
    )[(city.indicator.pk, YEAR)]


def attack(city, data) -> dict:
    """The hidden numbers (area ids, negative POI ids) a viewer of `data` can work out from
    every visible area and institution, knowing all denominators (children counts)."""
    cells, quantity, hidden = {}, {}, set()
    for area in data.areas.values():
        value = Value.objects.filter(indicator=city.indicator, area_id=area.id, year=YEAR).first()
        cells[area.id] = Cell(area.id, area.parent_id, value=value.value if value else None)
        quantity[area.id] = value.numerator if value else None
        if data.shown[area.id].status == "suppressed":
            hidden.add(area.id)
    for row in InstitutionValue.objects.filter(indicator=city.indicator, year=YEAR):
        key = institution_key(row.poi_id)
        parent = next(a.pk for a in row.poi.areas.all() if a.level.depth == 1)
        cells[key] = Cell(key, parent, value=row.value)
        quantity[key] = row.numerator
        if data.institutions[row.poi_id].status == "suppressed":
            hidden.add(key)
    return recoverable(cells, hidden, quantity=quantity)


# --- roll-up ------------------------------------------------------------------------------


def test_the_roll_up_weighs_the_institutions_by_their_observed_children(city):
    bezirk = stored(city, city.bezirke["001"])
    assert (bezirk.numerator, bezirk.denominator) == (18, 50)
    assert bezirk.value == pytest.approx(36.0)  # not the plain mean 35.0 of 30 % and 40 %
    whole = stored(city, city.root)
    assert (whole.numerator, whole.denominator) == (45, 144)
    assert whole.value == pytest.approx(31.25)
    assert whole.source_note == ROLL_UP_NOTE


def test_a_changed_institution_value_changes_its_areas_and_is_kept_in_the_value_history(city):
    set_institution_value(
        user=city.admin,
        indicator=city.indicator,
        poi=city.kitas["Kita Eiche"],
        year=YEAR,
        numerator=20,
        denominator=40,
    )
    assert stored(city, city.bezirke["002"]).value == pytest.approx(50.0)
    assert stored(city, city.root).numerator == 55
    change = ValueChange.objects.filter(area=city.bezirke["002"], year=YEAR).latest("pk")
    assert (change.old_value, change.new_value) == (25.0, 50.0)


def test_an_area_whose_last_institution_value_is_removed_has_no_value_not_zero(city):
    remove_institution_value(
        user=city.admin, indicator=city.indicator, poi=city.kitas["Kita Eiche"], year=YEAR
    )
    assert not Value.objects.filter(indicator=city.indicator, area=city.bezirke["002"]).exists()
    assert stored(city, city.root).denominator == 104


def test_an_institution_delivered_as_k_a_makes_its_areas_k_a(city):
    set_institution_value(
        user=city.admin,
        indicator=city.indicator,
        poi=city.kitas["Kita Linde"],
        year=YEAR,
        suppressed=True,
    )
    for area in (city.bezirke["003"], city.root):
        assert stored(city, area).status == Value.Status.SOURCE_SUPPRESSED
    assert stored(city, city.bezirke["001"]).value == pytest.approx(36.0)


def test_a_value_that_does_not_match_numerator_and_denominator_is_refused(city):
    with pytest.raises(AtlasError, match="passt nicht|does not match"):
        set_institution_value(
            user=city.admin,
            indicator=city.indicator,
            poi=city.kitas["Kita Eiche"],
            year=YEAR,
            value=40.0,
            numerator=10,
            denominator=40,
        )


def test_a_member_may_not_write_institution_values(city, member_of):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        set_institution_value(
            user=member_of(city.municipality, Role.MEMBER),
            indicator=city.indicator,
            poi=city.kitas["Kita Eiche"],
            year=YEAR,
            numerator=1,
            denominator=2,
        )


# --- primary suppression --------------------------------------------------------------------


def small(municipality, member_of, **changes):
    results = {
        "Kita Ahorn": ("001", 6, 20),
        "Kita Birke": ("001", 12, 30),
        "Kita Eiche": ("002", 10, 40),
        "Kita Linde": ("003", 9, 30),
        "Kita Weide": ("003", 8, 24),
    }
    results.update(changes)
    return make_city(municipality, member_of, results=results)


def test_a_small_group_within_an_institution_is_k_a_for_members(municipality, member_of):
    city = small(municipality, member_of, **{"Kita Ahorn": ("001", 2, 20)})
    data = seen(city, member_of(municipality, Role.MEMBER))
    shown = data.institutions[city.kitas["Kita Ahorn"].pk]
    assert (shown.display, shown.value, shown.reason) == ("k. A.", None, None)


def test_data_admins_see_the_small_group_marked_with_its_reason(municipality, member_of):
    city = small(municipality, member_of, **{"Kita Ahorn": ("001", 2, 20)})
    shown = seen(city, city.admin).institutions[city.kitas["Kita Ahorn"].pk]
    assert shown.display == "10,0 %" and shown.suppressed_but_visible
    assert shown.reason == SMALL_NUMERATOR


def test_all_but_a_few_children_is_as_telling_as_a_few(municipality, member_of):
    city = small(municipality, member_of, **{"Kita Birke": ("001", 28, 30)})
    shown = seen(city, city.admin).institutions[city.kitas["Kita Birke"].pk]
    assert shown.reason == SMALL_COMPLEMENT


# --- secondary suppression ------------------------------------------------------------------


def test_a_second_institution_of_the_area_is_hidden_so_the_roll_up_cannot_tell_the_first(
    municipality, member_of
):
    city = small(municipality, member_of, **{"Kita Ahorn": ("001", 2, 20)})
    data = seen(city, member_of(municipality, Role.MEMBER))
    admin_view = seen(city, city.admin)
    assert admin_view.institutions[city.kitas["Kita Birke"].pk].reason == SECONDARY
    assert data.institutions[city.kitas["Kita Birke"].pk].display == "k. A."
    # The Bezirk's roll-up stays visible: two unknown Kitas behind it.
    assert data.shown[city.bezirke["001"].pk].display == "28,0 %"
    assert attack(city, data) == {}


def test_the_roll_up_of_an_area_with_one_hidden_institution_only_is_hidden_too(
    municipality, member_of
):
    city = small(municipality, member_of, **{"Kita Eiche": ("002", 3, 40)})
    data = seen(city, member_of(municipality, Role.MEMBER))
    assert data.institutions[city.kitas["Kita Eiche"].pk].display == "k. A."
    assert data.shown[city.bezirke["002"].pk].display == "k. A."
    # ... and a neighbouring Bezirk, or the city minus the others would tell Bezirk 002.
    assert sum(data.shown[b.pk].status == "suppressed" for b in city.bezirke.values()) >= 2
    assert attack(city, data) == {}


def test_without_the_institutions_in_the_tree_the_attacker_would_succeed(municipality, member_of):
    """The check above can fail: hiding only the small Kita leaves it recoverable."""
    city = small(municipality, member_of, **{"Kita Ahorn": ("001", 2, 20)})
    data = seen(city, member_of(municipality, Role.MEMBER))
    naive = {
        poi_id: shown
        if poi_id == city.kitas["Kita Ahorn"].pk
        else shown.__class__(value=1.0, display="x", status="ok")
        for poi_id, shown in data.institutions.items()
    }
    object.__setattr__(data, "institutions", naive)
    assert attack(city, data) == {institution_key(city.kitas["Kita Ahorn"].pk): 2}


# --- release --------------------------------------------------------------------------------


def test_the_public_sees_institution_values_of_released_years_only(city):
    assert (
        indicator_values_many(
            user=None, municipality=city.municipality, wanted={city.indicator: [YEAR]}
        )
        == {}
    )
    IndicatorRelease.objects.create(indicator=city.indicator, year=YEAR)
    data = seen(city, None)
    assert data.institutions[city.kitas["Kita Eiche"].pk].display == "25,0 %"
