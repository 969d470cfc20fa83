"""Institution-level values in the Vechta demo: the aggregated results of an (invented)
structured observation per Kita, 2013–2015 — the share of observed children with a strong
interest in science, with the observed children as denominator.

The numbers are invented and marked so in the source note. They are plausible (a quarter to
a half of the children, 14 to 36 observed per Kita) and lean against the share of children in
SGB II households of the Gemeinde, so that the comparison page shows a pattern. Some groups
are small on purpose: the Waldkindergarten every year, Kita Sternschnuppe in 2014, Kita Vörden
in 2015 (all but three children) and Kita Holdorf in 2013, the only Kita of its Gemeinde, so
that the demo shows primary and secondary suppression of institutions and areas. Released for
2014 and 2015, like the SGB II share. Krippen observe no children of that age and report
nothing. Everything goes through the import service (a CSV written on the fly); a second run
changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model

from accounts.models import Municipality
from atlas_data.catalogue import TOPICS_BY_CODE
from atlas_data.models import Indicator, PoiCategory, SpatialLevel, Topic
from atlas_data.services import release
from atlas_data.services.indicators import create_indicator, update_indicator
from atlas_data.services.institutions import import_institution_values

from .demo_atlas import SYNTHETIC

NAME = "Anteil beobachteter Kinder mit starkem naturwissenschaftlichem Interesse"
CATEGORY = "kita"  # the POI category that reports the values
YEARS = (2013, 2014, 2015)
RELEASED = (2014, 2015)
SOURCE_NOTE = (
    "Demo: erfundene Ergebnisse einer strukturierten Beobachtung je Kita, keine echten Daten"
)
METADATA = {
    "short_name": "Naturwiss. Interesse (Kita-Beobachtung)",
    "definition": (
        "Anteil der im Jahr strukturiert beobachteten Kinder im Alter von 4 bis 6 Jahren, bei "
        "denen die Fachkräfte ein starkes Interesse an naturwissenschaftlichen Fragen "
        "beobachtet haben, an allen beobachteten Kindern der Kita."
    ),
    "unit": "%",
    "kind": Indicator.Kind.SHARE,
    "rate_base": 100,
    "decimals": 1,
    "data_source": SYNTHETIC,
    "data_holder": "Jugendamt Landkreis Vechta, Kita-Fachberatung (Demo)",
    "reference_date": "Kita-Jahr, Stand 31.07.",
    "polarity": Indicator.Polarity.HIGHER_BETTER,
    "numerator_definition": "Beobachtete Kinder mit starkem naturwissenschaftlichem Interesse",
    "denominator_definition": "Beobachtete Kinder der Kita",
    "limitations": (
        f"{SYNTHETIC}: erfundene Ergebnisse einer strukturierten Beobachtung. Kleine "
        "Gruppen (bis 3 Kinder, auch „alle bis auf 3“) erscheinen als „k. A.“; "
        "Gebietswerte sind nach beobachteten Kindern gewichtet und enthalten nur Kitas mit "
        "Beobachtung."
    ),
    "interpretation": (
        "Ein Muster zwischen Kita-Ergebnissen und der sozialen Lage des Sozialraums ist eine "
        "Frage an die Sozialraumkonferenz, kein Urteil über eine Kita."
    ),
    "observation_unit": Indicator.ObservationUnit.INSTITUTION,
}
# Per Kita: (observed children, children with strong interest) for 2013, 2014, 2015.
RESULTS = {
    "Kita Sonnenblume": ((28, 7), (30, 8), (31, 9)),
    "Kita Regenbogen": ((22, 6), (24, 6), (25, 7)),
    "Kita Am Stadtpark": ((34, 9), (36, 10), (35, 11)),
    "Waldkindergarten Füchse": ((7, 3), (8, 5), (8, 6)),
    "Kita St. Josef": ((32, 10), (33, 11), (34, 11)),
    "Kita Pusteblume": ((26, 8), (27, 9), (26, 9)),
    "Kita Kunterbunt": ((18, 5), (19, 6), (20, 6)),
    "Kita Dümmerkinder": ((27, 10), (28, 10), (29, 11)),
    "Kita Arche Noah": ((22, 8), (23, 9), (22, 8)),
    "Kita Burg Dinklage": ((30, 8), (31, 9), (32, 9)),
    "Kita Sternschnuppe": ((17, 4), (16, 3), (18, 5)),
    "Kita Bakum": ((22, 9), (23, 9), (24, 10)),
    "Kita Goldenstedt": ((24, 8), (25, 9), (25, 9)),
    "Kita Holdorf": ((20, 3), (21, 9), (22, 9)),
    "Kita Neuenkirchen": ((19, 7), (20, 8), (21, 8)),
    "Kita Vörden": ((14, 6), (15, 6), (15, 12)),
    "Kita Steinfeld": ((25, 10), (26, 10), (26, 11)),
    "Kita Visbek": ((26, 9), (27, 10), (28, 10)),
}


def load_demo_institutions(municipality: Municipality) -> Indicator:
    """The institution-level indicator with its values per Kita, rolled up and released."""
    data_admin = get_user_model().objects.get(username="demo-data")
    indicator = _indicator(municipality, data_admin)
    with tempfile.TemporaryDirectory(prefix="keck-demo-institutions-") as folder:
        path = Path(folder) / "kita-beobachtung.csv"
        lines = ["Einrichtung;Jahr;Zähler;Nenner;Quelle"]
        for name, results in RESULTS.items():
            for year, (observed, interested) in zip(YEARS, results, strict=True):
                lines.append(f"{name};{year};{interested};{observed};{SOURCE_NOTE}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        import_institution_values(
            municipality=municipality, path=path, user=data_admin, indicator=indicator
        )
    for year in RELEASED:
        release(user=data_admin, indicator=indicator, year=year)
    return indicator


def _indicator(municipality: Municipality, user) -> Indicator:
    # Only the Kitas report the observation; a value of another POI would be refused.
    kitas = PoiCategory.objects.get(municipality=municipality, code=CATEGORY)
    existing = (
        Indicator.objects.filter(municipality=municipality, name=NAME)
        .select_related("municipality", "topic", "institution_category")
        .first()
    )
    if existing is not None:
        if existing.institution_category_id is None:  # a demo loaded before the field existed
            update_indicator(user=user, indicator=existing, data={"institution_category": kitas})
        return existing
    spec = TOPICS_BY_CODE["bildung"]
    topic, _created = Topic.objects.get_or_create(
        municipality=municipality,
        code=spec.code,
        defaults={"name": spec.name, "order": spec.order},
    )
    return create_indicator(
        user=user,
        municipality=municipality,
        data={"name": NAME, "topic": topic, "institution_category": kitas, **METADATA},
        valid_levels=SpatialLevel.objects.filter(municipality=municipality),
    )
