"""Suppression everywhere, proven: one small count (Bakum 2, primarily suppressed) and its
sibling (Damme 4711, secondarily suppressed) of a released indicator, used by a goal and a
published bookmark, fetched through every channel by a member and by the public. The true
numbers appear nowhere; where a channel is structured, both areas read `k. A.`.

Data admins may see the numbers on pages and the JSON API (test_exports_suppression.py proves
that their files hide them anyway); here the viewers are those who must never see them.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings

from accounts.models import Role
from atlas_data.models import Area, Indicator
from atlas_data.services import release
from atlas_data.services.bookmarks import create_bookmark, publish_bookmark
from measures.models import Goal
from tests.factories import GoalFactory

from .conftest import complete_metadata
from .disclosure import recoverable_from_rows
from .export_files import (
    SIBLING_TEXTS,
    SMALL_COUNT,
    docx_text,
    pdf_text,
    seed_suppressed_count,
    svg_texts,
    xlsx_texts,
)

API = "/api/v1/municipalities/vechta"
YEAR = 2013


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo with the two hidden counts, released, in a goal and a published bookmark.

    Built once for the file in a transaction rolled back at its end (the demo takes seconds);
    every test runs in its own savepoint inside.
    """
    from keck.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            vechta = load_demo()
        users = get_user_model().objects
        data_admin = users.get(username="demo-data")
        indicator = complete_metadata(seed_suppressed_count(vechta, year=YEAR))
        release(user=data_admin, indicator=indicator, year=YEAR)
        bakum, damme = (Area.objects.get(municipality=vechta, name=n) for n in ("Bakum", "Damme"))
        goal = GoalFactory(
            municipality=vechta,
            conference=vechta.conferences.order_by("pk").first(),
            title="Weniger Kinder in Bedarfsgemeinschaften in Damme",
            indicator=indicator,
            measurement_area=damme,
            baseline_year=YEAR,
            baseline_value=None,  # what the goal form stores for a suppressed baseline
            direction=Goal.Direction.DECREASE,
            target_value=4000,
            qualitative_criterion="",
        )
        state = {"indicator": indicator.pk, "year": YEAR, "areas": [bakum.pk, damme.pk]}
        bookmark = create_bookmark(
            user=data_admin,
            municipality=vechta,
            title="Kinder in Bedarfsgemeinschaften 2013",
            view="table",
            state=state,
            interpretation="Bakum und Damme im Vergleich.",
        )
        publish_bookmark(user=data_admin, bookmark=bookmark)
        yield {
            "vechta": vechta,
            "indicator": indicator,
            "bakum": bakum,
            "damme": damme,
            "goal": goal,
            "bookmark": bookmark,
            "member": users.get(username="demo-mitglied"),
            "coordinator": users.get(username="demo-koordination"),
            "leadership": users.get(username="demo-leitung"),
        }
        transaction.set_rollback(True)


@pytest.fixture
def world(seeded, db):
    return seeded


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def member(world):
    return _client(world["member"])


@pytest.fixture
def public():
    return _client()


def assert_hidden(text: str) -> None:
    """Neither the sibling's number in any way it could be written, nor the small count as a
    number of its own."""
    for written in SIBLING_TEXTS:
        assert written not in text, f"{written} leaked"


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _viewers(world):
    return [("member", _client(world["member"])), ("public", _client())]


# --- pages ----------------------------------------------------------------------------------


def test_explorer_pages_and_their_data(world, member, public):
    query = f"?indicator={world['indicator'].pk}&year={YEAR}"
    for client, base in ((member, "/app/atlas/explore/"), (public, "/atlas/vechta/explore/")):
        for suffix in ("", "&partial=data", "&chart=column", "&chart=bar"):
            page = _get(client, base + query + suffix)
            assert_hidden(page)
        assert "k. A." in _get(client, base + query)


def test_area_pages(world, member, public):
    damme = world["damme"].pk
    for client, url in (
        (member, f"/app/atlas/areas/{damme}/?year={YEAR}"),
        (public, f"/atlas/vechta/areas/{damme}/?year={YEAR}"),
    ):
        page = _get(client, url)
        assert world["indicator"].name in page
        assert_hidden(page)


