"""The atlas part of the Vechta demo beyond the published 2013 table: more years and indicators.

The real table covers one year. To show time series, counts with suppression and released next
to draft data, the demo adds clearly labelled synthetic values (2013–2015), computed here from
fixed numbers (no randomness), plausible for the Gemeinden of Landkreis Vechta (6,000 to 32,000
inhabitants), and one published bookmark. Every write goes through the atlas services, and a
second run changes nothing.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model

from accounts.models import Municipality
from atlas_data.catalogue import ENTRIES_BY_CODE
from atlas_data.models import Bookmark, Indicator, SpatialLevel, Topic
from atlas_data.services import adopt_catalogue, import_values, release
from atlas_data.services.bookmarks import create_bookmark, publish_bookmark, update_bookmark
from atlas_data.services.indicators import create_indicator, update_indicator

SYNTHETIC = "Synthetische Werte zur Veranschaulichung, keine amtlichen Daten"
SYNTHETIC_NOTE = f"Demo: {SYNTHETIC}."
YEARS = (2013, 2014, 2015)

# Per Gemeinde (AGS): inhabitants at the end of 2013, yearly growth, the published share of
# under-15-year-olds 2013 (vechta_gemeinden_2013.csv), the share of children in SGB II
# households (%) and § 35a cases per 1,000 under-21-year-olds. All but the published share
# are invented for the demo.
GEMEINDEN = {
    "03460001": (6040, 0.004, 17.53, 3.9, 1.6),  # Bakum
    "03460002": (16330, 0.009, 16.63, 6.8, 3.9),  # Damme
    "03460003": (12720, 0.011, 16.18, 10.4, 4.4),  # Dinklage
    "03460004": (9320, 0.005, 15.81, 7.9, 2.6),  # Goldenstedt
    "03460005": (6830, 0.007, 16.06, 4.1, 1.9),  # Holdorf
    "03460006": (25870, 0.014, 16.77, 9.2, 4.8),  # Lohne (Oldenburg)
    "03460007": (8310, 0.006, 17.06, 5.6, 2.4),  # Neuenkirchen-Vörden
    "03460008": (9740, 0.008, 16.84, 4.7, 2.2),  # Steinfeld (Oldenburg)
    "03460009": (31540, 0.012, 15.03, 11.8, 5.6),  # Vechta
    "03460010": (9620, 0.010, 15.54, 5.3, 2.9),  # Visbek
}
# Published 2013 shares of non-German children (vechta_gemeinden_2013.csv) and the invented
# yearly rise in percentage points.
NON_GERMAN_2013 = {
    "03460001": 4.82,
    "03460002": 3.40,
    "03460003": 4.61,
    "03460004": 4.69,
    "03460005": 2.34,
    "03460006": 7.65,
    "03460007": 6.37,
    "03460008": 5.34,
    "03460009": 6.98,
    "03460010": 6.45,
}
NON_GERMAN_RISE = 0.6

POPULATION = "einwohner"
SHARE_U15 = "anteil-unter-15"
SHARE_NON_GERMAN = "anteil-nichtdeutsche-unter-15"
SHARE_SGB2 = "sgb2-kinder-unter-15"
RATE_35A = "eingliederungshilfe-35a"
CHILDREN = "Kinder unter 15 Jahren"
COUNT_SGB2 = "Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften (Anzahl)"
COUNT_35A = "Eingliederungshilfen nach § 35a SGB VIII (Fälle)"

# Own indicators of the demo (not in the starter catalogue), with their metadata.
OWN_INDICATORS = {
    CHILDREN: {
        "topic": "demografie",
        "short_name": "Kinder unter 15",
        "definition": "Zahl der Kinder im Alter von 0 bis unter 15 Jahren mit Hauptwohnung im "
        "Gebiet.",
        "unit": "Personen",
        "kind": Indicator.Kind.COUNT,
        "decimals": 0,
        "polarity": Indicator.Polarity.NEUTRAL,
        "reference_date": "31.12.",
        "data_holder": "Landkreis Vechta, Sozialplanung (Demo)",
        "interpretation": "Nenner der Anteile von Kindern unter 15 Jahren.",
    },
    COUNT_SGB2: {
        "topic": "soziale-lage",
        "short_name": "SGB II unter 15 (Anzahl)",
        "definition": "Nicht erwerbsfähige Leistungsberechtigte unter 15 Jahren in "
        "Bedarfsgemeinschaften nach dem SGB II.",
        "unit": "Personen",
        "kind": Indicator.Kind.COUNT,
        "decimals": 0,
        "polarity": Indicator.Polarity.HIGHER_WORSE,
        "reference_date": "31.12.",
        "data_holder": "Jobcenter Landkreis Vechta (Demo)",
        "interpretation": "Zähler des Anteils der Kinder in SGB-II-Bedarfsgemeinschaften.",
    },
    COUNT_35A: {
        "topic": "jugendhilfe",
        "short_name": "§ 35a (Fälle)",
        "definition": "Laufende und im Jahr beendete Eingliederungshilfen nach § 35a SGB VIII "
        "für Kinder und Jugendliche unter 21 Jahren mit Wohnort im Gebiet.",
        "unit": "Fälle",
        "kind": Indicator.Kind.COUNT,
        "decimals": 0,
        "polarity": Indicator.Polarity.NEUTRAL,
        "reference_date": "Kalenderjahr",
        "data_holder": "Jugendamt Landkreis Vechta (Demo)",
        "interpretation": "Kleine Fallzahlen: In kleinen Gemeinden erscheinen Werte von 0 bis 3 "
        "als „k. A.“ (Datenschutz).",
    },
}
# Released years per indicator (by catalogue code or name); the § 35a rate stays a draft.
RELEASES = {
    SHARE_U15: (2013, 2014, 2015),
    SHARE_NON_GERMAN: (2013,),
    POPULATION: YEARS,
    CHILDREN: YEARS,
    COUNT_SGB2: (2014, 2015),
    SHARE_SGB2: (2014, 2015),
    COUNT_35A: (2015,),
}
BOOKMARK_TITLE = "Kinderarmut 2015: Kinder in SGB-II-Bedarfsgemeinschaften"
BOOKMARK_TEXT = (
    "In den Städten Vechta und Lohne sowie in Dinklage leben anteilig die meisten Kinder "
    "unter 15 Jahren in SGB-II-Bedarfsgemeinschaften, in Bakum und Holdorf die wenigsten. "
    "Der Abstand zwischen den Gemeinden ist seit 2014 kaum kleiner geworden. "
    "Die Sozialplanungskonferenz schlägt vor, die Angebote der Familienzentren zuerst in "
    "Vechta und Dinklage zu stärken.\n\n"
    "Hinweis: Die Zahlen dieser Demo sind synthetische Werte zur Veranschaulichung, keine "
    "amtlichen Daten."
)
DRAFT_BOOKMARK_TITLE = "Entwurf: Kinder unter 15 und nichtdeutsche Kinder 2015"


def load_demo_atlas(municipality: Municipality) -> None:
    user_model = get_user_model()
    data_admin = user_model.objects.get(username="demo-data")
    member = user_model.objects.get(username="demo-mitglied")
    levels = list(SpatialLevel.objects.filter(municipality=municipality).order_by("depth"))
    indicators = _indicators(municipality=municipality, user=data_admin, levels=levels)
    _values(municipality=municipality, user=data_admin, indicators=indicators)
    for ref, years in RELEASES.items():
        for year in years:
            release(user=data_admin, indicator=indicators[ref], year=year)
    _bookmarks(
        municipality=municipality,
        author=member,
        publisher=data_admin,
        indicators=indicators,
        level=levels[-1],
    )


def _indicators(*, municipality, user, levels) -> dict[str, Indicator]:
    """The demo's indicators by catalogue code or name, with complete metadata."""
    adopt_catalogue(
        municipality=municipality,
        user=user,
        codes=[POPULATION, SHARE_SGB2, RATE_35A],
    )
    topics = {topic.code: topic for topic in Topic.objects.filter(municipality=municipality)}
    by_code = {
        indicator.catalogue_code: indicator
        for indicator in Indicator.objects.filter(
            municipality=municipality, catalogue_code__gt=""
        ).select_related("municipality", "topic")
    }
    result: dict[str, Indicator] = {}
    for code in (SHARE_U15, SHARE_NON_GERMAN):
        # Real values for 2013, synthetic ones after: the limitations say so.
        entry = ENTRIES_BY_CODE[code]
        limitations = "\n\n".join(
            part
            for part in (
                entry.limitations,
                f"Demo: Die Werte 2013 sind veröffentlichte Werte des Landkreises Vechta; "
                f"die Werte 2014 und 2015 sind {SYNTHETIC[0].lower()}{SYNTHETIC[1:]}.",
            )
            if part
        )
        update_indicator(
            user=user,
            indicator=by_code[code],
            data={"limitations": limitations},
            valid_levels=levels,
        )
        result[code] = by_code[code]
    for code in (POPULATION, SHARE_SGB2, RATE_35A):
        update_indicator(
            user=user,
            indicator=by_code[code],
            data={"data_source": SYNTHETIC, "limitations": SYNTHETIC_NOTE},
            valid_levels=levels,
        )
        result[code] = by_code[code]
    existing = {
        indicator.name: indicator
        for indicator in Indicator.objects.filter(
            municipality=municipality, name__in=list(OWN_INDICATORS)
        ).select_related("municipality", "topic")
    }
    for name, spec in OWN_INDICATORS.items():
        data = {
            **spec,
            "name": name,
            "topic": topics[spec["topic"]],
            "data_source": SYNTHETIC,
            "limitations": SYNTHETIC_NOTE,
        }
        if name in existing:
            update_indicator(user=user, indicator=existing[name], data=data, valid_levels=levels)
            result[name] = existing[name]
        else:
            result[name] = create_indicator(
                user=user, municipality=municipality, data=data, valid_levels=levels
            )
    return result


