"""Which institutions report an institution-level indicator (Indicator.institution_category):
the indicator form, the checks of the import and of single edits, the indicator page, the API,
the comparison's labels and the data migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from atlas_data.models import Indicator, InstitutionValue, PoiCategory, Value
from atlas_data.services.errors import AtlasError, ImportProblems
from atlas_data.services.indicators import update_indicator
from atlas_data.services.institutions import import_institution_values, set_institution_value
from tests.atlas_data.institution_fixtures import *  # noqa: F403
from tests.atlas_data.institution_fixtures import YEAR, make_kita

from .test_indicator_pages import form_data

pytestmark = pytest.mark.django_db


def _kita_category(city) -> PoiCategory:
    return PoiCategory.objects.get(municipality=city.municipality, code="kita")


@pytest.fixture
def playground(city):
    """A POI of another category in Bezirk 001."""
    category = PoiCategory.objects.create(
        municipality=city.municipality, code="spielplatz", name="Spielplatz"
    )
    return make_kita(
        city.municipality, category, "Spielplatz Eichenweg", [city.root, city.bezirke["001"]]
    )


@pytest.fixture
def kita_only(city):
    update_indicator(
        user=city.admin,
        indicator=city.indicator,
        data={"institution_category": _kita_category(city)},
    )
    city.indicator.refresh_from_db()
    return city


# --- the indicator form -----------------------------------------------------------------------


def test_the_form_offers_the_municipalitys_categories_with_a_german_label(
    client, city, other_municipality
):
    PoiCategory.objects.create(municipality=other_municipality, code="fremd", name="Fremde Kat")
    client.force_login(city.admin)

    page = client.get(f"/app/atlas/indicators/{city.indicator.pk}/edit/").content.decode()

    assert "Kategorie der Einrichtungen" in page
    assert f'<option value="{_kita_category(city).pk}">Kita</option>' in page
    assert "Fremde Kat" not in page


def test_the_form_saves_the_category_and_the_history_names_it(client, city):
    client.force_login(city.admin)
    data = form_data(city.indicator, institution_category=_kita_category(city).pk)

    response = client.post(f"/app/atlas/indicators/{city.indicator.pk}/edit/", data)

    assert response.status_code == 302
    city.indicator.refresh_from_db()
    assert city.indicator.institution_category == _kita_category(city)
    history = client.get(f"/app/atlas/indicators/{city.indicator.pk}/history/").content.decode()
    assert "Kategorie der Einrichtungen" in history and "Kita" in history


def test_an_indicator_per_area_takes_no_category(city):
    area_indicator = Indicator.objects.create(municipality=city.municipality, name="Einwohner")

    with pytest.raises(AtlasError, match="Nur eine Kennzahl mit Werten je Einrichtung"):
        update_indicator(
            user=city.admin,
            indicator=area_indicator,
            data={"institution_category": _kita_category(city)},
        )
    area_indicator.refresh_from_db()
    assert area_indicator.institution_category is None


def test_the_category_cannot_exclude_institutions_with_values(city, playground):
    set_institution_value(
        user=city.admin,
        indicator=city.indicator,
        poi=playground,
        year=YEAR,
        numerator=5,
        denominator=20,
    )

    with pytest.raises(AtlasError, match="Spielplatz Eichenweg"):
        update_indicator(
            user=city.admin,
            indicator=city.indicator,
            data={"institution_category": _kita_category(city)},
        )
    city.indicator.refresh_from_db()
    assert city.indicator.institution_category is None


def test_a_subcategory_counts_as_its_category(city, kita_only):
    waldkita = PoiCategory.objects.create(
        municipality=city.municipality,
        code="waldkita",
        name="Waldkita",
        parent=_kita_category(city),
    )
    poi = make_kita(city.municipality, waldkita, "Waldkita Moos", [city.root, city.bezirke["002"]])

    set_institution_value(
        user=city.admin, indicator=city.indicator, poi=poi, year=YEAR, numerator=4, denominator=16
    )

    assert InstitutionValue.objects.filter(poi=poi).exists()


# --- import and single edits ------------------------------------------------------------------


def test_the_import_refuses_a_poi_of_another_category_per_row_and_writes_nothing(
    city, kita_only, playground, tmp_path
):
    before = (
        list(InstitutionValue.objects.order_by("pk").values_list("pk", "value")),
        list(Value.objects.order_by("pk").values_list("pk", "value")),
    )
    path = tmp_path / "werte.csv"
    path.write_text(
        "Einrichtung;Jahr;Zähler;Nenner\nKita Ahorn;2025;7;21\nSpielplatz Eichenweg;2025;3;10\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportProblems) as caught:
        import_institution_values(
            municipality=city.municipality, path=path, user=city.admin, indicator=city.indicator
        )

    (problem,) = caught.value.problems
    assert (problem["row"], problem["column"]) == (3, "Einrichtung")
    assert problem["message"] == (
        "„Spielplatz Eichenweg“ gehört zur Kategorie „Spielplatz“, aber „Anteil beobachteter "
        "Kinder mit starkem naturwissenschaftlichem Interesse“ nimmt nur Werte von "
        "Einrichtungen der Kategorie „Kita“ an."
    )
    after = (
        list(InstitutionValue.objects.order_by("pk").values_list("pk", "value")),
        list(Value.objects.order_by("pk").values_list("pk", "value")),
    )
    assert after == before


def test_a_single_edit_refuses_a_poi_of_another_category(city, kita_only, playground):
    with pytest.raises(AtlasError, match="Kategorie „Kita“"):
        set_institution_value(
            user=city.admin,
            indicator=city.indicator,
            poi=playground,
            year=YEAR,
            numerator=3,
            denominator=10,
        )
    assert not InstitutionValue.objects.filter(poi=playground).exists()


def test_without_a_category_every_poi_may_report(city, playground):
    set_institution_value(
        user=city.admin,
        indicator=city.indicator,
        poi=playground,
        year=YEAR,
        numerator=3,
        denominator=10,
    )
    assert InstitutionValue.objects.filter(poi=playground).exists()


# --- where it shows ---------------------------------------------------------------------------


def test_the_indicator_page_names_the_category(client, kita_only):
    client.force_login(kita_only.admin)

    page = client.get(f"/app/atlas/indicators/{kita_only.indicator.pk}/").content.decode()

    meta = page[page.index("Kategorie der Einrichtungen") :]
    assert meta.split("</dd>", 1)[0].endswith("Kita")
    assert "Werte je" in page


def test_the_indicator_api_gives_the_category(client, kita_only, member_of):
    client.force_login(kita_only.admin)
    slug = kita_only.municipality.slug

    items = client.get(f"/api/v1/municipalities/{slug}/indicators/").json()

    (item,) = [i for i in items if i["id"] == kita_only.indicator.pk]
    kita = _kita_category(kita_only)
    assert item["observation_unit"] == "institution"
    assert item["institution_category"] == {"id": kita.pk, "code": "kita", "name": "Kita"}


def test_the_comparison_labels_the_institutions_by_the_category(client, kita_only):
    from .institution_fixtures import add_sgb2_share

    city = kita_only
    sgb2 = add_sgb2_share(city, name="SGB-II-Anteil", weights=False)
    client.force_login(city.admin)
    query = {"indicator": city.indicator.pk, "year": YEAR, "x": sgb2.pk, "level": "bezirke"}

    page = client.get("/app/atlas/institutions/", query).content.decode()
    csv_text = client.get("/app/atlas/institutions.csv", query).content.decode("utf-8-sig")

    assert '<thead><tr><th scope="col">Kita</th>' in page
    assert "Gemeldet von den Einrichtungen der Kategorie „Kita“." in page
    assert '"institution_label": "Kita"' in page
    assert csv_text.startswith("Kita;Kategorie;Gebiet;")


# --- the data migration -----------------------------------------------------------------------


def test_the_migration_gives_an_indicator_the_one_category_of_its_institutions(city, playground):
    migration = importlib.import_module("atlas_data.migrations.0007_indicator_institution_category")
    migration.category_of_the_reporting_institutions(apps, None)
    city.indicator.refresh_from_db()
    assert city.indicator.institution_category == _kita_category(city)

    Indicator.objects.filter(pk=city.indicator.pk).update(institution_category=None)
    InstitutionValue.objects.create(
        indicator=city.indicator, poi=playground, year=YEAR, value=30, numerator=3, denominator=10
    )
    migration.category_of_the_reporting_institutions(apps, None)
    city.indicator.refresh_from_db()
    assert city.indicator.institution_category is None  # two categories: left to the admin
