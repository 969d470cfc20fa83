"""Print charts by URL: column, bar, scatter and line charts with the municipal reference line."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accounts.models import Role
from atlas_data.models import Area, Indicator, Value
from tests.factories import MunicipalityFactory

from .conftest import make_tree
from .export_files import pdf_text, svg_texts

API = "/api/v1/municipalities/vechta"


@pytest.fixture
def non_german(vechta) -> Indicator:
    return Indicator.objects.get(
        municipality=vechta, catalogue_code="anteil-nichtdeutsche-unter-15"
    )


@pytest.fixture
def member_client(client, vechta, member_of):
    client.force_login(member_of(vechta, Role.MEMBER))
    return client


def _texts(response) -> str:
    return "\n".join(svg_texts(response.content))


@pytest.mark.parametrize("chart", ["column", "bar"])
def test_column_and_bar_charts_label_every_area_and_draw_the_reference(member_client, u15, chart):
    text = _texts(member_client.get(f"{API}/chart.svg?indicators={u15.pk}&year=2013&type={chart}"))
    assert u15.name in text
    assert "Bakum" in text and "17,53 %" in text
    assert "Landkreis Vechta: 16,15 %" in text or "Landkreis Vechta\n16,15 %" in text
    assert "Quelle: Einwohnermelderegister" in text


def test_several_indicators_get_one_panel_each(member_client, u15, non_german):
    text = _texts(
        member_client.get(f"{API}/chart.svg?indicators={u15.pk},{non_german.pk}&year=2013")
    )
    assert f"{u15.name} (%)" in text
    assert f"{non_german.name} (%)" in text
    assert "5,84 %" in text  # the second reference


def test_scatter_chart_puts_both_references_and_names_the_areas(member_client, u15, non_german):
    text = _texts(
        member_client.get(
            f"{API}/chart.svg?indicators={u15.pk},{non_german.pk}&year=2013&type=scatter"
        )
    )
    assert "Landkreis Vechta: 16,15 %" in text
    assert "Landkreis Vechta\n5,84 %" in text
    assert "Lohne (Oldenburg)" in text


def test_scatter_chart_needs_two_indicators(member_client, u15):
    response = member_client.get(f"{API}/chart.png?indicators={u15.pk}&type=scatter")
    assert response.status_code == 400
    assert response.json()["detail"] == "Ein Streudiagramm braucht genau zwei Indikatoren."


def test_line_chart_follows_the_municipality_and_the_chosen_areas_over_the_years(
    member_client, vechta, u15
):
    bakum = Area.objects.get(municipality=vechta, name="Bakum")
    Value.objects.update_or_create(indicator=u15, area=bakum, year=2031, defaults={"value": 18.25})
    response = member_client.get(f"{API}/chart.pdf?indicators={u15.pk}&type=line&areas={bakum.pk}")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "2013" in text and "2031" in text
    assert "Landkreis Vechta" in text and "Bakum" in text
    assert "Landkreis Vechta · Gemeinden · 2013–2031" in text


def test_line_chart_refuses_areas_of_another_municipality(member_client, u15):
    foreign = make_tree(MunicipalityFactory(slug="andere"), districts=1)["Bezirke"][0]
    response = member_client.get(
        f"{API}/chart.png?indicators={u15.pk}&type=line&areas={foreign.pk}"
    )
    assert response.status_code == 400


def test_an_unknown_chart_type_is_a_bad_request(member_client, u15):
    assert member_client.get(f"{API}/chart.png?indicators={u15.pk}&type=pie").status_code == 400


def test_chart_png_has_300_dpi(member_client, u15):
    response = member_client.get(f"{API}/chart.png?indicators={u15.pk}&year=2013&type=bar")
    image = Image.open(io.BytesIO(response.content))
    assert round(image.info["dpi"][0]) >= 300
    assert max(image.size) <= 3508 and min(image.size) <= 2480