def synthetic_rows(indicators: dict[str, Indicator]) -> list[dict]:
    """The synthetic values as rows of a long table (area_key, indicator, year, numbers)."""
    rows = []
    for number, (key, (inhabitants, growth, share_u15, sgb2, cases_35a)) in enumerate(
        GEMEINDEN.items()
    ):
        for year in YEARS:
            step = year - YEARS[0]
            population = round(inhabitants * (1 + growth) ** step)
            # The share of children drifts by up to 0.1 points a year, differently per Gemeinde.
            share = share_u15 - 0.12 * step * ((number % 3) - 0.5)
            children = round(population * (share_u15 if step == 0 else share) / 100)
            in_sgb2 = round(children * (sgb2 + 0.3 * step * ((number % 2) * 2 - 1)) / 100)
            under_21 = round(population * (0.235 - (0.01 if share < 16 else 0)))
            cases = round(under_21 * (cases_35a + 0.25 * step) / 1000)
            non_german = round(children * (NON_GERMAN_2013[key] + NON_GERMAN_RISE * step) / 100)

            def row(ref, value="", numerator="", denominator="", key=key, year=year):
                return {
                    "area_key": key,
                    "indicator": indicators[ref].pk,
                    "year": year,
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                }

            rows += [
                row(POPULATION, population),
                row(CHILDREN, children),
                row(COUNT_SGB2, in_sgb2),
                row(SHARE_SGB2, numerator=in_sgb2, denominator=children),
                row(COUNT_35A, cases),
                row(RATE_35A, numerator=cases, denominator=under_21),
            ]
            if step:  # 2013 of these two is the published table
                rows += [
                    row(SHARE_U15, numerator=children, denominator=population),
                    row(SHARE_NON_GERMAN, numerator=non_german, denominator=children),
                ]
    return rows