def test_indicator_pages(world, member, public):
    pk = world["indicator"].pk
    for client, url in (
        (member, f"/app/atlas/indicators/{pk}/"),
        (public, f"/atlas/vechta/indicators/{pk}/"),
    ):
        assert_hidden(_get(client, url))


def test_area_report_pages(world, member, public):
    query = f"?areas={world['bakum'].pk},{world['damme'].pk}&year={YEAR}"
    for client, url in ((member, "/app/atlas/report/"), (public, "/atlas/vechta/report/")):
        page = _get(client, url + query)
        assert "k. A." in page
        assert_hidden(page)


def test_bookmark_pages(world, member, public):
    pk = world["bookmark"].pk
    for client, url in (
        (member, "/app/atlas/bookmarks/"),
        (member, f"/app/atlas/bookmarks/{pk}/"),
        (public, f"/atlas/vechta/bookmarks/{pk}/"),
        (public, "/atlas/vechta/"),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_hidden(response.content.decode())


def test_bookmarks_api(world, member, public):
    for client in (member, public):
        assert_hidden(_get(client, f"{API}/bookmarks/"))


def test_dashboard_page_and_api(world):
    leadership = _client(world["leadership"])
    assert_hidden(_get(leadership, "/app/measures/dashboard/"))
    assert_hidden(_get(leadership, f"{API}/dashboard/"))


def test_goal_page_and_goals_api_attainment(world, member):
    goal = world["goal"].pk
    page = _get(member, f"/app/measures/goals/{goal}/")
    assert "k. A." in page
    assert_hidden(page)
    assert_hidden(_get(member, "/app/measures/goals/"))
    detail = _get(member, f"{API}/goals/{goal}/")
    assert_hidden(detail)
    assert_hidden(_get(member, f"{API}/goals/"))


# --- the JSON API ---------------------------------------------------------------------------


def _values_rows(client, world) -> list[dict]:
    response = client.get(f"{API}/indicators/{world['indicator'].pk}/values/?year={YEAR}")
    assert response.status_code == 200
    assert_hidden(response.content.decode())
    return response.json()["areas"]


def test_values_api(world):
    for _name, client in _viewers(world):
        shown = {row["area_name"]: row for row in _values_rows(client, world)}
        for area in ("Bakum", "Damme"):
            assert shown[area]["value"] is None
            assert shown[area]["status"] == "suppressed"


def test_map_data_api(world):
    for _name, client in _viewers(world):
        page = _get(client, f"{API}/indicators/{world['indicator'].pk}/map/?year={YEAR}")
        assert_hidden(page)
        assert "k. A." in page


def test_table_json_api(world):
    for _name, client in _viewers(world):
        assert_hidden(_get(client, f"{API}/table/?indicators={world['indicator'].pk}&year={YEAR}"))


def test_what_the_api_shows_pins_down_no_hidden_count(world):
    """The attacker of disclosure.py, given every visible number of the values API (the
    tree of areas is public): no hidden count has a single possible value."""
    for _name, client in _viewers(world):
        rows = _values_rows(client, world)
        assert {"Bakum", "Damme"} <= {r["area_name"] for r in rows if r["status"] == "suppressed"}
        assert recoverable_from_rows(rows) == {}


# --- files ----------------------------------------------------------------------------------


def test_csv_export(world):
    for _name, client in _viewers(world):
        response = client.get(f"{API}/table.csv?indicators={world['indicator'].pk}&year={YEAR}")
        text = response.content.decode("utf-8-sig")
        rows = {row[1]: row for row in csv.reader(io.StringIO(text), delimiter=";") if row}
        assert rows["Bakum"][2] == "k. A." and rows["Damme"][2] == "k. A."
        assert_hidden(text)


def test_xlsx_export(world):
    import openpyxl

    for _name, client in _viewers(world):
        response = client.get(f"{API}/table.xlsx?indicators={world['indicator'].pk}&year={YEAR}")
        data = response.content
        assert_hidden(xlsx_texts(data))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        cells = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if len(row) > 2}
        assert cells["Bakum"] == "k. A." and cells["Damme"] == "k. A."
        assert SMALL_COUNT not in cells.values()


