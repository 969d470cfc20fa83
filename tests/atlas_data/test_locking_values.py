"""No lost updates of atlas values: a correction states the version of the value it was filled
with; a correction or import in between refuses it with who changed it, nothing is written."""

import pytest
from django.urls import reverse
from django.utils import translation

from atlas_data.models import Area, Value
from atlas_data.services import set_value
from atlas_data.services.errors import ValueConflict
from tests.conferences.analysis_fixtures import *  # noqa: F403
from tests.conferences.analysis_fixtures import U15

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(vechta, share):
    indicator = share(U15)
    area = Area.objects.get(municipality=vechta, name="Vechta")
    return Value.objects.get(indicator=indicator, area=area, year=2013)


def test_a_correction_based_on_an_old_version_is_refused(stored, data_admin, admin):
    indicator, area = stored.indicator, stored.area
    set_value(user=admin, indicator=indicator, area=area, year=2013, value=16.0, version=1)

    with translation.override("de"), pytest.raises(ValueConflict) as refused:
        set_value(user=data_admin, indicator=indicator, area=area, year=2013, value=17.0, version=1)

    assert Value.objects.get(pk=stored.pk).value == 16.0
    assert "kommunen-admin" in refused.value.message
    assert [(d.mine, d.theirs) for d in refused.value.differences] == [("17", "16")]


def test_a_value_stored_meanwhile_where_there_was_none_is_not_overwritten(stored, data_admin):
    indicator, area = stored.indicator, stored.area
    set_value(user=data_admin, indicator=indicator, area=area, year=2030, value=1.0, version=0)

    with pytest.raises(ValueConflict):
        set_value(user=data_admin, indicator=indicator, area=area, year=2030, value=2.0, version=0)

    assert Value.objects.get(indicator=indicator, area=area, year=2030).value == 1.0


def _post(stored, version, *, area=None, value="18"):
    return {
        "area": (area or stored.area).pk,
        "year": 2013,
        "action": "value",
        "value": value,
        "version": version,
        "version_for": f"{stored.area.pk}-2013",
    }


def test_the_correction_page_shows_the_conflict_and_keeps_the_input(
    client, stored, data_admin, admin
):
    set_value(user=admin, indicator=stored.indicator, area=stored.area, year=2013, value=16.0)
    client.force_login(data_admin)

    page = client.post(
        reverse("atlas:indicator_values", args=[stored.indicator.pk]), _post(stored, 1)
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Dieser Eintrag wurde inzwischen von kommunen-admin" in html
    assert 'name="value" value="18"' in html
    assert Value.objects.get(pk=stored.pk).value == 16.0


def test_a_correction_of_another_area_than_the_form_was_filled_for_is_not_checked(
    client, stored, data_admin, vechta
):
    other = Area.objects.filter(municipality=vechta, level=stored.area.level).exclude(
        pk=stored.area.pk
    )[0]
    client.force_login(data_admin)

    response = client.post(
        reverse("atlas:indicator_values", args=[stored.indicator.pk]),
        _post(stored, 99, area=other),
    )

    assert response.status_code == 302
    assert Value.objects.get(indicator=stored.indicator, area=other, year=2013).value == 18.0
