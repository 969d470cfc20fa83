"""Tenant isolation, proven for the atlas: internal atlas pages and B's public atlas."""

import pytest

from .isolation import routes_of, walk_route


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_of("atlas"), ids=str)
def test_outsiders_get_nothing_of_municipality_b(world, route):
    findings = walk_route(route, world)
    assert not findings, "\n".join(map(str, findings))
