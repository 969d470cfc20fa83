"""What the public requests of the load test cost (bench/load.py): the explorer page and its
data fragment, the map data, the table CSV, the indicator list and an indicator's values, as an
anonymous visitor on the Vechta demo. At most the numbers of queries below once the atlas has
computed its tables, whatever the number of indicators asked for: a query per indicator, row
or column would show at once."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlas_data.models import IndicatorRelease

pytestmark = pytest.mark.django_db

# municipality; catalogue (indicators, their levels, their years); levels; the table's areas,
# the releases it may show; the citations.
EXPLORER = 8
MAP = 1  # the stored answer under its ETag: the municipality only
CSV = 8
INDICATORS = 5  # municipality, indicators, their levels, years, the categories they name
VALUES = 7


@pytest.fixture
def bench(demo):
    """The indicators and the year the load test asks for."""
    released = IndicatorRelease.objects.filter(indicator__municipality=demo).order_by("-year")
    year = released.values_list("year", flat=True)[0]
    ids = sorted(set(released.filter(year=year).values_list("indicator_id", flat=True)))[:4]
    assert len(ids) == 4
    return ids, year


def _queries(client, path: str) -> int:
    """Queries of a GET of `path` after the first (which may compute and store the atlas)."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def _table_query(ids: list[int], year: int) -> str:
    return urlencode({"indicator": ids[0], "indicators": ids, "year": year}, doseq=True)


def test_the_explorer_page_and_its_map(client, bench):
    ids, year = bench

    assert _queries(client, f"/atlas/vechta/explore/?indicator={ids[0]}&year={year}") <= EXPLORER
    path = f"/api/v1/municipalities/vechta/indicators/{ids[0]}/map/?year={year}"
    assert _queries(client, path) <= MAP


def test_the_explorer_data_for_one_or_four_indicators(client, bench):
    ids, year = bench
    one = _queries(client, f"/atlas/vechta/explore/?{_table_query(ids[:1], year)}&partial=data")
    four = _queries(client, f"/atlas/vechta/explore/?{_table_query(ids, year)}&partial=data")

    assert one == four <= EXPLORER


def test_the_table_csv_of_one_or_four_indicators(client, bench):
    ids, year = bench
    one = _queries(client, f"/api/v1/municipalities/vechta/table.csv?{_table_query(ids[:1], year)}")
    four = _queries(client, f"/api/v1/municipalities/vechta/table.csv?{_table_query(ids, year)}")

    assert one == four <= CSV


def test_the_indicator_list_and_the_values_of_each_indicator(client, bench):
    ids, _year = bench

    assert _queries(client, "/api/v1/municipalities/vechta/indicators/") <= INDICATORS
    counts = {
        _queries(client, f"/api/v1/municipalities/vechta/indicators/{pk}/values/") for pk in ids
    }
    assert max(counts) <= VALUES and len(counts) == 1