def test_svg_and_pdf_map_and_chart_exports(world):
    pk = world["indicator"].pk
    for _name, client in _viewers(world):
        lines = svg_texts(client.get(f"{API}/indicators/{pk}/map.svg?year={YEAR}").content)
        assert_hidden("\n".join(lines))
        assert lines[lines.index("Bakum") + 1] == "k. A."  # area label: name, then value
        assert lines[lines.index("Damme") + 1] == "k. A."
        chart = "\n".join(
            svg_texts(client.get(f"{API}/chart.svg?indicators={pk}&year={YEAR}").content)
        )
        assert chart.count("k. A.") >= 2
        assert_hidden(chart)
        for url in (
            f"{API}/indicators/{pk}/map.pdf?year={YEAR}",
            f"{API}/chart.pdf?indicators={pk}&year={YEAR}&type=bar",
        ):
            text = pdf_text(client.get(url).content)
            assert "k. A." in text
            assert_hidden(text)


def test_png_exports_are_drawn_from_the_suppressed_numbers(world):
    """A PNG holds no text to read; it is drawn by the same renderer from the same shown
    values as the SVG of the same view, which holds `k. A.` and no hidden number."""
    pk = world["indicator"].pk
    for _name, client in _viewers(world):
        for base in (f"{API}/indicators/{pk}/map", f"{API}/chart"):
            query = f"?year={YEAR}" if "map" in base else f"?indicators={pk}&year={YEAR}"
            png = client.get(f"{base}.png{query}")
            assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
            svg = "\n".join(svg_texts(client.get(f"{base}.svg{query}").content))
            assert "k. A." in svg
            assert_hidden(svg)


def test_area_report_docx_and_pdf(world, member, public):
    query = f"?areas={world['bakum'].pk},{world['damme'].pk}&year={YEAR}"
    for client, base in ((member, "/app/atlas/report"), (public, "/atlas/vechta/report")):
        docx = docx_text(client.get(f"{base}.docx{query}").content)
        assert "k. A." in docx
        assert_hidden(docx)
        assert_hidden(pdf_text(client.get(f"{base}.pdf{query}").content))


def test_measure_plan_files(world):
    coordinator = _client(world["coordinator"])
    assert_hidden(docx_text(coordinator.get("/app/measures/reports/plan.docx").content))
    assert_hidden(xlsx_texts(coordinator.get("/app/measures/reports/plan.xlsx").content))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_interim_report_with_the_goal_and_its_map(world, fmt):
    from measures.reports import data as report_data
    from measures.reports.runs import perform_interim_report, start_interim_report

    user, vechta = world["coordinator"], world["vechta"]
    maps = [
        choice.key
        for choice in report_data.map_choices(user=user, municipality=vechta)
        if choice.key.startswith(f"{world['indicator'].pk}:")
    ]
    assert maps, "the goal's indicator is offered as a map"
    run = start_interim_report(user=user, municipality=vechta, fmt=fmt, maps=maps)
    perform_interim_report(report_run_id=run.pk)
    response = _client(user).get(f"/app/measures/reports/interim/{run.pk}/file/")
    data = b"".join(response.streaming_content)
    text = docx_text(data) if fmt == "docx" else pdf_text(data)
    assert world["goal"].title in text
    assert_hidden(text)


def test_the_member_and_the_public_see_the_same_hidden_cells(world):
    """Secondary suppression is the same for every viewer: one request cannot undo another."""
    hidden = {}
    for name, client in _viewers(world):
        hidden[name] = {
            row["area_name"] for row in _values_rows(client, world) if row["value"] is None
        }
    assert hidden["member"] == hidden["public"] >= {"Bakum", "Damme"}
    assert json.dumps(sorted(hidden["member"]))  # readable in a failure message


def test_the_indicator_is_a_count_with_the_default_rule(world):
    """The premise: a count under the default 0–3 rule, so that 2 must be hidden."""
    indicator = Indicator.objects.get(pk=world["indicator"].pk)
    assert indicator.kind == Indicator.Kind.COUNT
    assert world["vechta"].suppression_threshold == 3
    assert Role.DATA_ADMIN not in world["member"].memberships.get().roles
