"""The institution profile (Sozialraumprofil, issue 11 point 2) of POIs of the Vechta demo: the
area with its key indicators, trend and municipal comparison, offers nearby, the institution's
own values; suppression in page, DOCX, PDF and API; public and internal; other municipalities.

The demo is loaded once per file in an outer transaction that is rolled back at the end; each
test runs in a savepoint inside it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import docx
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Municipality, Role
from atlas_data.exports.profile import render_docx
from atlas_data.models import Indicator, IndicatorRelease, InstitutionValue, Poi
from atlas_data.selectors_profile import institution_profile
from keck.demo_profile import load_demo_profile
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

from .export_files import SIBLING_TEXTS, docx_text, pdf_text, seed_suppressed_count
from .poi_helpers import BAKUM_VECHTA, make_poi

pytestmark = pytest.mark.django_db

FAMILY_CENTRE = "Familienzentrum Vechta-Mitte"
SHARE_U15 = "anteil-unter-15"
SHARE_SGB2 = "sgb2-kinder-unter-15"


@dataclass(frozen=True)
class World:
    vechta_pk: int
    outsider_municipality_pk: int
    small_count_pk: int  # Bakum 2 (k. A.), Damme 4711 (its hidden sibling), released 2013
    observation_pk: int  # an institution-level share of Kita Sonnenblume


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        from keck.demo import load_demo

        vechta = load_demo()
        data_admin = get_user_model().objects.get(username="demo-data")
        small = seed_suppressed_count(vechta, year=2013)
        small.relevant_for = "Jugendhilfeplanung"
        small.save()
        IndicatorRelease.objects.create(indicator=small, year=2013, released_by=data_admin)
        observation = Indicator.objects.create(
            municipality=vechta,
            name="Kinder mit starkem Interesse an Naturwissenschaften",
            unit="%",
            kind=Indicator.Kind.SHARE,
            decimals=1,
            polarity=Indicator.Polarity.HIGHER_BETTER,
            observation_unit=Indicator.ObservationUnit.INSTITUTION,
            relevant_for="Kita-Fachberatung",
        )
        sonnenblume = Poi.objects.get(municipality=vechta, name="Kita Sonnenblume")
        InstitutionValue.objects.create(
            indicator=observation,
            poi=sonnenblume,
            year=2014,
            value=30.0,
            numerator=12,
            denominator=40,
        )
        InstitutionValue.objects.create(
            indicator=observation,
            poi=sonnenblume,
            year=2015,
            value=5.3,
            numerator=2,
            denominator=38,
        )
        IndicatorRelease.objects.create(indicator=observation, year=2014, released_by=data_admin)
        other = MunicipalityFactory(slug="musterstadt", name="Musterstadt")
        yield World(vechta.pk, other.pk, small.pk, observation.pk)
        transaction.set_rollback(True)


@pytest.fixture
def vechta(world) -> Municipality:
    return Municipality.objects.get(pk=world.vechta_pk)


def _poi(vechta, name) -> Poi:
    return Poi.objects.get(municipality=vechta, name=name)


def _user(username):
    return get_user_model().objects.get(username=username)


def _row(profile, code_or_name):
    return next(
        row
        for row in profile.indicators
        if code_or_name in (row.indicator.catalogue_code, row.indicator.name)
    )


@pytest.fixture
def member_client(client, world):
    client.force_login(_user("demo-mitglied"))
    return client


def page(name, **kwargs):
    return reverse(name, kwargs=kwargs)


# --- content -------------------------------------------------------------------------------


def test_the_family_centre_lies_in_vechta_with_the_district_as_reference(vechta):
    profile = institution_profile(
        user=_user("demo-mitglied"), municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk
    )

    assert [area.name for area in profile.areas] == ["Vechta"]
    assert profile.parents == []
    assert profile.reference_name == "Landkreis Vechta"


def test_key_indicators_show_the_latest_value_the_district_and_the_trend(vechta):
    profile = institution_profile(
        user=_user("demo-mitglied"), municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk
    )

    row = _row(profile, SHARE_U15)
    assert (row.year, row.previous_year) == (2015, 2014)
    assert [shown.display for shown in row.values] == ["14,67 %"]
    assert row.reference.display == "15,98 %" and row.reference_kind == "computed"
    assert row.series[0] == (2013, row.series[0][1]) and row.series[0][1].display == "15,03 %"
    assert (row.change.text, row.direction) == ("-0,18 Pp.", "down")


def test_a_falling_share_of_children_in_sgb2_households_is_marked_better(vechta):
    profile = institution_profile(
        user=_user("demo-mitglied"), municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk
    )

    row = _row(profile, SHARE_SGB2)
    assert [shown.display for shown in row.values] == ["11,2 %"]
    assert row.assessment == "better"
    assert row.trend_text == "↓ -0,3 Pp. seit 2014 (günstiger)"


def test_the_key_indicators_are_those_marked_relevant(vechta):
    profile = institution_profile(
        user=_user("demo-mitglied"), municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk
    )

    assert profile.indicators_chosen
    assert all(row.indicator.relevant_for for row in profile.indicators)
    names = {row.indicator.name for row in profile.indicators}
    assert "Eingliederungshilfen nach § 35a SGB VIII (Fälle)" in names
    assert not any(
        row.indicator.catalogue_code == "eingliederungshilfe-35a" for row in profile.indicators
    )


def test_without_marked_indicators_every_area_indicator_is_shown(vechta):
    Indicator.objects.filter(municipality=vechta).update(relevant_for="")
    profile = institution_profile(
        user=_user("demo-mitglied"), municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk
    )

    assert not profile.indicators_chosen
    assert any(
        row.indicator.catalogue_code == "eingliederungshilfe-35a" for row in profile.indicators
    )
    assert all(
        row.indicator.observation_unit == Indicator.ObservationUnit.AREA
        for row in profile.indicators
    )


def test_offers_nearby_are_grouped_by_category_nearest_first(vechta):
    profile = institution_profile(
        user=_user("demo-mitglied"), municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk
    )

    groups = {group.category.code: group for group in profile.offers}
    kitas = [offer.poi.name for offer in groups["kita"].offers]
    assert kitas[:2] == ["Waldkindergarten Füchse", "Krippe Zwergenland"]
    distances = [offer.distance_m for offer in groups["kita"].offers]
    assert distances == sorted(distances)
    assert FAMILY_CENTRE not in {o.poi.name for g in profile.offers for o in g.offers}
    assert all(offer.in_area for group in profile.offers for offer in group.offers)


def test_an_offer_across_the_border_within_one_kilometre_is_nearby(vechta):
    latitude, longitude = BAKUM_VECHTA
    west = make_poi(vechta, name="Kita Westrand", at=(latitude, longitude - 0.004))
    east = make_poi(
        vechta, code="spielplatz", name="Spielplatz Ostrand", at=(latitude, longitude + 0.004)
    )

    profile = institution_profile(user=_user("demo-mitglied"), municipality=vechta, pk=west.pk)

    assert [area.name for area in profile.areas] == ["Bakum"]
    offers = {o.poi.name: o for g in profile.offers for o in g.offers}
    assert not offers["Spielplatz Ostrand"].in_area
    assert 500 < offers["Spielplatz Ostrand"].distance_m < 600
    assert "Jugendhaus Vechta" not in offers  # in Vechta, but kilometres away
    assert east.pk != west.pk


def test_the_institutions_own_values_hide_a_small_group(vechta, world):
    kita = _poi(vechta, "Kita Sonnenblume")

    profile = institution_profile(user=_user("demo-mitglied"), municipality=vechta, pk=kita.pk)

    (series,) = [s for s in profile.institution if s.indicator.pk == world.observation_pk]
    assert [(year, shown.display) for year, shown in series.points] == [
        (2014, "30,0 %"),
        (2015, "k. A."),
    ]
    assert series.indicator.name not in {row.indicator.name for row in profile.indicators}


def test_the_public_sees_released_years_of_the_institutions_values_only(vechta, world):
    kita = _poi(vechta, "Kita Sonnenblume")

    profile = institution_profile(user=None, municipality=vechta, pk=kita.pk)

    (series,) = [s for s in profile.institution if s.indicator.pk == world.observation_pk]
    assert [(year, shown.display) for year, shown in series.points] == [(2014, "30,0 %")]


# --- suppression ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Kita Bakum", "Kita Dümmerkinder"])
def test_a_suppressed_area_value_never_leaves_in_page_docx_pdf_or_api(
    vechta, world, member_client, name
):
    poi = _poi(vechta, name)
    small = Indicator.objects.get(pk=world.small_count_pk)
    profile = institution_profile(user=_user("demo-mitglied"), municipality=vechta, pk=poi.pk)
    row = _row(profile, small.name)
    assert [shown.display for shown in row.values] == ["k. A."]

    texts = {
        "page": member_client.get(page("atlas:poi_profile", pk=poi.pk)).content.decode(),
        "docx": docx_text(member_client.get(page("atlas:poi_profile_docx", pk=poi.pk)).content),
        "pdf": pdf_text(member_client.get(page("atlas:poi_profile_pdf", pk=poi.pk)).content),
        "api": member_client.get(
            page("api-poi-profile", slug="vechta", pk=poi.pk)
        ).content.decode(),
        "public": member_client.get(
            page("public_poi_profile", slug="vechta", pk=poi.pk)
        ).content.decode(),
    }
    for where, text in texts.items():
        assert "k. A." in text, where
        for number in SIBLING_TEXTS:
            assert number not in text, (where, number)
    assert "Kinder in Bedarfsgemeinschaften (Kinder) | 2013 | k. A. |" in texts["docx"]


def test_a_data_admin_sees_the_hidden_number_marked_but_files_hold_k_a(vechta, client):
    poi = _poi(vechta, "Kita Dümmerkinder")
    client.force_login(_user("demo-data"))

    html = client.get(page("atlas:poi_profile", pk=poi.pk)).content.decode()
    pdf = pdf_text(client.get(page("atlas:poi_profile_pdf", pk=poi.pk)).content)

    assert "4.711" in html and "andere sehen k. A." in html
    assert not any(number in pdf for number in SIBLING_TEXTS)


# --- public and internal ---------------------------------------------------------------------


def test_the_public_page_shows_released_indicator_years_only(vechta, client):
    poi = _poi(vechta, FAMILY_CENTRE)

    response = client.get(page("public_poi_profile", slug="vechta", pk=poi.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sozialraumprofil: Familienzentrum Vechta-Mitte" in html
    assert "6,98 %" in html  # the share of non-German children: 2013 is its released year
    assert "8,19 %" not in html  # its draft value of 2015
    assert "intern" not in html.lower().split("<main", 1)[1]


def test_the_public_page_cites_the_released_indicator_years_it_shows(vechta, client):
    poi = _poi(vechta, FAMILY_CENTRE)

    html = client.get(page("public_poi_profile", slug="vechta", pk=poi.pk)).content.decode()

    citation = html.split("Zitiervorschlag", 1)[1]
    assert "Landkreis Vechta" in citation and "Freigegeben am" in citation
    assert "/atlas/vechta/i/" in citation  # the permanent URL of an indicator year


def test_the_internal_page_marks_unreleased_data(vechta, member_client):
    poi = _poi(vechta, FAMILY_CENTRE)

    html = member_client.get(page("atlas:poi_profile", pk=poi.pk)).content.decode()

    assert "8,19 %" in html
    assert "Intern – nicht zur Veröffentlichung" in html


def test_an_internal_poi_has_no_public_profile(vechta, member_client, client):
    poi = _poi(vechta, "Waldkindergarten Füchse")

    assert member_client.get(page("atlas:poi_profile", pk=poi.pk)).status_code == 200
    client.logout()
    assert client.get(page("public_poi_profile", slug="vechta", pk=poi.pk)).status_code == 404
    assert client.get(page("public_poi_profile_pdf", slug="vechta", pk=poi.pk)).status_code == 404
    assert client.get(page("api-poi-profile", slug="vechta", pk=poi.pk)).status_code == 404


def test_the_public_does_not_list_internal_offers(vechta):
    profile = institution_profile(user=None, municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk)

    names = {offer.poi.name for group in profile.offers for offer in group.offers}
    assert "Waldkindergarten Füchse" not in names and "Krippe Zwergenland" in names


def test_a_member_of_another_municipality_gets_404(vechta, world, client):
    outsider = UserFactory(username="fremd")
    MembershipFactory(
        user=outsider,
        municipality=Municipality.objects.get(pk=world.outsider_municipality_pk),
        roles=[Role.COORDINATOR],
    )
    poi = _poi(vechta, "Waldkindergarten Füchse")
    client.force_login(outsider)

    assert client.get(page("atlas:poi_profile", pk=poi.pk)).status_code == 404
    assert client.get(page("atlas:poi_profile_docx", pk=poi.pk)).status_code == 404
    assert client.get(page("api-poi-profile", slug="vechta", pk=poi.pk)).status_code == 404
    assert client.get(page("api-poi-profile", slug="musterstadt", pk=poi.pk)).status_code == 404


# --- files ---------------------------------------------------------------------------------


def test_the_docx_opens_with_python_docx_and_holds_the_profile(vechta, member_client):
    poi = _poi(vechta, FAMILY_CENTRE)

    response = member_client.get(page("atlas:poi_profile_docx", pk=poi.pk))

    document = docx.Document(io.BytesIO(response.content))
    text = docx_text(response.content)
    assert response["Content-Disposition"].endswith('.docx"')
    assert document.paragraphs[0].text == "Sozialraumprofil: Familienzentrum Vechta-Mitte"
    assert "Träger | Caritas-Verein" in text
    assert (
        "Anteil unter 15-Jähriger an der Gesamtbevölkerung (%) | 2015 | 14,67 % | 15,98 %¹" in text
    )
    assert "Kita (5): Waldkindergarten Füchse" in text
    assert len(document.inline_shapes) >= 6  # a sparkline per key indicator


def test_the_pdf_is_one_a4_page_with_the_numbers(vechta, member_client):
    poi = _poi(vechta, FAMILY_CENTRE)

    content = member_client.get(page("atlas:poi_profile_pdf", pk=poi.pk)).content

    text = pdf_text(content)
    assert re.findall(rb"/Count (\d+)", content) == [b"1"]
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in content
    assert "Sozialraumprofil: Familienzentrum Vechta-Mitte" in text
    assert "14,67 %" in text and "15,98 %" in text
    assert "-0,3 Pp. seit 2014 (günstiger)" in text


def test_a_municipalitys_own_word_template_is_used(vechta, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    own = tmp_path / "templates" / "vechta" / "institution_profile.docx"
    own.parent.mkdir(parents=True)
    template = docx.Document()
    template.add_paragraph("Unsere Vorlage: {{ title }} – {{ located }}")
    template.save(own)
    profile = institution_profile(user=None, municipality=vechta, pk=_poi(vechta, FAMILY_CENTRE).pk)

    text = docx_text(render_docx(profile))

    assert "Unsere Vorlage: Sozialraumprofil: Familienzentrum Vechta-Mitte – Vechta" in text


def test_a_profile_without_other_offers_says_so(vechta, client):
    lonely = make_poi(vechta, name="Kita Einsam", at=(52.60, 8.40), is_released=True)
    Poi.objects.filter(municipality=vechta).exclude(pk=lonely.pk).update(is_released=False)

    pdf = pdf_text(client.get(page("public_poi_profile_pdf", slug="vechta", pk=lonely.pk)).content)

    assert institution_profile(user=None, municipality=vechta, pk=lonely.pk).offers == []
    assert "Keine weiteren Angebote im Gebiet oder im Umkreis von 1000 m." in pdf


# --- API, links, queries, demo ---------------------------------------------------------------


def test_the_api_returns_the_profile(vechta, client):
    poi = _poi(vechta, FAMILY_CENTRE)

    body = client.get(page("api-poi-profile", slug="vechta", pk=poi.pk)).json()

    assert body["poi"]["name"] == FAMILY_CENTRE and body["poi"]["provider"] == "Caritas-Verein"
    assert [area["key"] for area in body["areas"]] == ["03460009"]
    row = next(r for r in body["indicators"] if r["name"].startswith("Anteil unter 15"))
    assert row["values"][0]["display"] == "14,67 %" and row["reference"]["display"] == "15,98 %"
    assert [point["year"] for point in row["series"]] == [2013, 2014, 2015]
    assert (row["change"], row["direction"]) == ("-0,18 Pp.", "down")
    kitas = next(group for group in body["offers"] if group["category"] == "kita")
    assert "Waldkindergarten Füchse" not in [offer["name"] for offer in kitas["offers"]]


def test_the_api_cites_every_released_indicator_year_it_shows(vechta, world, client):
    poi = _poi(vechta, "Kita Sonnenblume")

    body = client.get(page("api-poi-profile", slug="vechta", pk=poi.pk) + "?public=1").json()

    assert body["indicators"] and body["institution"]
    for row in body["indicators"]:
        citation = row["citation"]
        assert citation["year"] == row["year"] and citation["indicator"]["id"] == row["id"]
        assert citation["url"].endswith(f"/atlas/vechta/i/{row['id']}/{row['year']}/")
        assert "Freigegeben am" in citation["text"]
    own = next(s for s in body["institution"] if s["id"] == world.observation_pk)
    assert [point["year"] for point in own["points"]] == [2014]  # 2015 is not released
    assert own["points"][0]["citation"]["url"].endswith(f"/i/{world.observation_pk}/2014/")
    for series in body["institution"]:  # the demo's Kita observation too
        for point in series["points"]:
            assert point["citation"]["url"].endswith(f"/i/{series['id']}/{point['year']}/")


def test_the_members_api_cites_released_years_only(vechta, world, member_client):
    poi = _poi(vechta, "Kita Sonnenblume")

    body = member_client.get(page("api-poi-profile", slug="vechta", pk=poi.pk)).json()

    own = next(s for s in body["institution"] if s["id"] == world.observation_pk)
    cited = {point["year"]: point["citation"] is not None for point in own["points"]}
    assert cited == {2014: True, 2015: False}


def test_the_popup_and_the_detail_page_link_the_profile(vechta, member_client, client):
    poi = _poi(vechta, FAMILY_CENTRE)
    url = page("api-pois", slug="vechta") + "?format=geojson"

    internal = member_client.get(url).json()
    detail = member_client.get(page("atlas:poi_detail", pk=poi.pk)).content.decode()
    client.logout()
    public = client.get(url).json()

    def link(body):
        return next(f for f in body["features"] if f["id"] == poi.pk)["properties"]["profile_url"]

    assert link(internal) == f"/app/atlas/pois/{poi.pk}/profile/"
    assert link(public) == f"/atlas/vechta/pois/{poi.pk}/profile/"
    assert f"/app/atlas/pois/{poi.pk}/profile/" in detail and "Sozialraumprofil" in detail


def test_the_profile_runs_a_fixed_number_of_queries(vechta):
    member = _user("demo-mitglied")
    small = _poi(vechta, "Spielplatz Dorfmitte")  # Bakum: two other offers
    large = _poi(vechta, FAMILY_CENTRE)  # Vechta: sixteen
    institution_profile(user=member, municipality=vechta, pk=small.pk)  # warm caches

    with CaptureQueriesContext(connection) as few:
        institution_profile(user=member, municipality=vechta, pk=small.pk)
    with CaptureQueriesContext(connection) as many:
        institution_profile(user=member, municipality=vechta, pk=large.pk)

    assert len(few) == len(many)


def test_the_demo_marks_six_key_indicators_and_loading_again_writes_nothing(vechta):
    before = Indicator.history.count()

    marked = load_demo_profile(vechta)

    assert len(marked) == 6
    assert Indicator.history.count() == before


# --- citations of the files (issue 11, point 4) ----------------------------------------------


def _flat(text: str) -> str:
    """PDF lines joined: a citation wraps over several lines of the page."""
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_public_profile_files_cite_the_released_years_they_show(vechta, world, client, fmt):
    poi = _poi(vechta, "Kita Sonnenblume")
    observation = f"/atlas/vechta/i/{world.observation_pk}/"

    response = client.get(page(f"public_poi_profile_{fmt}", slug="vechta", pk=poi.pk))

    raw = docx_text(response.content) if fmt == "docx" else pdf_text(response.content)
    text = _flat(raw)
    section = text[text.index("Zitiervorschlag") :]
    # The institution's own released year, and a key indicator of its area.
    assert "Kinder mit starkem Interesse an Naturwissenschaften 2014." in section
    assert f"http://testserver{observation}2014/" in section
    assert "Landkreis Vechta (" in section and "Freigegeben am" in section
    assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung" in section
    assert f"{observation}2015/" not in text  # never cites an unreleased year
    assert f'<http://testserver{observation}2014/>; rel="cite-as"' in response["Link"]


def test_the_internal_profile_file_cites_released_years_only(vechta, world, member_client):
    poi = _poi(vechta, "Kita Sonnenblume")

    response = member_client.get(page("atlas:poi_profile_docx", pk=poi.pk))

    text = docx_text(response.content)
    assert "5,3 %" not in text  # 2 of 38: a small group, k. A. in every file
    assert f"/atlas/vechta/i/{world.observation_pk}/2014/" in text
    assert f"/atlas/vechta/i/{world.observation_pk}/2015/" not in text
    assert f"/i/{world.observation_pk}/2014/>" in response["Link"]
    assert f"/i/{world.observation_pk}/2015/>" not in response["Link"]


def test_the_public_profile_page_cites_the_institutions_released_year(vechta, world, client):
    poi = _poi(vechta, "Kita Sonnenblume")

    html = client.get(page("public_poi_profile", slug="vechta", pk=poi.pk)).content.decode()

    citation = html.split("Zitiervorschlag", 1)[1]
    assert f"/atlas/vechta/i/{world.observation_pk}/2014/" in citation
    assert f"/atlas/vechta/i/{world.observation_pk}/2015/" not in html
