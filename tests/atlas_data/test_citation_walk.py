"""Citable public data (issue 11 point 4) proven for the whole public surface.

The routes come from the URL resolver (the route enumeration of the tenant isolation walk,
tests/foundation/isolation.py), so a new route is walked without anyone adding it. Each is asked
for by the anonymous public with its path arguments filled from the Vechta demo (released
indicator years, a released Kita with institution values, a published bookmark, a network
entry). Every answer the public gets must either be listed in NO_VALUES with the reason why it
shows no atlas values, or cite what it shows: the permanent URL `/atlas/<slug>/i/<id>/<year>/`
of a released indicator year with that year's release date (and, for the demo's corrected year,
the date of the correction). Files are read as their readers read them: DOCX with python-docx,
XLSX with openpyxl, PDF by its text operators, SVG as XML text, PNG by its text chunk and JPG
by its comment (the footer line is pixels there, so the same line is stored as metadata).

A route the public is refused (login, 401/403/404/405) shows nothing and needs no citation; a
route whose arguments name atlas data must not be refused unless NOT_PUBLIC says why, so that
a badly filled argument cannot hide a gap. A path argument this file cannot fill fails the
test until FILL learns it.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from atlas_data.exports import GRAPHIC_FORMATS, TABLE_FORMATS
from tests.foundation.isolation import KINDS, Route, all_routes

from .export_files import docx_text, pdf_text, svg_texts

SLUG = "vechta"
# The demo's indicator year with a value corrected after its release (keck/demo_citation.py).
CORRECTED = ("anteil-unter-15", 2014)

# Routes outside the internal site (`app/`, login required everywhere) are the public surface.
PUBLIC_SURFACE = [route for route in all_routes() if not route.pattern.startswith("app/")]

# Routes that show no atlas values, with the reason. They are not asked for.
NO_VALUES: dict[str, str] = {
    "": "the start page lists the public atlases (how many indicators and which years they have "
    "released) and links the network, no values",
    "atlas/": "redirects to the list of atlases on the start page",
    "healthz": "health check of the service",
    "i18n/setlang/": "switches the language",
    "accounts/login/": "login form",
    "accounts/logout/": "logout (POST)",
    "accounts/password_change/": "account page (login required)",
    "accounts/password_change/done/": "account page (login required)",
    "accounts/password_reset/": "password reset form",
    "accounts/password_reset/done/": "password reset form",
    "accounts/reset/<uidb64>/<token>/": "password reset form",
    "accounts/reset/done/": "password reset form",
    "municipality/switch/": "switches the current municipality of a member (POST)",
    "atlas/<slug:slug>/": "the public atlas's start page: topics and indicator names, no values",
    "atlas/<slug:slug>/pois/": "the POI map and list: addresses and attributes of the "
    "institutions; their values come from the values API (cited, walked below)",
    "netzwerk/": "the list of compared catalogue entries and municipalities, no values",
    "netzwerk/indikatoren/<int:pk>/vergleichen/": "the opt-in switch of data admins (POST)",
    "api/v1/municipalities/": "the municipalities with a public atlas",
    "api/v1/municipalities/<slug:slug>/levels/": "spatial levels, no values",
    "api/v1/municipalities/<slug:slug>/areas/": "areas and their keys, no values",
    "api/v1/municipalities/<slug:slug>/indicators/": "indicator metadata and released years, "
    "no values",
    "api/v1/municipalities/<slug:slug>/pois/": "POI attributes (address, places, ages), no "
    "atlas values",
    "api/v1/municipalities/<slug:slug>/pois/<int:pk>/": "one POI's attributes, no atlas values",
    "api/v1/municipalities/<slug:slug>/bookmarks/": "titles and states of published bookmarks "
    "(their values are on the bookmark page, walked here)",
    "api/v1/network/": "the list of compared catalogue entries, no values",
    "api/schema/": "the OpenAPI schema",
    "api/docs/": "the API documentation page",
}

# Routes whose arguments name atlas data but which the public may not use, with the reason.
NOT_PUBLIC: dict[str, str] = {
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/network/": "the network opt-in of "
    "data admins",
}

# Query strings that make a route show values (a route without one is asked for bare).
# `{u15}` etc. are filled with ids of the demo (World.ids).
QUERIES: dict[str, tuple[str, ...]] = {
    "atlas/<slug:slug>/explore/": ("", "level=gemeinden&indicator={u15}&year=2014"),
    "atlas/<slug:slug>/report/": ("areas={visbek}&year=2014",),
    "atlas/<slug:slug>/report.docx": ("areas={visbek}&year=2014",),
    "atlas/<slug:slug>/report.pdf": ("areas={visbek}&year=2014",),
    "api/v1/municipalities/<slug:slug>/table/": ("indicators={u15},{sgb2}&year=2014",),
    "api/v1/municipalities/<slug:slug>/table.<str:fmt>": (
        "indicators={u15},{sgb2}&year=2014&level=gemeinden",
    ),
    "api/v1/municipalities/<slug:slug>/chart.<str:fmt>": (
        "indicators={u15}&year=2014&level=gemeinden",
        "indicators={u15}&type=line&areas={visbek}",
    ),
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/map/": ("year=2014",),
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/map.<str:fmt>": ("year=2014",),
    "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/values/": ("", "year=2014"),
    "api/v1/municipalities/<slug:slug>/institution-values/": (
        "indicator={kita}",
        "indicator={kita}&year=2014",
    ),
    "api/v1/municipalities/<slug:slug>/institution-comparison/": (
        "indicator={kita}&year=2014&x={sgb2}",
    ),
    "api/v1/municipalities/<slug:slug>/pois/<int:pk>/values/": ("",),
}

# (segment in front, argument name) -> the demo object's key in World.ids, or literal values.
FILL: dict[tuple[str, str], str | tuple[str, ...]] = {
    ("atlas", "slug"): (SLUG,),
    ("municipalities", "slug"): (SLUG,),
    ("areas", "pk"): "visbek",
    ("indicators", "pk"): "u15",
    ("i", "pk"): "u15",
    ("pk", "year"): ("2014",),
    ("pois", "pk"): "kita_poi",
    ("bookmarks", "pk"): "bookmark",
    ("netzwerk", "code"): (CORRECTED[0],),
    ("network", "code"): (CORRECTED[0],),
    ("indikatoren", "pk"): "u15",
    ("map.", "fmt"): tuple(GRAPHIC_FORMATS),
    ("chart.", "fmt"): tuple(GRAPHIC_FORMATS),
    ("table.", "fmt"): tuple(TABLE_FORMATS),
}
ATLAS_ARGUMENTS = {key for key, kind in FILL.items() if isinstance(kind, str)}
# Objects of the internal site (conferences, measures, tasks, support grants …): the public is
# refused whatever the object (the tenant isolation walk proves it with real ones), so any id.
INTERNAL_ARGUMENTS = {key for key in KINDS if key not in FILL}

PERMANENT = re.compile(rf"/atlas/{SLUG}/i/(\d+)/(\d+)/")
REFUSED = {401, 403, 404, 405}


def _checked(route: Route) -> bool:
    return route.pattern not in NO_VALUES


# --------------------------------------------------------------------------------------------
# The demo


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    # (indicator id, year) -> (release date, latest correction or None) of every released year
    released: dict[tuple[int, int], tuple] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        from atlas_data.citation import load_citations
        from atlas_data.models import Area, Bookmark, Indicator, IndicatorRelease, Poi
        from keck.demo import load_demo

        vechta = load_demo()
        indicators = Indicator.objects.filter(municipality=vechta)
        kita = indicators.get(observation_unit=Indicator.ObservationUnit.INSTITUTION)
        ids = {
            "u15": indicators.get(catalogue_code=CORRECTED[0]).pk,
            "sgb2": indicators.get(catalogue_code="sgb2-kinder-unter-15").pk,
            "kita": kita.pk,
            "visbek": Area.objects.get(municipality=vechta, name="Visbek").pk,
            "bookmark": Bookmark.objects.filter(municipality=vechta, is_published=True)
            .order_by("pk")
            .first()
            .pk,
        }
        # Kita Bakum: released, with released years of the Kita observation.
        ids["kita_poi"] = Poi.objects.get(municipality=vechta, name="Kita Bakum").pk
        pairs = [
            (release.indicator, release.year)
            for release in IndicatorRelease.objects.filter(
                indicator__municipality=vechta
            ).select_related("indicator")
        ]
        citations = load_citations(
            municipality=vechta, pairs=pairs, base="http://testserver", institutions=True
        )
        released = {
            pair: (citation.released_at, citation.corrected_at)
            for pair, citation in citations.by_pair.items()
        }
        yield World(ids=ids, released=released)
        transaction.set_rollback(True)


def _values_of(route: Route, segment: str, name: str, world: World) -> tuple[str, ...]:
    key = (segment, name)
    if key in FILL:
        kind = FILL[key]
        if isinstance(kind, tuple):
            return kind
        return (str(world.ids[kind]),)
    if key in INTERNAL_ARGUMENTS:
        return ("1",)
    raise LookupError(
        f"{route}: no demo object for <{name}> after '{segment}/'. Add it to FILL in "
        "tests/atlas_data/test_citation_walk.py (or list the route in NO_VALUES)."
    )


def urls_for(route: Route, world: World) -> list[str]:
    paths = [route.pattern]
    for segment, _converter, name in route.arguments:
        placeholder = re.compile(rf"<(?:\w+:)?{name}>")
        paths = [
            placeholder.sub(value, path, count=1)
            for path in paths
            for value in _values_of(route, segment, name, world)
        ]
    queries = [q.format(**world.ids) for q in QUERIES.get(route.pattern, ("",))]
    return [f"/{path}" + (f"?{query}" if query else "") for path in paths for query in queries]


# --------------------------------------------------------------------------------------------
# Reading the answers as their readers do


def readable_text(response) -> str:
    """What a reader of the answer sees: the text of a page, a JSON or CSV answer, a DOCX, an
    XLSX (every cell of every sheet), a PDF, an SVG, the text chunk of a PNG, a JPG's comment."""
    data = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    kind = response.get("Content-Type", "").split(";")[0]
    if kind == "application/pdf":
        return pdf_text(data)
    if kind.endswith("wordprocessingml.document"):
        return docx_text(data)
    if kind.endswith("spreadsheetml.sheet"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if kind == "image/svg+xml":
        return "\n".join(svg_texts(data))
    if kind in ("image/png", "image/jpeg"):
        from PIL import Image

        image = Image.open(io.BytesIO(data))
        comment = image.info.get("comment", b"")
        texts = [*getattr(image, "text", {}).values()]
        texts.append(comment.decode("utf-8") if isinstance(comment, bytes) else comment)
        return "\n".join(texts)
    return html.unescape(data.decode("utf-8"))


def _dates(moment) -> tuple[str, str]:
    day = timezone.localdate(moment)
    return date_format(day, "SHORT_DATE_FORMAT"), day.isoformat()


def problems_of(url: str, response, world: World, expected: set[tuple[int, int]]) -> list[str]:
    text = readable_text(response)
    cited = {(int(pk), int(year)) for pk, year in PERMANENT.findall(text)}
    problems = []
    if not cited:
        problems.append("no permanent URL /atlas/<slug>/i/<id>/<year>/ in the answer")
    for pair in sorted(expected - cited):
        problems.append(f"the shown indicator year {pair} is not cited")
    for pair in sorted(cited):
        if pair not in world.released:
            problems.append(f"cites {pair}, which is not released")
            continue
        released_at, corrected_at = world.released[pair]
        if not any(day in text for day in _dates(released_at)):
            problems.append(f"{pair}: no release date {_dates(released_at)[0]}")
        if corrected_at is not None and not any(day in text for day in _dates(corrected_at)):
            problems.append(f"{pair}: no correction date {_dates(corrected_at)[0]}")
    is_file = response.get("Content-Disposition", "").startswith("attachment")
    if is_file and 'rel="cite-as"' not in response.get("Link", ""):
        problems.append('a file without `Link: <…>; rel="cite-as"`')
    return [f"{url}: {problem}" for problem in problems]


def _expected(route: Route, url: str, world: World) -> set[tuple[int, int]]:
    """The indicator year a route names in its path and query (permanent page, map, values)."""
    arguments = {(segment, name) for segment, _converter, name in route.arguments}
    names_u15 = arguments & {("indicators", "pk"), ("i", "pk")}
    if names_u15 and ("/2014/" in url or "year=2014" in url):
        return {(world.ids["u15"], 2014)}
    return set()


# --------------------------------------------------------------------------------------------
# The walk


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in PUBLIC_SURFACE if _checked(r)], ids=str)
def test_every_public_answer_with_values_cites_them(world, route):
    client = Client()
    problems = []
    names_atlas_data = any((s, n) in ATLAS_ARGUMENTS for s, _c, n in route.arguments)
    for url in urls_for(route, world):
        response = client.get(url)
        status = response.status_code
        if status in REFUSED or (status == 302 and "/login/" in response.get("Location", "")):
            if (names_atlas_data or route.pattern in QUERIES) and route.pattern not in NOT_PUBLIC:
                problems.append(f"{url}: refused ({status}) although it names released data")
            continue
        if status != 200:
            problems.append(f"{url}: status {status}")
            continue
        problems += problems_of(url, response, world, _expected(route, url, world))
    assert not problems, "\n".join(problems)


