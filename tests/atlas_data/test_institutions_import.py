"""Import of institution values (issue 11 point 1): a long table checked completely first and
written in one transaction with the roll-up; the page and the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import Role
from atlas_data.models import InstitutionValue, Value
from atlas_data.services.errors import ImportProblems
from atlas_data.services.institutions import import_institution_values
from tests.atlas_data.institution_fixtures import *  # noqa: F403
from tests.atlas_data.institution_fixtures import YEAR, make_kita

pytestmark = pytest.mark.django_db

GOOD = (
    "Einrichtung;Jahr;Zähler;Nenner;Quelle\n"
    "Kita Ahorn;2025;7;21;Beobachtungsbogen 2025\n"
    "kita  birke;2025;11;29;Beobachtungsbogen 2025\n"
    "Kita Eiche;2025;k. A.;;Beobachtungsbogen 2025\n"
)


def csv_file(tmp_path, text: str, name: str = "werte.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_writes_the_values_and_rolls_them_up(city, tmp_path):
    result = import_institution_values(
        municipality=city.municipality,
        path=csv_file(tmp_path, GOOD),
        user=city.admin,
        indicator=city.indicator,
    )
    assert (result.created, result.changed, result.unchanged) == (3, 0, 0)
    ahorn = InstitutionValue.objects.get(poi=city.kitas["Kita Ahorn"], year=2025)
    assert (ahorn.numerator, ahorn.denominator, ahorn.source_note) == (
        7,
        21,
        "Beobachtungsbogen 2025",
    )
    assert ahorn.value == pytest.approx(33.3333333)
    eiche = InstitutionValue.objects.get(poi=city.kitas["Kita Eiche"], year=2025)
    assert eiche.status == Value.Status.SOURCE_SUPPRESSED
    bezirk = Value.objects.get(indicator=city.indicator, area=city.bezirke["001"], year=2025)
    assert (bezirk.numerator, bezirk.denominator) == (18, 50)
    # Kita Eiche's k. A. leaves the city's total unknown.
    root = Value.objects.get(indicator=city.indicator, area=city.root, year=2025)
    assert root.status == Value.Status.SOURCE_SUPPRESSED


def test_a_second_import_of_the_same_file_changes_nothing(city, tmp_path):
    path = csv_file(tmp_path, GOOD)
    import_institution_values(
        municipality=city.municipality, path=path, user=city.admin, indicator=city.indicator
    )
    again = import_institution_values(
        municipality=city.municipality, path=path, user=city.admin, indicator=city.indicator
    )
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert again.roll_up.created == again.roll_up.changed == 0


def test_a_dash_removes_a_value(city, tmp_path):
    text = "Einrichtung;Jahr;Zähler;Nenner\nKita Eiche;2024;–;–\n"
    result = import_institution_values(
        municipality=city.municipality,
        path=csv_file(tmp_path, text),
        user=city.admin,
        indicator=city.indicator,
    )
    assert result.removed == 1
    assert not Value.objects.filter(area=city.bezirke["002"], year=YEAR).exists()


def test_a_bad_file_lists_every_problem_and_writes_nothing(city, tmp_path):
    before = (InstitutionValue.objects.count(), Value.objects.count())
    text = (
        "Einrichtung;Jahr;Zähler;Nenner\n"
        "Kita Ahorn;2025;7;21\n"
        "Kita Nirgendwo;2025;3;10\n"
        "Kita Birke;2025;31;30\n"
        "Kita Eiche;20x5;4;40\n"
        "Kita Linde;2025;viele;30\n"
        "Kita Weide;2025;9;\n"
        "Kita Ahorn;2025;8;21\n"
    )
    with pytest.raises(ImportProblems) as caught:
        import_institution_values(
            municipality=city.municipality,
            path=csv_file(tmp_path, text),
            user=city.admin,
            indicator=city.indicator,
        )
    by_row = {problem["row"]: problem for problem in caught.value.problems}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "Kita Nirgendwo" in by_row[3]["message"]
    assert by_row[4]["column"] == "Zähler"
    assert by_row[5]["column"] == "Jahr"
    assert "viele" in by_row[6]["message"]
    assert by_row[7]["column"] == "Nenner"  # missing
    assert "2" in by_row[8]["message"]  # appears twice: rows 2 and 8
    assert (InstitutionValue.objects.count(), Value.objects.count()) == before


def test_the_problems_are_german(city, tmp_path):
    text = "Einrichtung;Jahr;Zähler;Nenner\nKita Nirgendwo;2025;3;10\n"
    with pytest.raises(ImportProblems) as caught:
        import_institution_values(
            municipality=city.municipality,
            path=csv_file(tmp_path, text),
            user=city.admin,
            indicator=city.indicator,
        )
    assert caught.value.problems[0]["message"] == (
        "Keine Einrichtung „Kita Nirgendwo“ im Einrichtungsverzeichnis."
    )


def test_repeated_names_need_the_address(city, tmp_path):
    from atlas_data.models import PoiCategory

    category = PoiCategory.objects.get(municipality=city.municipality, code="kita")
    twin = make_kita(city.municipality, category, "Kita Eiche", [city.root, city.bezirke["003"]])
    twin.address = "Am Markt 2"
    twin.save()
    text = "Einrichtung;Jahr;Zähler;Nenner\nKita Eiche;2025;5;25\n"
    with pytest.raises(ImportProblems, match="1"):
        import_institution_values(
            municipality=city.municipality,
            path=csv_file(tmp_path, text),
            user=city.admin,
            indicator=city.indicator,
        )
    text = "Einrichtung;Adresse;Jahr;Zähler;Nenner\nKita Eiche;Am Markt 2;2025;5;25\n"
    import_institution_values(
        municipality=city.municipality,
        path=csv_file(tmp_path, text),
        user=city.admin,
        indicator=city.indicator,
    )
    assert InstitutionValue.objects.get(poi=twin, year=2025).numerator == 5


def test_an_excel_file_with_ids_and_the_indicator_column(city, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Kennzahl", "Jahr", "Wert", "Nenner"])
    sheet.append([city.kitas["Kita Linde"].pk, city.indicator.short_name, 2025, "40,0", 30])
    path = tmp_path / "werte.xlsx"
    book.save(path)
    import_institution_values(municipality=city.municipality, path=path, user=city.admin)
    stored = InstitutionValue.objects.get(poi=city.kitas["Kita Linde"], year=2025)
    assert (stored.numerator, stored.denominator) == (12, 30)


def test_an_indicator_per_area_takes_no_institution_values(city, tmp_path):
    from tests.atlas_data.conftest import count_indicator

    per_area = count_indicator(city.municipality)
    text = "Einrichtung;Kennzahl;Jahr;Wert\nKita Ahorn;Kinder unter 6 Jahren;2025;5\n"
    with pytest.raises(ImportProblems) as caught:
        import_institution_values(
            municipality=city.municipality, path=csv_file(tmp_path, text), user=city.admin
        )
    assert caught.value.problems[0]["column"] == "Kennzahl"
    assert not InstitutionValue.objects.filter(indicator=per_area).exists()


# --- page and API ---------------------------------------------------------------------------


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("werte.csv", text.encode(), content_type="text/csv")


def test_the_import_page_imports_and_reports(client, city):
    client.force_login(city.admin)
    response = client.post(
        "/app/atlas/institutions/import/",
        {"file": upload(GOOD), "indicator": city.indicator.pk},
        follow=True,
    )
    assert "3 Einrichtungswerte angelegt" in response.content.decode()
    assert InstitutionValue.objects.filter(year=2025).count() == 3


def test_the_import_page_lists_the_problems_of_a_bad_file(client, city):
    client.force_login(city.admin)
    response = client.post(
        "/app/atlas/institutions/import/",
        {
            "file": upload("Einrichtung;Jahr;Zähler;Nenner\nKita Nirgendwo;2025;3;10\n"),
            "indicator": city.indicator.pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "es wurde nichts importiert" in page and "Kita Nirgendwo" in page


def test_members_may_not_open_the_import_page(client, city, member_of):
    client.force_login(member_of(city.municipality, Role.MEMBER))
    assert client.get("/app/atlas/institutions/import/").status_code == 403


def api_url(city) -> str:
    return f"/api/v1/municipalities/{city.municipality.slug}/institution-values/import/"


def test_the_api_imports_a_file(client, city):
    client.force_login(city.admin)
    response = client.post(
        api_url(city), {"file": upload(GOOD), "indicator": city.indicator.pk, "year": 2025}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 3
    assert body["indicator_years"] == [
        {"indicator": city.indicator.pk, "name": city.indicator.name, "year": 2025}
    ]


def test_the_api_answers_400_with_the_problems(client, city):
    client.force_login(city.admin)
    response = client.post(
        api_url(city),
        {
            "file": upload("Einrichtung;Jahr;Zähler;Nenner\nKita Nirgendwo;2025;3;10\n"),
            "indicator": city.indicator.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["row"] == 2


def test_an_admin_of_another_municipality_gets_404(client, city, other_municipality, member_of):
    client.force_login(member_of(other_municipality, Role.DATA_ADMIN))
    response = client.post(api_url(city), {"file": upload(GOOD)})
    assert response.status_code == 404
    assert not InstitutionValue.objects.filter(year=2025).exists()
