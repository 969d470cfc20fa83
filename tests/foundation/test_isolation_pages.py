"""Tenant isolation, proven for the internal pages outside the atlas (conferences, goals and
measures, the control cycle, the administration) and the pages of the site itself."""

import pytest

from .isolation import all_routes, part_of, routes_of, walk_route


def test_every_route_is_walked_by_one_of_the_three_files():
    parts = {part_of(route) for route in all_routes()}
    assert parts == {"api", "atlas", "pages"}


@pytest.mark.django_db
def test_the_walk_notices_b_data_where_it_is_shown(world):
    """The proof can fail: B's own member reads B's goal, and the walk reports it."""
    route = next(r for r in all_routes() if r.pattern == "app/measures/goals/<int:pk>/")
    findings = [str(f) for f in walk_route(route, world, identities=("member of B",))]
    assert any("not refused: 200" in f for f in findings)
    assert any("B's internal marker" in f for f in findings)
    assert any("'Landkreis Vechta'" in f for f in findings)


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_of("pages"), ids=str)
def test_outsiders_get_nothing_of_municipality_b(world, route):
    findings = walk_route(route, world)
    assert not findings, "\n".join(map(str, findings))
