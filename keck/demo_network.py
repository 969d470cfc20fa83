"""The second demo municipality, Stadt Lohne (Oldenburg), and the KECK network comparison.

Lohne is a town of Landkreis Vechta with its own small atlas: five social areas (Sozialräume)
whose borders are invented for the demo (the real town outline from the BKG's VG5000 cut into a
centre and four sectors; real borders at that level are not available), three demo users, and
five indicators linked to the same starter catalogue entries as Vechta's, with invented but
plausible values 2013–2015, released and opted in to the network comparison together with
Vechta's matching indicators.

The data shows what the comparison must handle: the share of under-15-year-olds comes as a
published table with a `Summe` row (kept as given, a little off the weighted mean of the areas),
the other shares come with numerators and denominators (weighted aggregate), the SGB II share
uses another reference date than the catalogue (flagged), small § 35a counts of a social area
are suppressed in Lohne's own atlas, and 2015 of the non-German children stays an internal
draft. Every write goes through the services; a second run changes nothing.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import Municipality, Role
from accounts.services import add_member, create_municipality
from atlas_data.catalogue import ENTRIES_BY_CODE
from atlas_data.models import Indicator, SpatialLevel
from atlas_data.services import adopt_catalogue, import_areas, import_values, release
from atlas_data.services.indicators import update_indicator
from atlas_data.services.network import set_network_shared

from .demo_atlas import POPULATION, RATE_35A, SHARE_NON_GERMAN, SHARE_SGB2, SHARE_U15

DEMO_DATA = Path(__file__).resolve().parent.parent / "atlas_data" / "demo_data"
LOHNE_SLUG = "lohne"
LOHNE_NAME = "Stadt Lohne (Oldenburg)"
LOHNE_AGS = "03460006"
LOHNE_USERS = [
    ("demo-lohne-admin", Role.MUNICIPAL_ADMIN, "Lars", "Admin"),
    ("demo-lohne-daten", Role.DATA_ADMIN, "Lea", "Daten"),
    ("demo-lohne-mitglied", Role.MEMBER, "Luca", "Mitglied"),
]
LEVEL_NAME = "Sozialräume"
INVENTED = "Erfundene Werte zur Veranschaulichung, keine amtlichen Daten"
INVENTED_NOTE = f"Demo Stadt Lohne: {INVENTED}."
GEOMETRY_NOTE = f"{settings.KECK_BKG_SOURCE_NOTE}; Grenzen der Sozialräume für die Demo erfunden"
YEARS = (2013, 2014, 2015)
# The catalogue entries both demo municipalities compare.
SHARED = (POPULATION, SHARE_U15, SHARE_NON_GERMAN, SHARE_SGB2, RATE_35A)
# Released years per entry: 2015 of the non-German children stays an internal draft.
RELEASES = {
    POPULATION: YEARS,
    SHARE_U15: YEARS,
    SHARE_NON_GERMAN: (2013, 2014),
    SHARE_SGB2: YEARS,
    RATE_35A: YEARS,
}
# The Jobcenter delivers Lohne's SGB II figures at mid-year: the network page flags it.
SGB2_REFERENCE_DATE = "30.06."

# Per social area (key, name): its part of the inhabitants 2013, yearly growth, and invented
# shares: under-15-year-olds (%), non-German children (%), children in SGB II households (%),
# § 35a cases per 1,000 under-21-year-olds.
AREAS = {
    "01": ("Sozialraum Mitte", 0.34, 0.016, 15.6, 10.9, 13.5, 5.6),
    "02": ("Sozialraum Nord", 0.19, 0.012, 17.9, 5.2, 6.9, 4.1),
    "03": ("Sozialraum Ost", 0.15, 0.018, 17.2, 6.1, 7.8, 4.4),
    "04": ("Sozialraum Süd", 0.18, 0.011, 17.6, 5.8, 8.4, 4.9),
    "05": ("Sozialraum West", 0.14, 0.009, 16.9, 6.3, 6.2, 1.6),
}
INHABITANTS_2013 = 25870
# The town's published totals of the share of under-15-year-olds (`Summe` row): they include
# inhabitants without an address in a social area, so they differ a little from the weighted
# mean of the areas.
U15_PUBLISHED = {2013: 16.77, 2014: 16.71, 2015: 16.64}


def load_demo_network(vechta: Municipality) -> Municipality:
    """Lohne with its atlas, and both municipalities' indicators in the network comparison."""
    lohne, _created = create_municipality(
        slug=LOHNE_SLUG, name=LOHNE_NAME, kind=Municipality.Kind.CITY, official_key=LOHNE_AGS
    )
    for username, role, first_name, last_name in LOHNE_USERS:
        add_member(
            municipality=lohne,
            username=username,
            roles=[role],
            email=f"{username}@example.org",
            password=settings.KECK_DEMO_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            update_existing_user=True,
        )
    data_admin = get_user_model().objects.get(username="demo-lohne-daten")
    _areas(lohne)
    indicators = _indicators(lohne, user=data_admin)
    _values(lohne, user=data_admin, indicators=indicators)
    for code, years in RELEASES.items():
        for year in years:
            release(user=data_admin, indicator=indicators[code], year=year)
        set_network_shared(user=data_admin, indicator=indicators[code], shared=True)
    vechta_admin = get_user_model().objects.get(username="demo-data")
    for indicator in Indicator.objects.filter(
        municipality=vechta, catalogue_code__in=SHARED
    ).select_related("municipality", "topic"):
        set_network_shared(user=vechta_admin, indicator=indicator, shared=True)
    return lohne


