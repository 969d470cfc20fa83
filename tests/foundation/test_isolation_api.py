"""Tenant isolation, proven for the API: every route of the resolver, and the OpenAPI schema
names no route that the walk leaves out."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from .isolation import routes_of, walk_route


def _schema_path(pattern: str) -> str:
    """`api/v1/…/<int:pk>/` as the schema writes it: `/api/v1/…/{id}/` (drf-spectacular calls
    primary keys id)."""
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
    return path.replace("{pk}", "{id}")


def test_the_walk_covers_every_path_of_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    walked = {_schema_path(route.pattern) for route in routes_of("api")}
    # The schema and the docs describe the API; they are no route of it.
    walked -= {"/api/schema/", "/api/docs/"}
    assert set(schema["paths"]) == walked


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_of("api"), ids=str)
def test_outsiders_get_nothing_of_municipality_b(world, route):
    findings = walk_route(route, world)
    assert not findings, "\n".join(map(str, findings))
