"""The start page lists the public atlases with what each has released; `/atlas/` leads there."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlas_data.indicator_selectors import public_atlases
from atlas_data.services.release import release

from ..factories import MunicipalityFactory
from .conftest import complete_metadata, count_indicator, make_tree, store

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text with its white space folded."""
    return " ".join(response.content.decode().split())


def atlas_with_data(municipality, data_admin, *, released_years=(2023, 2024)):
    """Two indicators with values 2022–2024; the first released for `released_years`."""
    tree = make_tree(municipality, districts=3)
    shown = complete_metadata(count_indicator(municipality, name="Kinder unter 6 Jahren"))
    hidden = complete_metadata(count_indicator(municipality, name="Kinder unter 3 Jahren"))
    for year in (2022, 2023, 2024):
        for indicator in (shown, hidden):
            store(indicator, year, dict.fromkeys(tree["Bezirke"], 60))
    for year in released_years:
        release(user=data_admin(municipality), indicator=shown, year=year)
    return shown


def test_the_start_page_lists_each_public_atlas_with_its_released_indicators(
    client, municipality, data_admin
):
    atlas_with_data(municipality, data_admin)

    response = client.get("/")

    assert response.status_code == 200
    text = words(response)
    assert "Musterstadt" in text
    # The unreleased indicator and the unreleased year 2022 do not count.
    assert "1 Indikator · Jahre 2023–2024" in text
    assert 'href="/atlas/musterstadt/"' in text
    assert 'href="/atlas/musterstadt/explore/"' in text


def test_one_released_year_is_named_alone_and_an_atlas_without_releases_says_so(
    client, municipality, other_municipality, data_admin
):
    atlas_with_data(municipality, data_admin, released_years=(2024,))
    atlas_with_data(other_municipality, data_admin, released_years=())

    [musterstadt] = [a for a in public_atlases(user=None) if a.municipality == municipality]
    [andere] = [a for a in public_atlases(user=None) if a.municipality == other_municipality]
    assert (musterstadt.indicators, musterstadt.years) == (1, "2024")
    assert (andere.indicators, andere.years, andere.released_at) == (0, "", None)
    text = words(client.get("/"))
    assert "1 Indikator · Jahr 2024" in text
    assert "Noch keine Daten freigegeben." in text


def test_an_atlas_that_is_not_public_is_not_listed(client, municipality, data_admin):
    atlas_with_data(municipality, data_admin)
    municipality.public_atlas_enabled = False
    municipality.save()

    assert public_atlases(user=None) == []
    text = client.get("/").content.decode()
    assert "Musterstadt" not in text
    assert "Noch keine Kommune hat einen Atlas veröffentlicht." in text


def test_the_start_page_takes_the_same_queries_for_more_atlases(client, data_admin):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    atlas_with_data(MunicipalityFactory(slug="eins", name="Eins"), data_admin)
    one = queries()
    for slug in ("zwei", "drei", "vier"):
        atlas_with_data(MunicipalityFactory(slug=slug, name=slug.title()), data_admin)
    assert queries() == one
    assert len(public_atlases(user=None)) == 4


def test_the_short_atlas_address_leads_to_the_list_of_atlases(client):
    response = client.get("/atlas/")

    assert response.status_code == 302
    assert response["Location"] == "/#atlanten"
