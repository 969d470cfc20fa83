"""History: every change of a value or of metadata keeps who, when and the old value."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from atlas_data.models import Area, Indicator, Topic, Value, ValueChange
from atlas_data.selectors import indicator_history, value_history
from atlas_data.services import AtlasError, set_value

from .conftest import count_indicator, make_tree


@pytest.fixture
def setup(municipality, data_admin):
    tree = make_tree(municipality, districts=2)
    indicator = Indicator.objects.select_related("municipality", "topic").get(
        pk=count_indicator(municipality).pk
    )
    return indicator, tree["Bezirke"][0], data_admin(municipality)


def test_a_new_value_is_recorded_with_who_and_no_old_value(setup):
    indicator, area, admin = setup
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=17)
    change = ValueChange.objects.get()
    assert (change.old_value, change.old_status, change.new_value, change.new_status) == (
        None,
        "",
        17,
        "ok",
    )
    assert (change.changed_by, change.indicator, change.area, change.year) == (
        admin,
        indicator,
        area,
        2024,
    )
    assert change.changed_at is not None


def test_a_changed_value_keeps_the_old_one(setup):
    indicator, area, admin = setup
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=17)
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=19)
    latest = ValueChange.objects.order_by("-pk").first()
    assert (latest.old_value, latest.new_value) == (17, 19)
    assert Value.objects.get(indicator=indicator, area=area, year=2024).value == 19


def test_an_edit_that_changes_nothing_writes_no_history(setup):
    indicator, area, admin = setup
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=17)
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=17)
    assert ValueChange.objects.count() == 1


def test_removing_a_value_deletes_it_and_keeps_what_it_was(setup):
    indicator, area, admin = setup
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=17)
    assert set_value(user=admin, indicator=indicator, area=area, year=2024, value=None) is None
    assert not Value.objects.exists()
    latest = ValueChange.objects.order_by("-pk").first()
    assert (latest.old_value, latest.new_value, latest.new_status) == (17, None, "")


def test_a_k_a_from_the_source_is_stored_without_a_number(setup):
    indicator, area, admin = setup
    set_value(user=admin, indicator=indicator, area=area, year=2024, value=2)
    value = set_value(
        user=admin,
        indicator=indicator,
        area=area,
        year=2024,
        value=2,
        status=Value.Status.SOURCE_SUPPRESSED,
    )
    assert (value.value, value.status) == (None, "source_suppressed")
    latest = ValueChange.objects.order_by("-pk").first()
    assert (latest.old_value, latest.old_status, latest.new_status) == (
        2,
        "ok",
        "source_suppressed",
    )


def test_a_share_is_computed_from_numerator_and_denominator(setup):
    indicator, area, admin = setup
    indicator.kind = Indicator.Kind.SHARE
    indicator.save()
    value = set_value(
        user=admin,
        indicator=indicator,
        area=area,
        year=2024,
        value=None,
        numerator=3,
        denominator=40,
    )
    assert value.value == 7.5
    change = ValueChange.objects.get()
    assert (change.new_numerator, change.new_denominator) == (3, 40)


def test_a_hand_edit_of_a_published_total_is_no_longer_the_published_total(setup):
    indicator, _area, admin = setup
    root = Area.objects.get(municipality=indicator.municipality, level__depth=0)
    Value.objects.create(
        indicator=indicator, area=root, year=2024, value=40, is_published_total=True
    )
    value = set_value(user=admin, indicator=indicator, area=root, year=2024, value=41)
    assert value.is_published_total is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": -1}, "A count cannot be negative."),
        ({"value": float("nan")}, "Only finite numbers can be stored."),
        ({"value": 5, "numerator": 5}, "Give numerator and denominator together, or neither."),
        ({"value": 5, "year": 1800}, "The year must lie between 1900 and 2100."),
    ],
)
def test_impossible_values_are_refused(setup, fields, message):
    indicator, area, admin = setup
    arguments = {"year": 2024, **fields}
    with translation.override("en"), pytest.raises(AtlasError, match=message):
        set_value(user=admin, indicator=indicator, area=area, **arguments)
    assert not ValueChange.objects.exists()


def test_an_area_of_another_municipality_is_refused(setup, other_municipality):
    indicator, _area, admin = setup
    foreign = make_tree(other_municipality, districts=1)["Bezirke"][0]
    with pytest.raises(AtlasError):
        set_value(user=admin, indicator=indicator, area=foreign, year=2024, value=5)


def test_members_cannot_edit_values(setup, member_of, municipality):
    indicator, area, _admin = setup
    with pytest.raises(PermissionDenied):
        set_value(
            user=member_of(municipality, Role.MEMBER),
            indicator=indicator,
            area=area,
            year=2024,
            value=5,
        )


def test_a_topic_limited_data_admin_edits_only_values_of_their_topics(
    setup, data_admin, municipality
):
    indicator, area, _admin = setup
    limited = data_admin(municipality, topics=["gesundheit"])
    with pytest.raises(PermissionDenied):
        set_value(user=limited, indicator=indicator, area=area, year=2024, value=5)
    indicator.topic = Topic.objects.create(municipality=municipality, code="gesundheit", name="G")
    indicator.save()
    set_value(user=limited, indicator=indicator, area=area, year=2024, value=5)


def test_value_history_lists_changes_newest_first(setup):
    indicator, area, admin = setup
    for number in (17, 19, 23):
        set_value(user=admin, indicator=indicator, area=area, year=2024, value=number)
    history = value_history(user=admin, indicator=indicator, area=area, year=2024)
    assert [(c.old_value, c.new_value, c.changed_by) for c in history] == [
        (19, 23, admin),
        (17, 19, admin),
        (None, 17, admin),
    ]


def test_value_history_holds_raw_numbers_so_only_data_admins_read_it(setup, member_of):
    indicator, _area, _admin = setup
    with pytest.raises(PermissionDenied):
        value_history(user=member_of(indicator.municipality, Role.LEADERSHIP), indicator=indicator)


def test_indicator_history_shows_who_changed_which_field_from_what(setup, member_of):
    indicator, _area, admin = setup
    indicator.definition = "Kinder von 0 bis unter 6 Jahren"
    indicator._history_user = admin
    indicator.save()
    reader = member_of(indicator.municipality, Role.MEMBER)
    latest, created = indicator_history(user=reader, indicator=indicator)
    assert (latest.kind, latest.who) == ("~", admin)
    assert [(c.field, c.old, c.new) for c in latest.changes] == [
        ("definition", "", "Kinder von 0 bis unter 6 Jahren")
    ]
    assert created.kind == "+"


def test_metadata_history_is_internal(setup, other_municipality, member_of):
    indicator, _area, _admin = setup
    with pytest.raises(PermissionDenied):
        indicator_history(user=member_of(other_municipality, Role.MEMBER), indicator=indicator)
