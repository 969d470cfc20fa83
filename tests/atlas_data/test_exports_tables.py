"""Table exports: XLSX with real numbers and a sheet of sources, CSV in German or English format."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from atlas_data.models import Area, Indicator
from atlas_data.services import ensure_level
from tests.factories import MunicipalityFactory

from .conftest import complete_metadata, count_indicator, store

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


def _csv(response, delimiter=";"):
    """The table's rows: the notes block (corrections, citation) follows an empty line."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    return rows[: rows.index([])] if [] in rows else rows


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_xlsx_holds_real_numbers_with_the_indicators_decimals(member_client, u15, non_german):
    response = member_client.get(f"{API}/table.xlsx?indicators={u15.pk},{non_german.pk}&year=2013")
    assert response.status_code == 200
    sheet = _workbook(response).worksheets[0]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Bakum"][0] == "03460001"
    assert rows["Bakum"][2] == 17.53
    assert rows["Bakum"][3] == 4.82
    assert rows["Holdorf"][3] == 2.34
    number_cell = next(c for c in sheet["C"] if c.value == 17.53)
    assert number_cell.number_format == "#,##0.00"


def test_xlsx_headers_name_the_indicator_with_its_unit(member_client, u15):
    sheet = _workbook(
        member_client.get(f"{API}/table.xlsx?indicators={u15.pk}&year=2013")
    ).worksheets[0]
    assert [c.value for c in sheet[4]] == ["Schlüssel", "Gebiet", f"{u15.name} (%)"]


def test_xlsx_reference_row_comes_first_and_says_how_it_came_about(member_client, u15):
    sheet = _workbook(
        member_client.get(f"{API}/table.xlsx?indicators={u15.pk}&year=2013")
    ).worksheets[0]
    assert [c.value for c in sheet[5]] == ["03460", "Landkreis Vechta (Referenz)", 16.15]
    assert [c.value for c in sheet[6]] == [None, "Art des Referenzwerts", "veröffentlicht"]


def test_xlsx_has_a_sheet_quellen_with_the_metadata_and_source_note(member_client, u15):
    workbook = _workbook(member_client.get(f"{API}/table.xlsx?indicators={u15.pk}&year=2013"))
    assert workbook.sheetnames == ["Werte", "Quellen", "Zitation"]
    sources = workbook["Quellen"]
    assert [c.value for c in sources[1]] == [
        "Indikator",
        "Definition",
        "Einheit",
        "Datenquelle",
        "Datenhalter",
        "Stichtag",
        "Freigabe",
    ]
    row = [c.value for c in sources[2]]
    assert row[0] == u15.name
    assert row[1] == u15.definition
    assert row[3:7] == [u15.data_source, u15.data_holder, u15.reference_date, "freigegeben"]
    notes = [c.value for c in sources["A"] if c.value]
    assert any(note.startswith("Quelle: Einwohnermelderegister") for note in notes)
    assert any("Landkreis Vechta, Sozialdaten 2013" in note for note in notes)


def test_csv_is_german_by_default_with_bom_semicolons_and_decimal_commas(member_client, u15):
    rows = _csv(member_client.get(f"{API}/table.csv?indicators={u15.pk}&year=2013"))
    assert rows[0] == ["Schlüssel", "Gebiet", f"{u15.name} (%)"]
    assert rows[1] == ["03460", "Landkreis Vechta (Referenz)", "16,15"]
    assert rows[2] == ["", "Art des Referenzwerts", "veröffentlicht"]
    assert ["03460001", "Bakum", "17,53"] in rows
    assert len(rows) == 3 + 10


def test_csv_in_english_format_uses_commas_and_decimal_points(member_client, u15):
    response = member_client.get(f"{API}/table.csv?indicators={u15.pk}&year=2013&number_format=en")
    rows = _csv(response, delimiter=",")
    assert ["03460001", "Bakum", "17.53"] in rows


def test_missing_values_stay_a_dash_and_never_become_zero(member_client, vechta, u15):
    lone = count_indicator(vechta, name="Kinder unter 6 Jahren", unit="Kinder")
    bakum = Area.objects.get(municipality=vechta, name="Bakum")
    store(lone, 2013, {bakum: 1500})
    rows = _csv(member_client.get(f"{API}/table.csv?indicators={u15.pk},{lone.pk}&year=2013"))
    by_name = {row[1]: row for row in rows}
    assert by_name["Bakum"][3] == "1500"
    assert by_name["Damme"][3] == "–"


def test_an_unknown_number_format_is_a_bad_request(member_client, u15):
    response = member_client.get(f"{API}/table.csv?indicators={u15.pk}&number_format=fr")
    assert response.status_code == 400


def test_indicators_must_be_numbers(member_client):
    response = member_client.get(f"{API}/table.csv?indicators=eins,zwei")
    assert response.status_code == 400
    assert "12,15" in response.json()["detail"]


def test_the_public_gets_404_when_one_indicator_is_not_released(client, vechta, u15):
    draft = count_indicator(vechta, name="Kinder unter 6 Jahren")
    store(draft, 2013, dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500))
    assert (
        client.get(f"{API}/table.xlsx?indicators={u15.pk},{draft.pk}&year=2013").status_code == 404
    )
    assert client.get(f"{API}/table.csv?indicators={u15.pk}&year=2013").status_code == 200


def test_table_of_140_areas_runs_a_constant_number_of_queries(
    client, member_of, django_assert_max_num_queries
):
    municipality = MunicipalityFactory(slug="grossstadt", name="Großstadt")
    from .conftest import make_tree

    tree = make_tree(municipality, districts=140)
    first = complete_metadata(count_indicator(municipality, name="Kinder unter 6 Jahren"))
    second = complete_metadata(count_indicator(municipality, name="Kinder unter 10 Jahren"))
    store(first, 2020, {area: 100 + n for n, area in enumerate(tree["Bezirke"])})
    store(second, 2020, {area: 200 + n for n, area in enumerate(tree["Bezirke"])})
    ensure_level(municipality=municipality, name="Bezirke")
    client.force_login(member_of(municipality, Role.MEMBER))
    url = f"/api/v1/municipalities/grossstadt/table.xlsx?indicators={first.pk},{second.pk}"
    with django_assert_max_num_queries(17):
        response = client.get(url + "&level=bezirke")
    assert response.status_code == 200
    assert _workbook(response).worksheets[0].max_row == 4 + 2 + 140
