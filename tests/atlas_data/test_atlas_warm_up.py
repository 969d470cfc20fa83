"""Warming the atlas cache after a committed change (atlas_data/cache.py `warm_soon`,
selectors.warm_values_tables): the first viewer finds the suppressed tables ready."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from atlas_data import cache as atlas_cache
from atlas_data import selectors
from atlas_data.selectors import values_table, values_tables, warm_values_tables
from atlas_data.services import set_value
from atlas_data.services.release import release

from .conftest import complete_metadata, count_indicator, make_tree, store


@pytest.fixture
def counts(municipality, data_admin):
    """Musterstadt: 4 Bezirke with 20, 48, 50, 60 children in 2023 and 2024, 2024 released."""
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2023, dict(zip(tree["Bezirke"], [2, 48, 50, 60], strict=True)))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [20, 48, 50, 60], strict=True)))
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    atlas_cache.bump(municipality.pk)
    return indicator


def commit():
    """Run what the commit of the writes so far runs (`transaction.on_commit`).

    The test's own transaction is rolled back, never committed: a transactional test would
    empty the tables afterwards, taking the question catalogues the migrations load from the
    tests that run after it in the same process.
    """
    connection = transaction.get_connection()
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _savepoints, func, _robust in callbacks:
        func()


def displays(indicator, year, level, user=None):
    """What `user` (the public by default) sees; members see the same as the public."""
    table = values_table(user=user, indicator=indicator, year=year, level=level)
    return [row.shown.display for row in table.rows]


def test_after_the_warm_up_no_table_is_computed_and_every_level_is_served(counts, member_of):
    municipality = counts.municipality
    member = member_of(municipality)
    result = warm_values_tables(municipality=municipality)
    assert result.pairs == 2 and not result.outdated
    levels = list(municipality.levels.order_by("depth"))
    assert result.entries == 2 * len(levels)
    with (
        mock.patch.object(selectors, "compute_indicator_values") as compute,
        CaptureQueriesContext(connection) as queries,
    ):
        bezirke = levels[1]
        assert displays(counts, 2024, bezirke) == ["20", "48", "50", "60"]
        # The draft year, for a member: 2 is a small count, and 48 is hidden with it.
        assert displays(counts, 2023, bezirke, member) == ["k. A.", "k. A.", "50", "60"]
        values_tables(user=None, items=[(counts, 2024)], level=levels[0])
    compute.assert_not_called()
    assert not any("atlas_data_value" in q["sql"] for q in queries.captured_queries)


def test_the_warmed_tables_equal_those_computed_on_demand(counts, member_of):
    member = member_of(counts.municipality)
    bezirke = counts.municipality.levels.get(depth=1)
    on_demand = values_table(user=member, indicator=counts, year=2023, level=bezirke)
    atlas_cache.bump(counts.municipality_id)
    warm_values_tables(municipality=counts.municipality)
    warmed = values_table(user=member, indicator=counts, year=2023, level=bezirke)
    assert warmed.rows == on_demand.rows
    assert warmed.reference == on_demand.reference


def test_a_second_warm_up_of_the_same_data_computes_nothing(counts):
    warm_values_tables(municipality=counts.municipality)
    with mock.patch.object(selectors, "compute_indicator_values") as compute:
        assert warm_values_tables(municipality=counts.municipality).pairs == 0
    compute.assert_not_called()


def test_a_warm_up_overtaken_by_a_change_stores_nothing_of_the_old_data(counts, data_admin):
    municipality = counts.municipality
    computed = selectors.compute_indicator_values

    def change_meanwhile(**kwargs):
        result = computed(**kwargs)
        atlas_cache.bump(municipality.pk)  # another process wrote atlas data
        return result

    with mock.patch.object(selectors, "compute_indicator_values", side_effect=change_meanwhile):
        result = warm_values_tables(municipality=municipality)
    assert result.outdated and result.entries == 0


def test_a_committed_edit_queues_the_warm_up_once_per_data_version(
    municipality, data_admin, member_of, settings
):
    settings.ATLAS_WARM_UP = True
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [20, 48, 50, 60], strict=True)))
    commit()
    bezirke = municipality.levels.get(depth=1)
    area = bezirke.areas.get(key="002")
    with mock.patch.object(
        selectors, "compute_indicator_values", wraps=selectors.compute_indicator_values
    ) as compute:
        set_value(
            user=data_admin(municipality), indicator=indicator, area=area, year=2024, value=47
        )
        assert compute.call_count == 0  # nothing before the commit
        # Tasks run eagerly in the tests: the warm-up runs right after the commit.
        commit()
        assert compute.call_count == 1
        member = member_of(municipality)
        assert displays(indicator, 2024, bezirke, member) == ["20", "47", "50", "60"]
        assert compute.call_count == 1  # served from the warmed cache
        atlas_cache.warm_soon(municipality.pk)  # the same version again: nothing queued
        assert compute.call_count == 1


def test_an_unreachable_broker_does_not_fail_the_write(municipality, data_admin, settings):
    settings.ATLAS_WARM_UP = True
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [20, 48, 50, 60], strict=True)))
    commit()
    area = municipality.levels.get(depth=1).areas.get(key="001")
    with (
        mock.patch(
            "atlas_data.tasks.warm_atlas_cache.apply_async", side_effect=ConnectionError("down")
        ) as queue,
    ):
        set_value(
            user=data_admin(municipality), indicator=indicator, area=area, year=2024, value=21
        )
        commit()
    queue.assert_called_once()
    assert indicator.values.get(area=area, year=2024).value == 21


def test_the_command_warms_a_municipality_and_reports_it(counts, capsys):
    call_command("warm_atlas", counts.municipality.slug)
    out = capsys.readouterr().out
    assert "2 indicator years computed" in out or "2 Indikatorjahre berechnet" in out
    with mock.patch.object(selectors, "compute_indicator_values") as compute:
        displays(counts, 2024, counts.municipality.levels.get(depth=1))
    compute.assert_not_called()


@pytest.fixture
def large_bezirke(monkeypatch):
    """The 4 Bezirke count as a large level (as 10,997 Gemeinden do): stored in pieces."""
    monkeypatch.setattr(selectors, "SMALL_LEVEL", 2)
    monkeypatch.setattr(selectors, "PIECE", 2)


def test_a_large_level_is_stored_in_pieces_and_read_whole_or_for_some_areas(
    counts, member_of, large_bezirke
):
    member = member_of(counts.municipality)
    bezirke = counts.municipality.levels.get(depth=1)
    on_demand = values_table(user=member, indicator=counts, year=2023, level=bezirke)
    assert [row.shown.display for row in on_demand.rows] == ["k. A.", "k. A.", "50", "60"]
    ids = [row.area_id for row in on_demand.rows]
    with mock.patch.object(selectors, "compute_indicator_values") as compute:
        whole = values_table(user=member, indicator=counts, year=2023, level=bezirke)
        (some,) = values_tables(
            user=member, items=[(counts, 2023)], level=bezirke, area_ids={ids[2]}
        )
    compute.assert_not_called()
    assert whole.rows == on_demand.rows and whole.reference == on_demand.reference
    assert [row.shown.display for row in some.rows] == ["50"]
    assert some.reference == on_demand.reference and some.parents == on_demand.parents


def test_a_lost_piece_of_a_large_level_is_computed_again(counts, member_of, large_bezirke):
    member = member_of(counts.municipality)
    bezirke = counts.municipality.levels.get(depth=1)
    first = values_table(user=member, indicator=counts, year=2023, level=bezirke)
    version = atlas_cache.data_version(counts.municipality_id)
    piece = selectors._piece_of(first.rows[0].area_id)
    lost = atlas_cache.key(
        counts.municipality_id, version, "table", counts.pk, 2023, bezirke.pk, 0, piece
    )
    assert atlas_cache.get_many([lost])
    from django.core.cache import caches

    caches["atlas"].delete(lost)
    with mock.patch.object(
        selectors, "compute_indicator_values", wraps=selectors.compute_indicator_values
    ) as compute:
        again = values_table(user=member, indicator=counts, year=2023, level=bezirke)
    assert compute.call_count == 1
    assert again.rows == first.rows


def test_a_report_of_a_few_areas_of_a_large_level_reads_only_their_pieces(
    counts, member_of, large_bezirke
):
    from atlas_data.selectors_report import area_report

    member = member_of(counts.municipality)
    bezirke = counts.municipality.levels.get(depth=1)
    area = bezirke.areas.get(key="003")
    warm_values_tables(municipality=counts.municipality)
    read = []
    get_many = atlas_cache.get_many

    def recording(keys):
        read.extend(keys)
        return get_many(keys)

    with mock.patch.object(atlas_cache, "get_many", side_effect=recording):
        report = area_report(
            user=member, municipality=counts.municipality, area_ids=[area.pk], year=2024
        )
    (row,) = [row for rows in (t.rows for t in report.topics) for row in rows]
    assert row.cells[0].shown.display == "50"
    pieces = {key.rsplit(":", 1)[1] for key in read if key.count(":") == 8}
    assert pieces == {str(selectors._piece_of(area.pk))}
