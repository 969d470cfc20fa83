"""Files travel: no export holds a suppressed number, not even when a data admin downloads it."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from accounts.models import Role
from accounts.permissions import Action, can, file_reader
from atlas_data.models import Area

from .export_files import (
    SIBLING_TEXTS,
    docx_text,
    pdf_text,
    seed_suppressed_count,
    svg_texts,
    xlsx_texts,
)

API = "/api/v1/municipalities/vechta"


@pytest.fixture
def children(vechta):
    return seed_suppressed_count(vechta)


@pytest.fixture
def data_admin_client(client, vechta):
    client.force_login(get_user_model().objects.get(username="demo-data"))
    return client


def test_the_data_admin_sees_the_numbers_on_the_json_api(data_admin_client, children):
    """The premise: the data admin may see both hidden numbers, so files must hide them."""
    rows = data_admin_client.get(f"{API}/indicators/{children.pk}/values/?year=2013").json()
    shown = {row["area_name"]: row for row in rows["areas"]}
    assert shown["Bakum"]["value"] == 2 and shown["Bakum"]["status"] == "suppressed"
    assert shown["Damme"]["value"] == 4711 and shown["Damme"]["status"] == "suppressed"


def test_a_file_reader_is_a_member_without_sight_of_suppressed_values(vechta):
    admin = get_user_model().objects.get(username="demo-data")
    reader = file_reader(admin, vechta)
    assert can(reader, Action.VIEW_INTERNAL, vechta)
    assert not can(reader, Action.VIEW_SUPPRESSED_VALUES, vechta)
    assert not can(reader, Action.EDIT_ATLAS_DATA, vechta)
    assert file_reader(None, vechta) is None


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_map_files_show_k_a_for_both_hidden_areas(data_admin_client, children, fmt):
    response = data_admin_client.get(f"{API}/indicators/{children.pk}/map.{fmt}?year=2013")
    assert response.status_code == 200
    lines = svg_texts(response.content) if fmt == "svg" else pdf_text(response.content).split("\n")
    text = "\n".join(lines)
    assert "k. A. (2)" in text
    for sibling in SIBLING_TEXTS:
        assert sibling not in text
    # Area labels: name, then its value.
    assert lines[lines.index("Bakum") + 1] == "k. A."
    assert lines[lines.index("Damme") + 1] == "k. A."


@pytest.mark.parametrize("chart", ["column", "bar"])
@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_chart_files_show_k_a_for_both_hidden_areas(data_admin_client, children, chart, fmt):
    response = data_admin_client.get(
        f"{API}/chart.{fmt}?indicators={children.pk}&year=2013&type={chart}"
    )
    assert response.status_code == 200
    text = "\n".join(svg_texts(response.content)) if fmt == "svg" else pdf_text(response.content)
    assert text.count("k. A.") >= 2
    for sibling in SIBLING_TEXTS:
        assert sibling not in text
    assert "\n2\n" not in f"\n{text}\n"  # the small count is no label of its own


def test_line_chart_file_shows_k_a_for_the_hidden_areas(data_admin_client, vechta, children):
    bakum, damme = (Area.objects.get(municipality=vechta, name=n) for n in ("Bakum", "Damme"))
    response = data_admin_client.get(
        f"{API}/chart.svg?indicators={children.pk}&type=line&areas={bakum.pk},{damme.pk}"
    )
    text = "\n".join(svg_texts(response.content))
    assert "Bakum 2013: k. A." in text and "Damme 2013: k. A." in text
    for sibling in SIBLING_TEXTS:
        assert sibling not in text


def test_table_files_show_k_a_for_both_hidden_areas(data_admin_client, children):
    csv_response = data_admin_client.get(f"{API}/table.csv?indicators={children.pk}&year=2013")
    rows = {
        row[1]: row
        for row in csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";")
    }
    assert rows["Bakum"][2] == "k. A."
    assert rows["Damme"][2] == "k. A."
    xlsx = data_admin_client.get(f"{API}/table.xlsx?indicators={children.pk}&year=2013").content
    for text in (csv_response.content.decode("utf-8-sig"), xlsx_texts(xlsx)):
        assert "k. A." in text
        for sibling in SIBLING_TEXTS:
            assert sibling not in text


def test_report_files_show_k_a_for_both_hidden_areas(data_admin_client, vechta, children):
    bakum, damme = (Area.objects.get(municipality=vechta, name=n) for n in ("Bakum", "Damme"))
    query = f"?areas={bakum.pk},{damme.pk}&year=2013"
    docx = docx_text(data_admin_client.get("/app/atlas/report.docx" + query).content)
    pdf = pdf_text(data_admin_client.get("/app/atlas/report.pdf" + query).content)
    for text in (docx, pdf):
        for sibling in SIBLING_TEXTS:
            assert sibling not in text
    row = next(line for line in docx.split("\n") if line.startswith(f"{children.name} (Kinder) |"))
    assert row.split(" | ")[2:4] == ["k. A. / –", "k. A. / –"]


def test_the_report_page_marks_suppressed_numbers_for_the_data_admin(
    data_admin_client, vechta, children
):
    damme = Area.objects.get(municipality=vechta, name="Damme")
    page = data_admin_client.get(f"/app/atlas/report/?areas={damme.pk}&year=2013").content.decode()
    assert "4.711" in page
    assert "andere sehen k. A." in page


def test_the_report_page_shows_k_a_to_a_member(client, vechta, member_of, children):
    client.force_login(member_of(vechta, Role.MEMBER))
    damme = Area.objects.get(municipality=vechta, name="Damme")
    page = client.get(f"/app/atlas/report/?areas={damme.pk}&year=2013").content.decode()
    assert "k. A." in page
    for sibling in SIBLING_TEXTS:
        assert sibling not in page
