"""The area report (Gebietsbericht): areas side by side, reference, change since the comparison
year; as page (internal and public), DOCX and PDF."""

from __future__ import annotations

import pytest

from accounts.models import Role
from atlas_data.models import Area, Value
from atlas_data.selectors_report import area_report
from tests.factories import MunicipalityFactory

from .conftest import count_indicator, make_tree, store
from .export_files import docx_text, pdf_text


@pytest.fixture
def areas(vechta):
    return {a.name: a for a in Area.objects.filter(municipality=vechta)}


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _set(indicator, area, year, value):
    Value.objects.update_or_create(
        indicator=indicator,
        area=area,
        year=year,
        defaults={"value": value, "numerator": None, "denominator": None, "status": "ok"},
    )


@pytest.fixture
def second_year(u15, areas):
    """2014 values of the share of under-15-year-olds: Bakum rises, Damme falls."""
    for area in areas.values():
        _set(u15, area, 2014, 16.0)
    _set(u15, areas["Bakum"], 2014, 17.9)  # 2013: 17,53
    _set(u15, areas["Damme"], 2014, 16.5)  # 2013: 16,63
    _set(u15, areas["Landkreis Vechta"], 2014, 16.2)  # 2013: 16,15
    return 2014


def _row(report, indicator):
    return next(row for topic in report.topics for row in topic.rows if row.indicator == indicator)


def test_two_areas_side_by_side_with_the_municipal_reference(vechta, member, u15, areas):
    report = area_report(
        user=member,
        municipality=vechta,
        area_ids=[areas["Bakum"].pk, areas["Damme"].pk],
        year=2013,
    )
    row = _row(report, u15)
    assert [cell.shown.display for cell in row.cells] == ["17,53 %", "16,63 %"]
    assert row.reference.shown.display == "16,15 %"
    assert row.reference_kind == "published"
    assert report.reference_name == "Landkreis Vechta"


def test_three_areas_keep_the_order_asked_for(vechta, member, u15, areas):
    ids = [areas[name].pk for name in ("Visbek", "Bakum", "Holdorf")]
    report = area_report(user=member, municipality=vechta, area_ids=ids, year=2013)
    assert [area.name for area in report.areas] == ["Visbek", "Bakum", "Holdorf"]
    assert [c.shown.display for c in _row(report, u15).cells] == ["15,54 %", "17,53 %", "16,06 %"]


def test_indicators_are_grouped_by_topic(vechta, member, areas):
    report = area_report(user=member, municipality=vechta, area_ids=[areas["Bakum"].pk], year=2013)
    for topic in report.topics:
        assert {row.indicator.topic.name for row in topic.rows} == {topic.name}
    assert "Demografie" in [topic.name for topic in report.topics]


def test_change_since_the_previous_year_in_percentage_points(
    vechta, member, u15, areas, second_year
):
    report = area_report(
        user=member,
        municipality=vechta,
        area_ids=[areas["Bakum"].pk, areas["Damme"].pk],
        year=second_year,
    )
    row = _row(report, u15)
    assert row.previous_year == 2013
    assert [c.change.text for c in row.cells] == ["+0,37 Pp.", "-0,13 Pp."]
    assert [c.change.value for c in row.cells] == pytest.approx([0.37, -0.13])
    assert row.reference.change.text == "+0,05 Pp."


def test_change_of_a_count_is_absolute(vechta, member, areas):
    kitas = count_indicator(vechta, name="Kita-Plätze", unit="Plätze")
    store(kitas, 2013, {areas["Bakum"]: 380})
    store(kitas, 2014, {areas["Bakum"]: 352})
    report = area_report(user=member, municipality=vechta, area_ids=[areas["Bakum"].pk], year=2014)
    assert _row(report, kitas).cells[0].change.text == "-28"


def test_a_suppressed_value_gives_no_change(vechta, member, areas):
    kitas = count_indicator(vechta, name="Kita-Plätze", unit="Plätze")
    store(kitas, 2013, {areas["Bakum"]: 380})
    store(kitas, 2014, {areas["Bakum"]: None})  # k. A. at source
    report = area_report(user=member, municipality=vechta, area_ids=[areas["Bakum"].pk], year=2014)
    cell = _row(report, kitas).cells[0]
    assert (cell.shown.display, cell.change.text) == ("k. A.", "k. A.")


def test_more_than_three_areas_are_refused_with_a_german_message(member_client, areas):
    ids = ",".join(str(areas[n].pk) for n in ("Bakum", "Damme", "Holdorf", "Visbek"))
    response = member_client.get(f"/app/atlas/report/?areas={ids}")
    assert response.status_code == 400
    assert "Ein Gebietsbericht vergleicht höchstens 3 Gebiete; gewählt wurden 4." in (
        response.content.decode()
    )
    assert member_client.get(f"/app/atlas/report.pdf?areas={ids}").status_code == 400


