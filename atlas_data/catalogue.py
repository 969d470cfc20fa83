"""The starter catalogue: well-known KECK-style indicators (metadata only) a municipality can adopt.

Written for KECK in its own words, following the topics and examples of domain.md §3. The texts
are data, not user interface, so they are German and not translated. Data sources and holders
name the usual ones; a municipality adjusts them to its own offices after adopting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COUNT, SHARE, RATE, MEAN = "count", "share", "rate", "mean"
BETTER, WORSE, NEUTRAL = "higher_better", "higher_worse", "neutral"


@dataclass(frozen=True)
class CatalogueTopic:
    code: str
    name: str
    order: int


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    topic: str
    name: str
    short_name: str
    definition: str
    unit: str
    kind: str
    polarity: str
    data_source: str
    data_holder: str
    reference_date: str
    numerator: str = ""
    denominator: str = ""
    rate_base: int = 100
    decimals: int = 1
    update_rhythm: str = "jährlich"
    interpretation: str = ""
    limitations: str = ""
    size_reference: str = ""
    # Other names under which published tables carry the indicator; adopting links an
    # existing indicator of such a name instead of creating a second one.
    aliases: tuple[str, ...] = field(default_factory=tuple)


TOPICS = (
    CatalogueTopic("demografie", "Demografie", 10),
    CatalogueTopic("soziale-lage", "Soziale Lage", 20),
    CatalogueTopic("familie", "Familie", 30),
    CatalogueTopic("bildung", "Bildung", 40),
    CatalogueTopic("gesundheit", "Gesundheit", 50),
    CatalogueTopic("wohnen", "Wohnen und Wohnumfeld", 60),
    CatalogueTopic("arbeit", "Arbeit", 70),
    CatalogueTopic("jugendhilfe", "Kinder- und Jugendhilfe", 80),
    CatalogueTopic("infrastruktur", "Infrastruktur", 90),
)

_MELDEREGISTER = "Einwohnermelderegister"
_STATISTIKSTELLE = "Kommunale Statistikstelle / Einwohnermeldeamt"
_BA = "Statistik der Bundesagentur für Arbeit"
_JUGENDAMT = "Jugendamt"
_GESUNDHEITSAMT = "Gesundheitsamt (Kinder- und Jugendärztlicher Dienst)"
_SEU = "Schuleingangsuntersuchung"
_SEU_DATE = "Untersuchungsjahrgang (Einschulung im Sommer des Jahres)"
_SEU_LIMITS = (
    "Wohnort zum Zeitpunkt der Untersuchung; in kleinen Gebieten wenige untersuchte Kinder je "
    "Jahrgang, daher schwankende Werte und häufige Geheimhaltung."
)

ENTRIES = (
    # Demografie
    CatalogueEntry(
        code="einwohner",
        topic="demografie",
        name="Einwohnerinnen und Einwohner",
        short_name="Einwohner",
        definition="Zahl der Personen mit Haupt- oder alleiniger Wohnung im Gebiet.",
        unit="Personen",
        kind=COUNT,
        decimals=0,
        polarity=NEUTRAL,
        data_source=_MELDEREGISTER,
        data_holder=_STATISTIKSTELLE,
        reference_date="31.12.",
        interpretation="Grundgröße für Anteile und für die Größe der Sozialräume.",
        size_reference="population",
        aliases=("Anzahl Einwohner", "Einwohner", "Bevölkerung", "Einwohnerzahl"),
    ),
    CatalogueEntry(
        code="kinder-unter-6",
        topic="demografie",
        name="Kinder unter 6 Jahren",
        short_name="Kinder u6",
        definition="Zahl der Kinder im Alter von 0 bis unter 6 Jahren mit Hauptwohnung im Gebiet.",
        unit="Personen",
        kind=COUNT,
        decimals=0,
        polarity=NEUTRAL,
        data_source=_MELDEREGISTER,
        data_holder=_STATISTIKSTELLE,
        reference_date="31.12.",
        interpretation=(
            "Zeigt, ob ein Gebiet groß genug ist: eine Beobachtungseinheit sollte mindestens "
            "50 Kinder einer Altersgruppe umfassen."
        ),
        size_reference="children",
    ),
    CatalogueEntry(
        code="anteil-unter-15",
        topic="demografie",
        name="Anteil unter 15-Jähriger an der Gesamtbevölkerung",
        short_name="Anteil unter 15",
        definition=("Kinder unter 15 Jahren je 100 Einwohnerinnen und Einwohner des Gebiets."),
        unit="%",
        kind=SHARE,
        polarity=NEUTRAL,
        numerator="Einwohner unter 15 Jahren",
        denominator="Einwohner insgesamt",
        data_source=_MELDEREGISTER,
        data_holder=_STATISTIKSTELLE,
        reference_date="31.12.",
        interpretation=(
            "Hohe Anteile zeigen, wo besonders viele Angebote für Kinder gebraucht werden."
        ),
        aliases=("Anteil unter 15-Jähriger", "Anteil der unter 15-Jährigen"),
    ),
    CatalogueEntry(
        code="anteil-nichtdeutsche-unter-15",
        topic="demografie",
        name="Anteil Nicht-Deutsche unter 15 Jahren an allen unter 15-Jährigen",
        short_name="Nichtdeutsche Kinder",
        definition=(
            "Kinder unter 15 Jahren ohne deutsche Staatsangehörigkeit je 100 Kinder unter "
            "15 Jahren des Gebiets."
        ),
        unit="%",
        kind=SHARE,
        polarity=NEUTRAL,
        numerator="Kinder unter 15 Jahren ohne deutsche Staatsangehörigkeit",
        denominator="Kinder unter 15 Jahren",
        data_source=_MELDEREGISTER,
        data_holder=_STATISTIKSTELLE,
        reference_date="31.12.",
        limitations=(
            "Erfasst nur die Staatsangehörigkeit, nicht einen Migrationshintergrund; Kinder mit "
            "doppelter Staatsangehörigkeit zählen als deutsch."
        ),
        aliases=("Anteil nichtdeutscher Kinder", "Nichtdeutsche Kinder unter 15 Jahren"),
    ),
    # Soziale Lage
    CatalogueEntry(
        code="sgb2-kinder-unter-15",
        topic="soziale-lage",
        name="Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften",
        short_name="SGB II unter 15",
        definition=(
            "Nicht erwerbsfähige Leistungsberechtigte unter 15 Jahren in Bedarfsgemeinschaften "
            "nach dem SGB II je 100 Kinder unter 15 Jahren."
        ),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="Kinder unter 15 Jahren in SGB-II-Bedarfsgemeinschaften",
        denominator="Einwohner unter 15 Jahren",
        data_source=_BA + " (Grundsicherung für Arbeitsuchende)",
        data_holder="Jobcenter / kommunale Statistikstelle",
        reference_date="31.12.",
        update_rhythm="jährlich (Daten mit drei Monaten Wartezeit)",
        interpretation="Gilt als wichtigster Hinweis auf Kinderarmut im Gebiet.",
        aliases=("SGB-II-Quote unter 15-Jähriger", "Kinder in Bedarfsgemeinschaften"),
    ),
    CatalogueEntry(
        code="sgb2-quote",
        topic="soziale-lage",
        name="SGB-II-Quote",
        short_name="SGB-II-Quote",
        definition=(
            "Leistungsberechtigte Personen in Bedarfsgemeinschaften nach dem SGB II je 100 "
            "Einwohnerinnen und Einwohner unter 65 Jahren."
        ),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="Leistungsberechtigte in SGB-II-Bedarfsgemeinschaften",
        denominator="Einwohner unter 65 Jahren",
        data_source=_BA + " (Grundsicherung für Arbeitsuchende)",
        data_holder="Jobcenter / kommunale Statistikstelle",
        reference_date="31.12.",
    ),
    CatalogueEntry(
        code="grundsicherung-im-alter",
        topic="soziale-lage",
        name="Grundsicherung im Alter je 1.000 Einwohner ab 65 Jahren",
        short_name="Grundsicherung im Alter",
        definition=(
            "Empfängerinnen und Empfänger von Grundsicherung im Alter (4. Kapitel SGB XII) ab "
            "der Regelaltersgrenze je 1.000 Einwohnerinnen und Einwohner ab 65 Jahren."
        ),
        unit="je 1.000",
        kind=RATE,
        rate_base=1000,
        polarity=WORSE,
        numerator="Empfänger von Grundsicherung im Alter",
        denominator="Einwohner ab 65 Jahren",
        data_source="Statistik der Grundsicherung im Alter und bei Erwerbsminderung",
        data_holder="Sozialamt",
        reference_date="31.12.",
        interpretation="Zeigt Altersarmut im Umfeld der Familien (Großeltern).",
    ),
    CatalogueEntry(
        code="wohngeld-haushalte",
        topic="soziale-lage",
        name="Haushalte mit Wohngeld je 100 Haushalte",
        short_name="Wohngeld",
        definition="Haushalte, die Wohngeld beziehen, je 100 Privathaushalte des Gebiets.",
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="Haushalte mit Wohngeldbezug",
        denominator="Privathaushalte",
        data_source="Wohngeldstatistik",
        data_holder="Wohngeldstelle",
        reference_date="31.12.",
        interpretation="Erfasst geringe Einkommen knapp oberhalb der Grundsicherung.",
    ),
    # Familie
    CatalogueEntry(
        code="alleinerziehende",
        topic="familie",
        name="Alleinerziehenden-Haushalte",
        short_name="Alleinerziehende",
        definition=(
            "Haushalte mit einer erwachsenen Person und mindestens einem minderjährigen Kind je "
            "100 Haushalte mit minderjährigen Kindern."
        ),
        unit="%",
        kind=SHARE,
        polarity=NEUTRAL,
        numerator="Haushalte von Alleinerziehenden mit Kindern unter 18 Jahren",
        denominator="Haushalte mit Kindern unter 18 Jahren",
        data_source="Haushaltegenerierung aus dem Melderegister",
        data_holder=_STATISTIKSTELLE,
        reference_date="31.12.",
        limitations=(
            "Die Haushaltegenerierung schätzt Haushalte aus Meldedaten; nichteheliche "
            "Lebensgemeinschaften können als Alleinerziehende erscheinen."
        ),
        aliases=("Anteil Alleinerziehender", "Alleinerziehende Haushalte"),
    ),
    CatalogueEntry(
        code="kinderreiche-haushalte",
        topic="familie",
        name="Haushalte mit drei und mehr Kindern",
        short_name="Kinderreiche Haushalte",
        definition=(
            "Haushalte mit drei oder mehr minderjährigen Kindern je 100 Haushalte mit "
            "minderjährigen Kindern."
        ),
        unit="%",
        kind=SHARE,
        polarity=NEUTRAL,
        numerator="Haushalte mit drei und mehr Kindern unter 18 Jahren",
        denominator="Haushalte mit Kindern unter 18 Jahren",
        data_source="Haushaltegenerierung aus dem Melderegister",
        data_holder=_STATISTIKSTELLE,
        reference_date="31.12.",
    ),
    CatalogueEntry(
        code="zuzuege-familien",
        topic="familie",
        name="Zuzüge von Kindern unter 18 Jahren je 1.000 Kinder",
        short_name="Zuzüge Kinder",
        definition=(
            "Über die Gebietsgrenze zugezogene Kinder unter 18 Jahren im Jahr je 1.000 Kinder "
            "unter 18 Jahren; Umzüge innerhalb des Gebiets zählen nicht."
        ),
        unit="je 1.000",
        kind=RATE,
        rate_base=1000,
        polarity=NEUTRAL,
        numerator="zugezogene Kinder unter 18 Jahren im Kalenderjahr",
        denominator="Kinder unter 18 Jahren am 31.12.",
        data_source="Wanderungsstatistik aus dem Melderegister",
        data_holder=_STATISTIKSTELLE,
        reference_date="Kalenderjahr",
        interpretation="Zusammen mit den Fortzügen: wo Familien hinziehen und wo sie wegziehen.",
    ),
    CatalogueEntry(
        code="fortzuege-familien",
        topic="familie",
        name="Fortzüge von Kindern unter 18 Jahren je 1.000 Kinder",
        short_name="Fortzüge Kinder",
        definition=(
            "Über die Gebietsgrenze fortgezogene Kinder unter 18 Jahren im Jahr je 1.000 Kinder "
            "unter 18 Jahren."
        ),
        unit="je 1.000",
        kind=RATE,
        rate_base=1000,
        polarity=NEUTRAL,
        numerator="fortgezogene Kinder unter 18 Jahren im Kalenderjahr",
        denominator="Kinder unter 18 Jahren am 31.12.",
        data_source="Wanderungsstatistik aus dem Melderegister",
        data_holder=_STATISTIKSTELLE,
        reference_date="Kalenderjahr",
    ),
    # Bildung
    CatalogueEntry(
        code="betreuungsquote-unter-3",
        topic="bildung",
        name="Betreuungsquote der Kinder unter 3 Jahren",
        short_name="Betreuung u3",
        definition=(
            "Kinder unter 3 Jahren in Kindertageseinrichtungen oder Kindertagespflege je 100 "
            "Kinder unter 3 Jahren; gezählt am Wohnort des Kindes."
        ),
        unit="%",
        kind=SHARE,
        polarity=BETTER,
        numerator="betreute Kinder unter 3 Jahren (Kita und Tagespflege)",
        denominator="Kinder unter 3 Jahren",
        data_source="Kita-Bedarfsplanung, Statistik der Kindertagesbetreuung",
        data_holder=_JUGENDAMT,
        reference_date="01.03.",
        aliases=("Betreuungsquote U3", "Betreuungsquote unter 3"),
    ),
    CatalogueEntry(
        code="betreuungsquote-3-bis-6",
        topic="bildung",
        name="Betreuungsquote der Kinder von 3 bis unter 6 Jahren",
        short_name="Betreuung 3–6",
        definition=(
            "Kinder von 3 bis unter 6 Jahren in Kindertageseinrichtungen oder "
            "Kindertagespflege je 100 Kinder dieses Alters; gezählt am Wohnort des Kindes."
        ),
        unit="%",
        kind=SHARE,
        polarity=BETTER,
        numerator="betreute Kinder von 3 bis unter 6 Jahren",
        denominator="Kinder von 3 bis unter 6 Jahren",
        data_source="Kita-Bedarfsplanung, Statistik der Kindertagesbetreuung",
        data_holder=_JUGENDAMT,
        reference_date="01.03.",
        aliases=("Betreuungsquote Ü3", "Betreuungsquote 3 bis 6"),
    ),
    CatalogueEntry(
        code="uebergang-gymnasium",
        topic="bildung",
        name="Übergänge auf das Gymnasium",
        short_name="Übergang Gymnasium",
        definition=(
            "Schülerinnen und Schüler, die nach der Grundschule auf ein Gymnasium wechseln, je "
            "100 Schülerinnen und Schüler der 4. Klassen; zugeordnet nach Wohnort."
        ),
        unit="%",
        kind=SHARE,
        polarity=BETTER,
        numerator="Wechsel von Klasse 4 auf ein Gymnasium",
        denominator="Schüler der 4. Klassen am Schuljahresende",
        data_source="Schulstatistik",
        data_holder="Schulamt / Schulverwaltungsamt",
        reference_date="Schuljahr",
        limitations="Schulformwechsel nach Klasse 5 bleiben unberücksichtigt.",
    ),
    CatalogueEntry(
        code="ohne-abschluss",
        topic="bildung",
        name="Schulabgänge ohne Hauptschulabschluss",
        short_name="Ohne Abschluss",
        definition=(
            "Abgängerinnen und Abgänger allgemeinbildender Schulen ohne mindestens den "
            "Hauptschulabschluss je 100 Abgänge; zugeordnet nach Wohnort."
        ),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="Schulabgänge ohne Hauptschulabschluss",
        denominator="Schulabgänge allgemeinbildender Schulen",
        data_source="Schulstatistik",
        data_holder="Schulamt / Schulverwaltungsamt",
        reference_date="Schuljahr",
    ),
    # Gesundheit
    CatalogueEntry(
        code="seu-uebergewicht",
        topic="gesundheit",
        name="Übergewicht bei der Schuleingangsuntersuchung",
        short_name="Übergewicht (SEU)",
        definition=(
            "Untersuchte Kinder mit Übergewicht einschließlich Adipositas (BMI über dem "
            "90. Perzentil der Referenzwerte nach Kromeyer-Hauschild) je 100 untersuchte Kinder."
        ),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="untersuchte Kinder mit Übergewicht oder Adipositas",
        denominator="untersuchte Kinder mit Messung von Größe und Gewicht",
        data_source=_SEU,
        data_holder=_GESUNDHEITSAMT,
        reference_date=_SEU_DATE,
        limitations=_SEU_LIMITS,
    ),
    CatalogueEntry(
        code="seu-sprache",
        topic="gesundheit",
        name="Sprachauffälligkeiten bei der Schuleingangsuntersuchung",
        short_name="Sprache (SEU)",
        definition=(
            "Untersuchte Kinder mit auffälligem Befund im Sprachscreening (Aussprache, "
            "Grammatik oder Wortschatz) je 100 untersuchte Kinder."
        ),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="untersuchte Kinder mit auffälligem Sprachbefund",
        denominator="untersuchte Kinder mit Sprachscreening",
        data_source=_SEU,
        data_holder=_GESUNDHEITSAMT,
        reference_date=_SEU_DATE,
        limitations=_SEU_LIMITS
        + " Kinder mit anderer Familiensprache werden je nach Land getrennt ausgewiesen.",
    ),
    CatalogueEntry(
        code="seu-impfpass",
        topic="gesundheit",
        name="Vorgelegte Impfpässe bei der Schuleingangsuntersuchung",
        short_name="Impfpass vorgelegt (SEU)",
        definition=(
            "Untersuchte Kinder, die einen Impfpass vorgelegt haben, je 100 untersuchte Kinder."
        ),
        unit="%",
        kind=SHARE,
        polarity=BETTER,
        numerator="untersuchte Kinder mit vorgelegtem Impfpass",
        denominator="untersuchte Kinder",
        data_source=_SEU,
        data_holder=_GESUNDHEITSAMT,
        reference_date=_SEU_DATE,
        interpretation=(
            "Ein fehlender Impfpass weist oft auf wenig Kontakt zum Gesundheitswesen hin."
        ),
        limitations=_SEU_LIMITS,
    ),
    CatalogueEntry(
        code="seu-frueherkennung",
        topic="gesundheit",
        name="Vollständige Früherkennungsuntersuchungen U1 bis U9",
        short_name="U1–U9 vollständig (SEU)",
        definition=(
            "Untersuchte Kinder, deren Vorsorgeheft alle Früherkennungsuntersuchungen U1 bis U9 "
            "belegt, je 100 untersuchte Kinder mit vorgelegtem Vorsorgeheft."
        ),
        unit="%",
        kind=SHARE,
        polarity=BETTER,
        numerator="Kinder mit vollständigen U1 bis U9",
        denominator="untersuchte Kinder mit vorgelegtem Vorsorgeheft",
        data_source=_SEU,
        data_holder=_GESUNDHEITSAMT,
        reference_date=_SEU_DATE,
        limitations=_SEU_LIMITS,
    ),
    # Arbeit
    CatalogueEntry(
        code="jugendarbeitslosigkeit",
        topic="arbeit",
        name="Jugendarbeitslosigkeit",
        short_name="Jugendarbeitslosigkeit",
        definition=(
            "Arbeitslose unter 25 Jahren je 100 Einwohnerinnen und Einwohner von 15 bis unter "
            "25 Jahren (Arbeitslosenanteil, da kleinräumig keine Erwerbspersonen vorliegen)."
        ),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="Arbeitslose unter 25 Jahren (SGB II und SGB III)",
        denominator="Einwohner von 15 bis unter 25 Jahren",
        data_source=_BA,
        data_holder="Agentur für Arbeit / kommunale Statistikstelle",
        reference_date="30.06.",
        limitations="Nicht vergleichbar mit der amtlichen Arbeitslosenquote.",
    ),
    CatalogueEntry(
        code="arbeitslosenanteil",
        topic="arbeit",
        name="Arbeitslosenanteil",
        short_name="Arbeitslose",
        definition=("Arbeitslose je 100 Einwohnerinnen und Einwohner von 15 bis unter 65 Jahren."),
        unit="%",
        kind=SHARE,
        polarity=WORSE,
        numerator="Arbeitslose (SGB II und SGB III)",
        denominator="Einwohner von 15 bis unter 65 Jahren",
        data_source=_BA,
        data_holder="Agentur für Arbeit / kommunale Statistikstelle",
        reference_date="30.06.",
    ),
    # Kinder- und Jugendhilfe
    CatalogueEntry(
        code="hilfen-zur-erziehung",
        topic="jugendhilfe",
        name="Hilfen zur Erziehung je 1.000 unter 21-Jährige",
        short_name="Hilfen zur Erziehung",
        definition=(
            "Laufende und im Jahr beendete Hilfen zur Erziehung nach §§ 27 bis 35 SGB VIII "
            "einschließlich Hilfen für junge Volljährige nach § 41 SGB VIII je 1.000 "
            "Einwohnerinnen und Einwohner unter 21 Jahren."
        ),
        unit="je 1.000",
        kind=RATE,
        rate_base=1000,
        polarity=WORSE,
        numerator="Hilfen zur Erziehung (Fälle) am Wohnort der Familie",
        denominator="Einwohner unter 21 Jahren",
        data_source="Fachverfahren des Jugendamts, Kinder- und Jugendhilfestatistik",
        data_holder=_JUGENDAMT,
        reference_date="Kalenderjahr",
        interpretation=(
            "Hohe Werte zeigen Unterstützungsbedarf, aber auch gut erreichte Familien; nur "
            "zusammen mit den Sozialdaten des Gebiets deuten."
        ),
    ),
    CatalogueEntry(
        code="eingliederungshilfe-35a",
        topic="jugendhilfe",
        name="Eingliederungshilfe nach § 35a SGB VIII je 1.000 unter 21-Jährige",
        short_name="Eingliederungshilfe § 35a",
        definition=(
            "Laufende und im Jahr beendete Eingliederungshilfen für Kinder und Jugendliche mit "
            "(drohender) seelischer Behinderung nach § 35a SGB VIII je 1.000 Einwohnerinnen und "
            "Einwohner unter 21 Jahren."
        ),
        unit="je 1.000",
        kind=RATE,
        rate_base=1000,
        polarity=WORSE,
        numerator="Eingliederungshilfen nach § 35a SGB VIII (Fälle)",
        denominator="Einwohner unter 21 Jahren",
        data_source="Fachverfahren des Jugendamts, Kinder- und Jugendhilfestatistik",
        data_holder=_JUGENDAMT,
        reference_date="Kalenderjahr",
    ),
    CatalogueEntry(
        code="jugendarbeit-reichweite",
        topic="jugendhilfe",
        name="Erreichte Jugendliche der offenen Jugendarbeit",
        short_name="Offene Jugendarbeit",
        definition=(
            "Regelmäßige Besucherinnen und Besucher der Einrichtungen der offenen Kinder- und "
            "Jugendarbeit je 100 Einwohnerinnen und Einwohner von 10 bis unter 18 Jahren."
        ),
        unit="%",
        kind=SHARE,
        polarity=BETTER,
        numerator="regelmäßige Besucher von 10 bis unter 18 Jahren",
        denominator="Einwohner von 10 bis unter 18 Jahren",
        data_source="Besucherstatistik der Einrichtungen",
        data_holder=_JUGENDAMT,
        reference_date="Kalenderjahr",
        limitations="Besucher werden der Einrichtung zugeordnet, nicht ihrem Wohnort.",
    ),
    # Wohnen und Infrastruktur
    CatalogueEntry(
        code="spielflaeche-je-kind",
        topic="wohnen",
        name="Spielfläche je Kind",
        short_name="Spielfläche je Kind",
        definition=(
            "Nettofläche öffentlicher Spielplätze und Bolzplätze in Quadratmetern je Kind "
            "unter 12 Jahren."
        ),
        unit="m²",
        kind=MEAN,
        polarity=BETTER,
        numerator="Spielfläche in m²",
        denominator="Kinder unter 12 Jahren",
        data_source="Spielplatzkataster",
        data_holder="Grünflächenamt",
        reference_date="31.12.",
        aliases=("Spielfläche je Kind (m²)", "Spielplatzfläche je Kind"),
    ),
    CatalogueEntry(
        code="kita-plaetze",
        topic="infrastruktur",
        name="Genehmigte Kita-Plätze je 100 Kinder unter 6 Jahren",
        short_name="Kita-Plätze",
        definition=(
            "Genehmigte Plätze in Kindertageseinrichtungen im Gebiet je 100 Kinder unter "
            "6 Jahren mit Wohnsitz im Gebiet."
        ),
        unit="je 100",
        kind=RATE,
        polarity=BETTER,
        numerator="genehmigte Kita-Plätze",
        denominator="Kinder unter 6 Jahren",
        data_source="Betriebserlaubnisse, Kita-Bedarfsplanung",
        data_holder=_JUGENDAMT,
        reference_date="01.03.",
        interpretation=(
            "Neben der Betreuungsquote gelesen zeigt der Wert, ob Kinder in Einrichtungen "
            "anderer Gebiete betreut werden."
        ),
    ),
)

ENTRIES_BY_CODE = {entry.code: entry for entry in ENTRIES}
TOPICS_BY_CODE = {topic.code: topic for topic in TOPICS}