def split_outline(outline):
    """The town outline cut into a centre (2.2 km around its centroid) and four sectors."""
    from shapely.geometry import Point, Polygon

    centre = outline.centroid
    core = outline.intersection(Point(centre.x, centre.y).buffer(2200, quad_segs=16))
    rest = outline.difference(core)
    reach = 50_000
    x, y = centre.x, centre.y
    corners = {
        "nw": (x - reach, y + reach),
        "ne": (x + reach, y + reach),
        "se": (x + reach, y - reach),
        "sw": (x - reach, y - reach),
    }
    sectors = {
        "02": ("nw", "ne"),  # Nord
        "03": ("ne", "se"),  # Ost
        "04": ("se", "sw"),  # Süd
        "05": ("sw", "nw"),  # West
    }
    parts = {"01": core}
    for key, (first, second) in sectors.items():
        parts[key] = rest.intersection(Polygon([(x, y), corners[first], corners[second]]))
    return parts


def _areas(lohne: Municipality) -> None:
    import geopandas as gpd

    gemeinden = gpd.read_file(DEMO_DATA / "vechta_gemeinden.gpkg")
    outline = gemeinden.loc[gemeinden["AGS"] == LOHNE_AGS, "geometry"].iloc[0]
    parts = split_outline(outline)
    frame = gpd.GeoDataFrame(
        {
            "key": list(parts),
            "name": [AREAS[key][0] for key in parts],
        },
        geometry=list(parts.values()),
        crs=gemeinden.crs,
    )
    with tempfile.TemporaryDirectory() as folder:
        # GeoJSON in WGS 84 (RFC 7946), written as text: no GDAL driver chatter on the console.
        path = Path(folder) / "lohne_sozialraeume.geojson"
        path.write_text(frame.to_crs(4326).to_json(), encoding="utf-8")
        import_areas(
            municipality=lohne,
            path=path,
            level_name=LEVEL_NAME,
            key_field="key",
            name_field="name",
            source_note=GEOMETRY_NOTE,
        )


def _indicators(lohne: Municipality, *, user) -> dict[str, Indicator]:
    """The catalogue's indicators with Lohne's source and limitations; by catalogue code."""
    adopt_catalogue(municipality=lohne, user=user, codes=list(SHARED))
    levels = list(SpatialLevel.objects.filter(municipality=lohne).order_by("depth"))
    by_code = {
        indicator.catalogue_code: indicator
        for indicator in Indicator.objects.filter(
            municipality=lohne, catalogue_code__in=SHARED
        ).select_related("municipality", "topic")
    }
    for code, indicator in by_code.items():
        entry = ENTRIES_BY_CODE[code]
        data = {
            "data_source": f"{entry.data_source} (Demo: {INVENTED})",
            "data_holder": "Stadt Lohne (Oldenburg), Sozialplanung (Demo)",
            "limitations": "\n\n".join(part for part in (entry.limitations, INVENTED_NOTE) if part),
        }
        if code == SHARE_SGB2:
            data["reference_date"] = SGB2_REFERENCE_DATE
        if code == SHARE_U15:
            data["decimals"] = 2  # as the town publishes it: 16,77
        update_indicator(user=user, indicator=indicator, data=data, valid_levels=levels)
    return by_code


def value_rows(indicators: dict[str, Indicator]) -> list[dict]:
    """The invented values with numerators and denominators, as rows of a long table."""
    rows = []
    for key, (_name, part, growth, u15, non_german, sgb2, rate_35a) in AREAS.items():
        for year in YEARS:
            step = year - YEARS[0]
            population = round(INHABITANTS_2013 * part * (1 + growth) ** step)
            children = round(population * (u15 - 0.1 * step) / 100)
            non_german_children = round(children * (non_german + 0.6 * step) / 100)
            in_sgb2 = round(children * (sgb2 + 0.3 * step) / 100)
            under_21 = round(population * 0.235)
            cases = round(under_21 * (rate_35a + 0.2 * step) / 1000)

            def row(code, value="", numerator="", denominator="", key=key, year=year):
                return {
                    "area_key": key,
                    "indicator": indicators[code].pk,
                    "year": year,
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                }

            rows += [
                row(POPULATION, population),
                row(SHARE_NON_GERMAN, numerator=non_german_children, denominator=children),
                row(SHARE_SGB2, numerator=in_sgb2, denominator=children),
                row(RATE_35A, numerator=cases, denominator=under_21),
            ]
    return rows


def u15_table(year: int, indicator: Indicator) -> list[list[str]]:
    """The published table of the share of under-15-year-olds of one year: a `Summe` row (the
    town's total, kept as given) and the social areas, in German number format."""
    step = year - YEARS[0]
    rows = [["Schlüssel", "Gebiet", indicator.name], ["", "Summe", _german(U15_PUBLISHED[year])]]
    for key, (name, _part, _growth, u15, *_rest) in AREAS.items():
        rows.append([key, name, _german(u15 - 0.1 * step)])
    return rows


def _german(number: float) -> str:
    return f"{number:.2f}".replace(".", ",")


def _values(lohne: Municipality, *, user, indicators: dict[str, Indicator]) -> None:
    rows = value_rows(indicators)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lohne_erfunden_2013_2015.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
        import_values(
            municipality=lohne, path=path, level_name=LEVEL_NAME, user=user, source_note=INVENTED
        )
        for year in YEARS:
            path = Path(folder) / f"lohne_anteil_unter_15_{year}.csv"
            with path.open("w", newline="", encoding="utf-8") as file:
                csv.writer(file, delimiter=";").writerows(u15_table(year, indicators[SHARE_U15]))
            import_values(
                municipality=lohne,
                path=path,
                level_name=LEVEL_NAME,
                year=year,
                user=user,
                source_note=INVENTED,
            )