def test_an_area_of_another_municipality_is_refused_with_a_german_message(member_client, areas):
    other = MunicipalityFactory(slug="andere", name="Andere Stadt")
    foreign = make_tree(other, districts=1)["Bezirke"][0]
    response = member_client.get(f"/app/atlas/report.docx?areas={areas['Bakum'].pk},{foreign.pk}")
    assert response.status_code == 400
    assert response.content.decode() == (
        f"Diese Gebiete gehören nicht zu Landkreis Vechta: {foreign.pk}."
    )


def test_the_page_offers_an_area_picker_and_the_downloads(member_client, areas):
    page = member_client.get(
        f"/app/atlas/report/?areas={areas['Bakum'].pk}&areas={areas['Damme'].pk}&year=2013"
    ).content.decode()
    assert '<label for="report-area-1">Gebiet 1</label>' in page
    assert '<label for="report-area-3">Gebiet 3</label>' in page
    assert f'<option value="{areas["Bakum"].pk}" selected>Bakum</option>' in page
    assert "/app/atlas/report.docx?areas=" in page and "/app/atlas/report.pdf?areas=" in page
    assert "17,53 %" in page and "16,63 %" in page


def test_the_menu_of_the_atlas_has_the_area_report(member_client):
    page = member_client.get("/app/atlas/").content.decode()
    assert "Gebietsbericht" in page and "/app/atlas/report/" in page


def test_the_public_report_shows_only_released_indicators(client, vechta, areas):
    draft = count_indicator(vechta, name="Kita-Plätze", unit="Plätze")
    store(draft, 2013, {area: 400 for area in areas.values() if area.level.depth == 1})
    page = client.get(f"/atlas/vechta/report/?areas={areas['Bakum'].pk}&year=2013")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung" in text
    assert "Kita-Plätze" not in text
    assert "/atlas/vechta/report.pdf?areas=" in text


def test_the_public_report_files_hold_only_released_indicators(client, vechta, areas):
    draft = count_indicator(vechta, name="Kita-Plätze", unit="Plätze")
    store(draft, 2013, {area: 400 for area in areas.values() if area.level.depth == 1})
    query = f"?areas={areas['Bakum'].pk}&year=2013"
    docx = docx_text(client.get("/atlas/vechta/report.docx" + query).content)
    pdf = pdf_text(client.get("/atlas/vechta/report.pdf" + query).content)
    for text in (docx, pdf):
        assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung" in text
        assert "Kita-Plätze" not in text


def test_docx_report_names_the_areas_and_their_values(member_client, u15, areas, second_year):
    query = f"?areas={areas['Bakum'].pk},{areas['Damme'].pk}&year={second_year}"
    response = member_client.get("/app/atlas/report.docx" + query)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    text = docx_text(response.content)
    assert "Gebietsbericht 2014" in text
    assert "Gebiete: Bakum, Damme" in text
    assert "Indikator | Vergleich mit | Bakum | Damme | Landkreis Vechta" in text
    assert (
        f"{u15.name} (%) | 2013 | 17,90 % / +0,37 Pp. | 16,50 % / -0,13 Pp. | 16,20 % / +0,05 Pp."
    ) in text
    assert "{{" not in text and "{%" not in text


def test_pdf_report_has_title_areas_tables_and_sources(member_client, u15, areas):
    query = f"?areas={areas['Bakum'].pk},{areas['Damme'].pk}&year=2013"
    response = member_client.get("/app/atlas/report.pdf" + query)
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        "Gebietsbericht 2013",
        "Bakum, Damme",
        "Demografie",
        "17,53 %",
        "16,15 %",
        "Quellen",
        "Einwohnermelderegister",
    ):
        assert expected in text
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content  # A4 portrait


def test_pdf_report_of_three_areas_is_a4_landscape(member_client, areas):
    ids = ",".join(str(areas[n].pk) for n in ("Bakum", "Damme", "Holdorf"))
    response = member_client.get(f"/app/atlas/report.pdf?areas={ids}&year=2013")
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in response.content
    assert "Holdorf" in pdf_text(response.content)


def test_report_runs_a_constant_number_of_queries_for_a_level_with_150_areas(
    client, member_of, django_assert_max_num_queries
):
    municipality = MunicipalityFactory(slug="grossstadt", name="Großstadt")
    tree = make_tree(municipality, districts=150)
    indicator = count_indicator(municipality, name="Kinder unter 6 Jahren")
    store(indicator, 2019, {area: 100 + n for n, area in enumerate(tree["Bezirke"])})
    store(indicator, 2020, {area: 110 + n for n, area in enumerate(tree["Bezirke"])})
    client.force_login(member_of(municipality, Role.MEMBER))
    ids = ",".join(str(area.pk) for area in tree["Bezirke"][:3])
    with django_assert_max_num_queries(22):
        response = client.get(f"/app/atlas/report/?areas={ids}&year=2020")
    assert response.status_code == 200
    assert "+10" in response.content.decode()
