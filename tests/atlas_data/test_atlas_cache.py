"""Cached atlas results: reused while the data stays, outdated by every write; ETag and 304."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from atlas_data.models import Value
from atlas_data.selectors import values_table
from atlas_data.services import import_values, set_value
from atlas_data.services.release import release, withdraw

from .conftest import complete_metadata, count_indicator, make_tree, store

API = "/api/v1/municipalities"


@pytest.fixture
def counts(municipality, data_admin):
    """Musterstadt: 4 Bezirke with 20, 48, 50, 60 children, released for 2024."""
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [20, 48, 50, 60], strict=True)))
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    return indicator


def bezirke(indicator):
    return indicator.municipality.levels.get(depth=1)


def shown(indicator) -> list:
    table = values_table(user=None, indicator=indicator, year=2024, level=bezirke(indicator))
    return [row.shown.display for row in table.rows]


def test_a_second_read_comes_from_the_cache_without_reading_values_or_areas(counts):
    shown(counts)
    with CaptureQueriesContext(connection) as queries:
        assert shown(counts) == ["20", "48", "50", "60"]
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "atlas_data_value" not in tables and "atlas_data_area" not in tables


def test_an_edit_outdates_the_cached_numbers(counts, data_admin):
    assert shown(counts)[0] == "20"
    area = bezirke(counts).areas.get(key="001")
    user = data_admin(counts.municipality)
    set_value(user=user, indicator=counts, area=area, year=2024, value=2)
    # 2 is a small count, and 48 is hidden too so that it cannot be recovered from the total.
    assert shown(counts) == ["k. A.", "k. A.", "50", "60"]


def test_an_import_outdates_the_cached_numbers(counts, tmp_path):
    assert shown(counts)[3] == "60"
    path = tmp_path / "werte.csv"
    path.write_text(f"area_key,indicator,year,value\n004,{counts.name},2024,61\n")
    import_values(municipality=counts.municipality, path=path, level_name="Bezirke")
    assert shown(counts)[3] == "61"


def test_a_deleted_value_is_no_longer_shown(counts):
    assert shown(counts)[1] == "48"
    Value.objects.filter(indicator=counts, area__key="002").delete()
    assert shown(counts)[1] == "–"


def test_a_stricter_threshold_outdates_the_cached_numbers(counts):
    assert shown(counts)[0] == "20"
    municipality = counts.municipality
    municipality.suppression_threshold = 25
    municipality.save()
    assert shown(counts)[0] == "k. A."


def test_data_admins_and_the_public_get_their_own_cached_numbers(counts, member_of):
    admin = member_of(counts.municipality, Role.DATA_ADMIN)
    counts.municipality.suppression_threshold = 25
    counts.municipality.save()
    assert shown(counts)[0] == "k. A."
    table = values_table(user=admin, indicator=counts, year=2024, level=bezirke(counts))
    assert (table.rows[0].shown.display, table.rows[0].shown.suppressed_but_visible) == ("20", True)
    assert shown(counts)[0] == "k. A."


def test_a_withdrawn_year_is_not_served_to_the_public_from_the_cache(counts, data_admin, client):
    url = f"{API}/{counts.municipality.slug}/indicators/{counts.pk}/map/?year=2024"
    assert client.get(url).status_code == 200
    withdraw(user=data_admin(counts.municipality), indicator=counts, year=2024)
    assert client.get(url).status_code == 404


# --- ETag and 304 ---------------------------------------------------------------------------


def test_the_map_answers_304_while_the_data_is_unchanged(counts, client):
    url = f"{API}/{counts.municipality.slug}/indicators/{counts.pk}/map/?year=2024"
    first = client.get(url)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content) == (304, b"")


def test_the_map_answers_in_full_again_after_an_edit(counts, client, data_admin):
    url = f"{API}/{counts.municipality.slug}/indicators/{counts.pk}/map/?year=2024"
    etag = client.get(url)["ETag"]
    area = bezirke(counts).areas.get(key="004")
    set_value(user=data_admin(counts.municipality), indicator=counts, area=area, year=2024, value=7)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_gzipped_map_answers_304_to_its_weak_etag(counts, client):
    url = f"{API}/{counts.municipality.slug}/indicators/{counts.pk}/map/?year=2024"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip" or len(first.content) < 200
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_etag_differs_between_the_public_and_a_data_admin(counts, client, member_of):
    url = f"{API}/{counts.municipality.slug}/indicators/{counts.pk}/map/?year=2024"
    public_etag = client.get(url)["ETag"]
    client.force_login(member_of(counts.municipality, Role.DATA_ADMIN))
    answer = client.get(url, HTTP_IF_NONE_MATCH=public_etag)
    assert answer.status_code == 200


def test_no_etag_answers_a_municipality_the_caller_may_not_see(counts, client):
    counts.municipality.public_atlas_enabled = False
    counts.municipality.save()
    url = f"{API}/{counts.municipality.slug}/indicators/{counts.pk}/map/?year=2024"
    answer = client.get(url, HTTP_IF_NONE_MATCH="*")
    assert answer.status_code == 404


# --- the table ------------------------------------------------------------------------------


def test_the_table_has_a_row_per_area_with_a_column_per_indicator(counts, client, member_of):
    other = complete_metadata(count_indicator(counts.municipality, name="Einwohner"))
    store(other, 2024, dict.fromkeys(bezirke(counts).areas.all(), 1000))
    client.force_login(member_of(counts.municipality, Role.MEMBER))
    url = f"{API}/{counts.municipality.slug}/table/?indicators={counts.pk},{other.pk}&year=2024"
    body = client.get(url).json()
    assert [i["id"] for i in body["indicators"]] == [counts.pk, other.pk]
    assert [(a["key"], a["displays"]) for a in body["areas"]] == [
        ("001", ["20", "1.000"]),
        ("002", ["48", "1.000"]),
        ("003", ["50", "1.000"]),
        ("004", ["60", "1.000"]),
    ]
    assert body["reference"]["displays"] == ["178", "4.000"]


def test_the_public_table_hides_small_counts_and_answers_304(counts, client):
    counts.municipality.suppression_threshold = 25
    counts.municipality.save()
    url = f"{API}/{counts.municipality.slug}/table/?indicators={counts.pk}&year=2024"
    first = client.get(url)
    assert [a["displays"][0] for a in first.json()["areas"]] == ["k. A.", "k. A.", "50", "60"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_public_table_of_an_unreleased_indicator_is_not_found(counts, client):
    hidden = complete_metadata(count_indicator(counts.municipality, name="Intern"))
    store(hidden, 2024, dict.fromkeys(bezirke(counts).areas.all(), 100))
    url = f"{API}/{counts.municipality.slug}/table/?indicators={hidden.pk}&year=2024"
    assert client.get(url).status_code == 404
