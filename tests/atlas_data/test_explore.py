"""The atlas explorer pages: view state in the URL, table with reference row, data of the scripts,
public view of released data, constant queries."""

from __future__ import annotations

import json
import re

import pytest

from accounts.models import Role
from atlas_data.models import Area, Indicator, Value
from atlas_data.services.release import release

from .conftest import complete_metadata, count_indicator, make_tree, store

EXPLORE = "/app/atlas/explore/"


def public_explore(slug: str = "vechta") -> str:
    return f"/atlas/{slug}/explore/"


def config_of(response) -> dict:
    match = re.search(
        r'<script id="keck-explorer-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries its configuration"
    return json.loads(match.group(1))


def rows_of(html: str) -> list[list[str]]:
    """The data rows of the explorer table as text cells (area name, then the values)."""
    body = html.split('<tbody id="keck-table-body">', 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr [^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)[1:]  # without the checkbox
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def reference_row(html: str) -> list[str]:
    body = html.split('<tbody class="keck-reference-body">', 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)[1:]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def share_indicator(municipality) -> Indicator:
    """A share delivered without numerator and denominator: no weighted total possible."""
    return Indicator.objects.create(
        municipality=municipality,
        name="Anteil Alleinerziehende",
        kind=Indicator.Kind.SHARE,
        unit="%",
        decimals=1,
    )


@pytest.fixture
def member(vechta, member_of):
    return member_of(vechta, Role.MEMBER)


@pytest.fixture
def small_counts(municipality, data_admin):
    """Musterstadt: 4 Bezirke with 2, 48, 50, 60 children under 6, released for 2024."""
    tree = make_tree(municipality, districts=4)
    indicator = complete_metadata(count_indicator(municipality))
    store(indicator, 2024, dict(zip(tree["Bezirke"], [2, 48, 50, 60], strict=True)))
    release(user=data_admin(municipality), indicator=indicator, year=2024)
    return indicator


@pytest.fixture
def nichtdeutsche(vechta) -> Indicator:
    return Indicator.objects.get(
        municipality=vechta, catalogue_code="anteil-nichtdeutsche-unter-15"
    )


# --- the internal page ------------------------------------------------------------------------


def test_anonymous_visitors_of_the_internal_explorer_are_sent_to_the_login(client, vechta):
    response = client.get(EXPLORE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_explorer_is_in_the_atlas_menu(client, member):
    client.force_login(member)
    page = client.get("/app/atlas/").content.decode()
    assert f'href="{EXPLORE}"' in page
    assert "Karte &amp; Tabelle" in page


def test_members_get_map_table_and_chart_of_an_indicator(client, member, u15):
    client.force_login(member)
    response = client.get(EXPLORE, {"indicator": u15.pk, "year": 2013, "level": "gemeinden"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="keck-map"' in html and 'id="keck-chart"' in html
    assert rows_of(html)[0] == ["Bakum", "17,53 %"]
    assert len(rows_of(html)) == 10
    assert reference_row(html) == ["Landkreis Vechta (veröffentlicht)", "16,15 %"]
    assert "leaflet/leaflet.js" in html and "vendor/plotly/plotly.min.js" in html


def test_the_page_always_reloads_fully_under_the_shells_turbo_navigation(client, member):
    client.force_login(member)
    html = client.get(EXPLORE).content.decode()
    assert '<meta name="turbo-visit-control" content="reload">' in html


def test_the_query_gives_the_whole_view_state(client, member, u15, nichtdeutsche):
    client.force_login(member)
    query = {
        "level": "gemeinden",
        "indicator": u15.pk,
        "year": 2013,
        "indicators": f"{nichtdeutsche.pk}",
        "bars": f"{nichtdeutsche.pk},{u15.pk}",
        "method": "manual",
        "classes": 4,
        "breaks": "16;17",
        "chart": "scatter",
        "areas": "03460001,03460009",
    }
    config = config_of(client.get(EXPLORE, query))
    assert config["query"] == (
        f"level=gemeinden&indicator={u15.pk}&year=2013&indicators={nichtdeutsche.pk}"
        f"&bars={nichtdeutsche.pk},{u15.pk}&method=manual&classes=4&breaks=16;17"
        "&chart=scatter&areas=03460001,03460009"
    )
    chart = config["data"]["chart"]
    assert [i["id"] for i in chart["indicators"]] == [u15.pk, nichtdeutsche.pk]
    assert chart["type"] == "scatter"
    assert [bar["id"] for bar in config["data"]["bars"]] == [nichtdeutsche.pk, u15.pk]


def test_a_form_without_javascript_gives_the_same_state(client, member, u15, nichtdeutsche):
    client.force_login(member)
    config = config_of(
        client.get(
            EXPLORE
            + f"?indicator={u15.pk}&year=2013&indicators={nichtdeutsche.pk}&bars="
            + f"&bars={nichtdeutsche.pk}&bars=&method=quantiles&classes=5&chart=column&areas="
        )
    )
    assert f"indicators={nichtdeutsche.pk}&bars={nichtdeutsche.pk}&" in config["query"]


def test_unknown_values_in_the_query_fall_back_to_the_defaults(client, member, u15):
    client.force_login(member)
    config = config_of(
        client.get(
            EXPLORE,
            {
                "level": "quartiere",
                "indicator": u15.pk,
                "year": 1900,
                "indicators": "999999,abc",
                "method": "kmeans",
                "classes": 12,
                "chart": "pie",
                "areas": "99999999",
            },
        )
    )
    latest = max(Value.objects.filter(indicator=u15).values_list("year", flat=True))
    assert config["query"] == (
        f"level=gemeinden&indicator={u15.pk}&year={latest}&method=quantiles&classes=5&chart=column"
    )


def test_manual_classification_without_breaks_says_what_is_missing(client, member, u15):
    client.force_login(member)
    html = client.get(EXPLORE, {"indicator": u15.pk, "method": "manual"}).content.decode()
    assert "Eine manuelle Klassifizierung braucht mindestens eine Klassengrenze." in html


def test_the_table_shows_several_indicators_for_one_year(client, member, u15, nichtdeutsche):
    client.force_login(member)
    html = client.get(
        EXPLORE, {"indicator": u15.pk, "year": 2013, "indicators": nichtdeutsche.pk}
    ).content.decode()
    assert rows_of(html)[4] == ["Holdorf", "16,06 %", "2,34 %"]
    assert reference_row(html) == ["Landkreis Vechta (veröffentlicht)", "16,15 %", "5,84 %"]


def test_sortable_headers_are_buttons_with_aria_sort(client, member, u15):
    client.force_login(member)
    html = client.get(EXPLORE, {"indicator": u15.pk, "year": 2013}).content.decode()
    headers = re.findall(r'<th scope="col"[^>]*aria-sort="none"[^>]*>\s*<button', html)
    assert len(headers) == 2  # the area and the indicator
    assert 'data-sort-value="17.53"' in html  # numbers sort as numbers, not as German text


def test_the_export_links_name_the_indicators_year_and_level(client, member, u15, nichtdeutsche):
    client.force_login(member)
    html = client.get(
        EXPLORE, {"indicator": u15.pk, "year": 2013, "indicators": nichtdeutsche.pk}
    ).content.decode()
    query = f"indicators={u15.pk},{nichtdeutsche.pk}&amp;year=2013&amp;level=gemeinden"
    assert f'href="/api/v1/municipalities/vechta/table.xlsx?{query}"' in html
    assert f'href="/api/v1/municipalities/vechta/table.csv?{query}"' in html


def test_an_indicator_without_values_in_the_year_shows_dashes_and_a_note(
    client, vechta, member, u15
):
    later = count_indicator(vechta, name="Kinder in Kitas")
    store(later, 2030, dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 80))
    client.force_login(member)
    html = client.get(
        EXPLORE, {"indicator": u15.pk, "year": 2013, "indicators": later.pk}
    ).content.decode()
    assert rows_of(html)[0] == ["Bakum", "17,53 %", "–"]
    assert "keine Werte 2013" in html


# --- k. A., – and the reference row --------------------------------------------------------


def test_members_see_k_a_for_small_and_secondary_counts(
    client, municipality, small_counts, member_of
):
    client.force_login(member_of(municipality, Role.MEMBER))
    html = client.get(EXPLORE).content.decode()
    assert [row[1] for row in rows_of(html)] == ["k. A.", "k. A.", "50", "60"]
    assert reference_row(html) == ["Musterstadt (berechnet)", "160"]


def test_data_admins_see_suppressed_numbers_marked(client, municipality, small_counts, data_admin):
    client.force_login(data_admin(municipality))
    html = client.get(EXPLORE).content.decode()
    assert [row[1] for row in rows_of(html)] == ["2*", "48*", "50", "60"]
    assert "k. A." in html  # the note on what the others see


def test_a_reference_without_weights_is_the_unweighted_mean(client, municipality, member_of):
    tree = make_tree(municipality, districts=3)
    share = share_indicator(municipality)
    store(share, 2024, dict(zip(tree["Bezirke"], [10.0, 20.0, 36.0], strict=True)))
    client.force_login(member_of(municipality, Role.MEMBER))
    html = client.get(EXPLORE).content.decode()
    assert reference_row(html) == ["Musterstadt (ungewichteter Mittelwert)", "22,0 %"]


def test_mixed_kinds_of_reference_are_labelled_per_cell(client, municipality, member_of):
    tree = make_tree(municipality, districts=3)
    counts = count_indicator(municipality)
    store(counts, 2024, dict(zip(tree["Bezirke"], [40, 50, 60], strict=True)))
    share = share_indicator(municipality)
    store(share, 2024, dict(zip(tree["Bezirke"], [10.0, 20.0, 36.0], strict=True)))
    client.force_login(member_of(municipality, Role.MEMBER))
    html = client.get(EXPLORE, {"indicator": counts.pk, "indicators": share.pk}).content.decode()
    assert reference_row(html) == [
        "Musterstadt",
        "150 (berechnet)",
        "22,0 % (ungewichteter Mittelwert)",
    ]


def test_areas_without_a_value_show_a_dash(client, luechow, inhabitants, member_of):
    client.force_login(member_of(luechow, Role.MEMBER))
    html = client.get(EXPLORE, {"indicator": inhabitants.pk}).content.decode()
    cells = {row[0]: row[1] for row in rows_of(html)}
    assert cells["Dannenberg (Elbe)"] == "8.145"
    assert list(cells.values()).count("–") == 2
    assert reference_row(html) == ["Landkreis Lüchow-Dannenberg (veröffentlicht)", "48.670"]


# --- the data of the scripts ---------------------------------------------------------------


def test_the_scripts_get_table_chart_and_bars_in_one_request(client, member, u15, nichtdeutsche):
    client.force_login(member)
    response = client.get(
        EXPLORE,
        {"indicator": u15.pk, "year": 2013, "bars": nichtdeutsche.pk, "partial": "data"},
    )
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"query", "table_html", "chart", "bars"}
    assert '<table class="keck-table keck-explore-table"' in data["table_html"]
    indicator = data["chart"]["indicators"][0]
    assert indicator["values"][0] == 17.53 and indicator["displays"][0] == "17,53 %"
    assert indicator["reference"] == {
        "value": 16.15,
        "display": "16,15 %",
        "name": "Landkreis Vechta",
        "kind_label": "veröffentlicht",
    }
    assert data["chart"]["areas"][0]["key"] == "03460001"
    bar = data["bars"][0]
    assert bar["values"]["03460005"] == [2.34, "2,34 %", "ok"]
    assert bar["max"] == 7.65


def test_the_line_chart_gets_every_year_the_viewer_may_see(client, municipality, data_admin):
    tree = make_tree(municipality, districts=3)
    indicator = complete_metadata(count_indicator(municipality))
    for year, numbers in ((2022, [40, 50, 60]), (2023, [42, 51, 2]), (2024, [45, 55, 65])):
        store(indicator, year, dict(zip(tree["Bezirke"], numbers, strict=True)))
    admin = data_admin(municipality)
    release(user=admin, indicator=indicator, year=2023)
    release(user=admin, indicator=indicator, year=2024)
    client.force_login(admin)
    internal = client.get(EXPLORE, {"chart": "line", "partial": "data"}).json()
    (series,) = internal["chart"]["series"]
    assert series["years"] == [2022, 2023, 2024]
    assert series["reference"]["values"] == [150, 95, 165]
    assert [a["name"] for a in series["areas"]] == ["Bezirk 1", "Bezirk 2", "Bezirk 3"]
    public = client.get(
        public_explore("musterstadt"), {"chart": "line", "areas": "001", "partial": "data"}
    ).json()
    (series,) = public["chart"]["series"]
    assert series["years"] == [2023, 2024]
    # 2023: Bezirk 3 has 2 children, Bezirk 1 the next smallest count hides it
    assert [(a["key"], a["displays"]) for a in series["areas"]] == [("001", ["k. A.", "45"])]


# --- the public explorer -------------------------------------------------------------------


def test_the_public_explorer_offers_released_indicators_only(client, vechta, u15):
    draft = count_indicator(vechta, name="Kinder unter 6 Jahren (Entwurf)")
    store(draft, 2013, dict.fromkeys(Area.objects.filter(municipality=vechta, level__depth=1), 500))
    html = client.get(public_explore()).content.decode()
    assert "Anteil unter 15-Jähriger an der Gesamtbevölkerung" in html
    assert "Kinder unter 6 Jahren (Entwurf)" not in html
    config = config_of(client.get(public_explore(), {"indicator": draft.pk}))
    assert f"indicator={draft.pk}" not in config["query"]
    assert config["public"] is True


def test_the_public_explorer_shows_released_years_only(client, vechta, u15, member):
    root = Area.objects.get(municipality=vechta, level__depth=0)
    Value.objects.create(indicator=u15, area=root, year=2031, value=15.9)
    config = config_of(client.get(public_explore(), {"indicator": u15.pk, "year": 2031}))
    assert "year=2031" not in config["query"]
    assert 2031 not in config["years"][str(u15.pk)]
    client.force_login(member)
    config = config_of(client.get(EXPLORE, {"indicator": u15.pk, "year": 2031}))
    assert "year=2031" in config["query"]


def test_the_public_explorer_shows_k_a_even_to_a_logged_in_data_admin(
    client, municipality, small_counts, data_admin
):
    client.force_login(data_admin(municipality))
    html = client.get(public_explore("musterstadt")).content.decode()
    assert [row[1] for row in rows_of(html)] == ["k. A.", "k. A.", "50", "60"]
    assert "Interner Bereich" in html  # logged in, yet the public view


def test_the_public_explorer_links_to_the_public_area_pages(client, vechta, u15):
    html = client.get(public_explore(), {"indicator": u15.pk, "year": 2013}).content.decode()
    bakum = Area.objects.get(key="03460001")
    assert f'href="/atlas/vechta/areas/{bakum.pk}/">Bakum</a>' in html
    assert "/app/" not in html.split('id="keck-table-wrap"')[1].split("</section>")[0]


def test_a_municipality_without_public_atlas_has_no_public_explorer(client, vechta):
    vechta.public_atlas_enabled = False
    vechta.save()
    assert client.get(public_explore()).status_code == 404


def test_a_municipality_without_released_data_says_so(client, municipality):
    make_tree(municipality, districts=2)
    html = client.get(public_explore("musterstadt")).content.decode()
    assert 'id="keck-map"' not in html
    assert "Es sind noch keine Indikatoren freigegeben." in html


# --- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("districts", [10, 120])
def test_the_explorer_runs_a_constant_number_of_queries(
    client, municipality, member_of, django_assert_num_queries, districts
):
    tree = make_tree(municipality, districts=districts)
    first = count_indicator(municipality)
    second = count_indicator(municipality, name="Kinder unter 3 Jahren")
    for indicator in (first, second):
        store(indicator, 2024, {area: 10 + n for n, area in enumerate(tree["Bezirke"])})
    client.force_login(member_of(municipality, Role.MEMBER))
    query = {
        "indicator": first.pk,
        "indicators": second.pk,
        "bars": f"{first.pk},{second.pk}",
        "chart": "line",
        "areas": "001,002",
    }
    # session, user, memberships (with their municipalities, which also serve the shell's
    # switcher), indicators, their levels, years, releases, levels; the table's areas, all
    # areas and values (one pass for table and bar columns); the line chart's areas and
    # values; the citations
    with django_assert_num_queries(14):
        response = client.get(EXPLORE, query)
    assert len(rows_of(response.content.decode())) == districts
