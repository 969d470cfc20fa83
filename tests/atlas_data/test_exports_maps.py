"""Print maps by URL: valid PNG/JPG at 300 dpi, SVG and PDF with their text; permissions."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from PIL import Image

from accounts.models import Role
from atlas_data.classification import classify
from atlas_data.exports.maps import legend_formatter
from atlas_data.models import Area, Indicator
from atlas_data.services import import_areas
from atlas_data.services.release import release
from tests.factories import MunicipalityFactory

from .conftest import DATA, complete_metadata, count_indicator, store
from .export_files import bkg_note, pdf_text, svg_texts

API = "/api/v1/municipalities/vechta"
# A4 at 300 dpi, either way round.
A4_PIXELS = (3508, 2480)


@pytest.fixture
def member_client(client, vechta, member_of):
    client.force_login(member_of(vechta, Role.MEMBER))
    return client


def _vechta_legend(u15) -> list[str]:
    values = list(
        u15.values.filter(year=2013, area__level__depth=1).values_list("value", flat=True)
    )
    classification = classify(values, polarity=u15.polarity, formatter=legend_formatter(u15))
    return [f"{item.label} ({item.count})" for item in classification.classes]


def _fits_a4(image) -> bool:
    width, height = image.size
    longer, shorter = max(width, height), min(width, height)
    return longer <= A4_PIXELS[0] and shorter <= A4_PIXELS[1] and longer >= 2400


def test_png_map_has_300_dpi_and_fits_an_a4_page(member_client, u15):
    response = member_client.get(f"{API}/indicators/{u15.pk}/map.png?year=2013")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert round(image.info["dpi"][0]) >= 300
    assert _fits_a4(image)


def test_jpg_map_has_300_dpi_and_fits_an_a4_page(member_client, u15):
    response = member_client.get(f"{API}/indicators/{u15.pk}/map.jpg?year=2013")
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG"
    assert round(image.info["dpi"][0]) >= 300
    assert _fits_a4(image)


def test_svg_map_keeps_title_legend_classes_with_counts_and_source_notes_as_text(
    member_client, u15
):
    response = member_client.get(f"{API}/indicators/{u15.pk}/map.svg?year=2013")
    assert response["Content-Type"] == "image/svg+xml"
    text = " ".join(svg_texts(response.content))
    assert u15.name in text
    for label in _vechta_legend(u15):
        assert label in text
    assert "k. A. (0)" in text
    assert "– (0)" in text
    assert "Landkreis Vechta · Gemeinden · 2013" in text
    assert "16,15 % (veröffentlicht)" in text
    assert "Quelle: Einwohnermelderegister" in text
    assert bkg_note() in text


def test_pdf_map_holds_title_legend_and_k_a_as_text(member_client, u15):
    response = member_client.get(f"{API}/indicators/{u15.pk}/map.pdf?year=2013")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert u15.name in text
    for label in _vechta_legend(u15):
        assert label in text
    assert "k. A. (0)" in text
    assert bkg_note() in text


def test_map_labels_each_area_with_its_value(member_client, u15):
    text = member_client.get(f"{API}/indicators/{u15.pk}/map.svg?year=2013").content.decode()
    assert "Bakum" in text and "17,53 %" in text
    assert "Neuenkirchen-Vörden" in text and "17,06 %" in text


def test_manual_breaks_make_the_legend_classes(member_client, u15):
    response = member_client.get(
        f"{API}/indicators/{u15.pk}/map.svg?year=2013&method=manual&breaks=16;17"
    )
    text = response.content.decode()
    assert "15,03 – 16,00 (3)" in text
    assert "16,00 – 17,00 (5)" in text
    assert "17,00 – 17,53 (2)" in text
    assert "Manuelle Klassengrenzen" in text


def test_an_impossible_number_of_classes_is_a_bad_request_with_a_message(member_client, u15):
    response = member_client.get(f"{API}/indicators/{u15.pk}/map.png?year=2013&classes=12")
    assert response.status_code == 400
    assert "3" in response.json()["detail"] and "7" in response.json()["detail"]


def test_an_unknown_format_is_not_found(member_client, u15):
    assert member_client.get(f"{API}/indicators/{u15.pk}/map.gif?year=2013").status_code == 404


def test_an_internal_file_says_it_is_not_released(member_client, vechta):
    draft = count_indicator(vechta, name="Kinder unter 6 Jahren", unit="Kinder")
    store(draft, 2013, dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500))
    text = member_client.get(f"{API}/indicators/{draft.pk}/map.svg").content.decode()
    assert "Intern – nicht zur Veröffentlichung freigegeben" in text


def test_the_public_gets_a_released_map(client, u15):
    response = client.get(f"{API}/indicators/{u15.pk}/map.png?year=2013")
    assert response.status_code == 200


def test_the_public_gets_404_for_an_unreleased_indicator(client, vechta):
    draft = count_indicator(vechta, name="Kinder unter 6 Jahren")
    store(draft, 2013, dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500))
    for fmt in ("png", "jpg", "svg", "pdf"):
        assert client.get(f"{API}/indicators/{draft.pk}/map.{fmt}").status_code == 404


def test_the_public_gets_404_for_an_unreleased_year(client, u15):
    store(u15, 2030, dict.fromkeys(Area.objects.filter(municipality=u15.municipality), 10.0))
    assert client.get(f"{API}/indicators/{u15.pk}/map.pdf?year=2030").status_code == 404


def test_a_member_of_another_municipality_gets_404_for_a_draft(client, vechta, member_of):
    draft = count_indicator(vechta, name="Kinder unter 6 Jahren")
    store(draft, 2013, dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500))
    stranger = member_of(MunicipalityFactory(slug="andere"), Role.DATA_ADMIN)
    client.force_login(stranger)
    assert client.get(f"{API}/indicators/{draft.pk}/map.png").status_code == 404


def test_an_indicator_of_another_municipality_is_not_found(member_client, member_of):
    other = MunicipalityFactory(slug="andere", public_atlas_enabled=True)
    foreign = count_indicator(other, name="Fremd")
    assert member_client.get(f"{API}/indicators/{foreign.pk}/map.png").status_code == 404


def test_map_of_a_level_with_137_areas_runs_a_constant_number_of_queries(
    client, member_of, django_assert_max_num_queries
):
    """Rhein-Hunsrück-Kreis (07140): 137 Gemeinden with their real VG5000 geometry."""
    municipality = MunicipalityFactory(slug="rhein-hunsrueck", name="Rhein-Hunsrück-Kreis")
    import_areas(
        municipality=municipality,
        path=DATA / "vg5000_2021_ebenen.zip",
        layer="VG5000_GEM",
        key_prefix="07140",
        level_name="Gemeinden",
        key_field="AGS",
        name_field="GEN",
        source_note=settings.KECK_BKG_SOURCE_NOTE,
    )
    indicator = complete_metadata(count_indicator(municipality, name="Kinder unter 6 Jahren"))
    areas = list(Area.objects.filter(municipality=municipality, level__depth=1))
    assert len(areas) == 137
    store(indicator, 2020, {area: 10 + n for n, area in enumerate(areas)})
    release(user=member_of(municipality, Role.DATA_ADMIN), indicator=indicator, year=2020)
    client.force_login(member_of(municipality, Role.MEMBER))
    with django_assert_max_num_queries(15):
        response = client.get(
            f"/api/v1/municipalities/rhein-hunsrueck/indicators/{indicator.pk}/map.png"
        )
    assert response.status_code == 200
    # Too many areas for labels: the legend still counts all of them.
    svg = client.get(
        f"/api/v1/municipalities/rhein-hunsrueck/indicators/{indicator.pk}/map.svg"
    ).content.decode()
    assert "k. A. (0)" in svg
    assert Indicator.objects.get(pk=indicator.pk).name in svg