def test_the_lists_name_existing_routes_only():
    patterns = {route.pattern for route in PUBLIC_SURFACE}
    stale = (set(NO_VALUES) | set(NOT_PUBLIC) | set(QUERIES)) - patterns
    assert not stale, f"no such public route any more: {sorted(stale)}"


def test_the_walk_asks_for_the_public_atlas_and_its_files():
    walked = {route.pattern for route in PUBLIC_SURFACE if _checked(route)}
    assert {
        "atlas/<slug:slug>/i/<int:pk>/<int:year>/",
        "atlas/<slug:slug>/report.docx",
        "atlas/<slug:slug>/pois/<int:pk>/profile.pdf",
        "api/v1/municipalities/<slug:slug>/indicators/<int:pk>/map.<str:fmt>",
        "api/v1/municipalities/<slug:slug>/table.<str:fmt>",
        "api/v1/municipalities/<slug:slug>/pois/<int:pk>/values/",
        "netzwerk/<slug:code>/",
    } <= walked


def test_a_missing_citation_is_found():
    """The check itself: an answer with values but without its citation is a problem."""

    class Answer(dict):
        status_code = 200
        content = b'{"value": 16.0, "display": "16,0 %"}'

    world = World(released={(1, 2014): (timezone.now() - timedelta(days=3), None)})
    answer = Answer({"Content-Type": "application/json"})
    assert problems_of("/x", answer, world, {(1, 2014)}) == [
        "/x: no permanent URL /atlas/<slug>/i/<id>/<year>/ in the answer",
        "/x: the shown indicator year (1, 2014) is not cited",
    ]