def _values(*, municipality, user, indicators) -> None:
    rows = synthetic_rows(indicators)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vechta_synthetisch_2013_2015.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            writer.writerows(rows)
        import_values(
            municipality=municipality,
            path=path,
            level_name="Gemeinden",
            user=user,
            source_note=SYNTHETIC,
        )


def _bookmarks(*, municipality, author, publisher, indicators, level) -> None:
    specs = [
        (
            BOOKMARK_TITLE,
            BOOKMARK_TEXT,
            Bookmark.View.MAP,
            {
                "level": level.slug,
                "indicator": str(indicators[SHARE_SGB2].pk),
                "bars": str(indicators[COUNT_SGB2].pk),
                "year": "2015",
                "method": "quantiles",
                "classes": "4",
            },
            True,
        ),
        (
            DRAFT_BOOKMARK_TITLE,
            "Noch nicht freigegeben: die nichtdeutschen Kinder 2015 sind ein Entwurf.",
            Bookmark.View.TABLE,
            {
                "level": level.slug,
                "indicator": str(indicators[SHARE_U15].pk),
                "indicators": str(indicators[SHARE_NON_GERMAN].pk),
                "year": "2015",
            },
            False,
        ),
    ]
    existing = {
        bookmark.title: bookmark
        for bookmark in Bookmark.objects.filter(municipality=municipality).select_related(
            "municipality"
        )
    }
    for title, text, view, state, published in specs:
        bookmark = existing.get(title)
        if bookmark is None:
            bookmark = create_bookmark(
                user=author,
                municipality=municipality,
                title=title,
                interpretation=text,
                view=view,
                state=state,
            )
        else:
            update_bookmark(
                user=publisher, bookmark=bookmark, interpretation=text, view=view, state=state
            )
        if published:
            publish_bookmark(user=publisher, bookmark=bookmark)
