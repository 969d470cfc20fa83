"""Release per indicator and year: mandatory metadata, permissions by topic, withdrawal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from atlas_data.models import Indicator, IndicatorRelease, Topic
from atlas_data.services.release import ReleaseError, missing_metadata, release, withdraw

from .conftest import complete_metadata, count_indicator, make_tree, store


@pytest.fixture
def draft(municipality):
    """A count indicator with values for 2024 and no metadata beyond name and kind."""
    tree = make_tree(municipality, districts=3)
    indicator = count_indicator(municipality)
    store(indicator, 2024, {area: 40 + n for n, area in enumerate(tree["Bezirke"])})
    return Indicator.objects.select_related("municipality", "topic").get(pk=indicator.pk)


def test_a_new_indicator_lacks_every_mandatory_field_but_name_and_kind(draft):
    with translation.override("en"):
        assert missing_metadata(draft) == [
            "short name",
            "definition",
            "unit",
            "data source",
            "data holder",
            "reference date or period",
            "polarity",
            "valid levels",
        ]


def test_release_is_refused_with_a_message_naming_the_missing_fields(
    municipality, draft, data_admin
):
    draft.short_name = "Kinder u6"
    draft.save()
    with translation.override("en"), pytest.raises(ReleaseError) as error:
        release(user=data_admin(municipality), indicator=draft, year=2024)
    assert str(error.value) == (
        "“Kinder unter 6 Jahren” cannot be released: these mandatory fields are empty: "
        "definition, unit, data source, data holder, reference date or period, polarity, "
        "valid levels."
    )
    assert not IndicatorRelease.objects.exists()


def test_release_with_complete_metadata_records_who_released(municipality, draft, data_admin):
    admin = data_admin(municipality)
    complete_metadata(draft)
    entry = release(user=admin, indicator=draft, year=2024)
    assert (entry.indicator, entry.year, entry.released_by) == (draft, 2024, admin)


def test_releasing_twice_keeps_one_release(municipality, draft, data_admin):
    admin = data_admin(municipality)
    complete_metadata(draft)
    release(user=admin, indicator=draft, year=2024)
    release(user=admin, indicator=draft, year=2024)
    assert IndicatorRelease.objects.filter(indicator=draft).count() == 1


def test_a_year_without_values_cannot_be_released(municipality, draft, data_admin):
    complete_metadata(draft)
    with pytest.raises(ReleaseError):
        release(user=data_admin(municipality), indicator=draft, year=2023)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.LEADERSHIP])
def test_only_data_admins_release(municipality, draft, member_of, role):
    complete_metadata(draft)
    with pytest.raises(PermissionDenied):
        release(user=member_of(municipality, role), indicator=draft, year=2024)


def test_a_data_admin_of_another_municipality_cannot_release(other_municipality, draft, data_admin):
    complete_metadata(draft)
    with pytest.raises(PermissionDenied):
        release(user=data_admin(other_municipality), indicator=draft, year=2024)


def test_a_topic_limited_data_admin_releases_indicators_of_their_topic(
    municipality, draft, data_admin
):
    complete_metadata(draft)
    release(user=data_admin(municipality, topics=["demografie"]), indicator=draft, year=2024)
    assert IndicatorRelease.objects.filter(indicator=draft, year=2024).exists()


def test_a_topic_limited_data_admin_cannot_release_another_topic(municipality, draft, data_admin):
    complete_metadata(draft)
    with pytest.raises(PermissionDenied):
        release(user=data_admin(municipality, topics=["gesundheit"]), indicator=draft, year=2024)


def test_an_indicator_without_topic_is_only_released_by_admins_of_all_topics(
    municipality, draft, data_admin
):
    complete_metadata(draft)
    draft.topic = None
    draft.save()
    with pytest.raises(PermissionDenied):
        release(user=data_admin(municipality, topics=["demografie"]), indicator=draft, year=2024)
    release(user=data_admin(municipality), indicator=draft, year=2024)


def test_the_municipal_admin_releases_any_topic(municipality, draft, member_of):
    complete_metadata(draft)
    draft.topic = Topic.objects.create(municipality=municipality, code="gesundheit", name="G")
    draft.save()
    release(user=member_of(municipality, Role.MUNICIPAL_ADMIN), indicator=draft, year=2024)


def test_withdrawing_takes_the_year_back_to_draft(municipality, draft, data_admin):
    admin = data_admin(municipality)
    complete_metadata(draft)
    release(user=admin, indicator=draft, year=2024)
    assert withdraw(user=admin, indicator=draft, year=2024) is True
    assert not IndicatorRelease.objects.filter(indicator=draft).exists()
    assert withdraw(user=admin, indicator=draft, year=2024) is False


def test_the_history_keeps_who_released_and_who_withdrew(municipality, draft, data_admin):
    releasing, withdrawing = data_admin(municipality), data_admin(municipality)
    complete_metadata(draft)
    release(user=releasing, indicator=draft, year=2024)
    withdraw(user=withdrawing, indicator=draft, year=2024)
    history = IndicatorRelease.history.filter(indicator_id=draft.pk).order_by("history_id")
    assert [(h.history_type, h.history_user, h.year) for h in history] == [
        ("+", releasing, 2024),
        ("-", withdrawing, 2024),
    ]


def test_the_demo_releases_vechta_2013_with_complete_metadata(vechta, u15):
    assert missing_metadata(u15) == []
    assert IndicatorRelease.objects.filter(indicator=u15, year=2013).exists()
