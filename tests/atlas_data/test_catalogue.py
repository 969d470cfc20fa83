"""The starter catalogue and adopting it with one action."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from atlas_data.catalogue import ENTRIES, TOPICS_BY_CODE
from atlas_data.models import Indicator, Topic
from atlas_data.services import AtlasError, adopt_catalogue, missing_metadata


def test_the_catalogue_has_about_25_entries_with_unique_codes_and_names():
    assert 25 <= len(ENTRIES) <= 30
    assert len({e.code for e in ENTRIES}) == len(ENTRIES)
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.code)
def test_every_entry_carries_the_mandatory_metadata_and_a_known_topic(entry):
    assert entry.topic in TOPICS_BY_CODE
    for text in (
        entry.name,
        entry.short_name,
        entry.definition,
        entry.unit,
        entry.data_source,
        entry.data_holder,
        entry.reference_date,
    ):
        assert text.strip()
    assert entry.kind in Indicator.Kind.values
    assert entry.polarity in Indicator.Polarity.values
    if entry.kind in ("share", "rate", "mean"):
        assert entry.numerator and entry.denominator
    assert len(entry.short_name) <= 80


def test_the_catalogue_covers_the_kecks_well_known_indicators():
    names = " | ".join(e.name for e in ENTRIES)
    for part in (
        "unter 15-Jähriger",
        "SGB-II-Bedarfsgemeinschaften",
        "Alleinerziehenden",
        "Nicht-Deutsche",
        "Betreuungsquote der Kinder unter 3",
        "Betreuungsquote der Kinder von 3 bis unter 6",
        "Übergewicht",
        "Sprachauffälligkeiten",
        "Impfpässe",
        "Jugendarbeitslosigkeit",
        "Hilfen zur Erziehung",
        "§ 35a",
        "Zuzüge",
        "Fortzüge",
        "Spielfläche je Kind",
        "Grundsicherung im Alter",
    ):
        assert part in names


def test_adopting_creates_the_topics_and_indicators_with_their_catalogue_code(
    municipality, data_admin
):
    result = adopt_catalogue(municipality=municipality, user=data_admin(municipality))
    assert len(result.created) == len(ENTRIES)
    assert Indicator.objects.filter(municipality=municipality).count() == len(ENTRIES)
    assert set(Topic.objects.filter(municipality=municipality).values_list("code", flat=True)) == {
        e.topic for e in ENTRIES
    }
    spielflaeche = Indicator.objects.get(catalogue_code="spielflaeche-je-kind")
    assert (spielflaeche.unit, spielflaeche.kind, spielflaeche.topic.code) == (
        "m²",
        "mean",
        "wohnen",
    )
    assert spielflaeche.numerator_definition == "Spielfläche in m²"


def test_adopting_twice_changes_nothing(municipality, data_admin):
    admin = data_admin(municipality)
    adopt_catalogue(municipality=municipality, user=admin)
    again = adopt_catalogue(municipality=municipality, user=admin)
    assert (again.created, again.linked, again.completed) == ([], [], [])
    assert len(again.unchanged) == len(ENTRIES)
    assert Indicator.objects.filter(municipality=municipality).count() == len(ENTRIES)


def test_adopting_chosen_entries(municipality, data_admin):
    result = adopt_catalogue(
        municipality=municipality,
        user=data_admin(municipality),
        codes=["seu-impfpass", "hilfen-zur-erziehung"],
    )
    assert sorted(result.created) == [
        "Hilfen zur Erziehung je 1.000 unter 21-Jährige",
        "Vorgelegte Impfpässe bei der Schuleingangsuntersuchung",
    ]


def test_unknown_entries_are_refused(municipality, data_admin):
    with pytest.raises(AtlasError):
        adopt_catalogue(municipality=municipality, user=data_admin(municipality), codes=["nope"])


def test_an_imported_indicator_of_the_same_name_is_completed_not_duplicated(luechow, data_admin):
    admin = data_admin(luechow)
    imported = Indicator.objects.get(municipality=luechow, name="Anzahl Einwohner")
    imported.definition = "Wie vom Landkreis veröffentlicht"
    imported.save()
    result = adopt_catalogue(municipality=luechow, user=admin, codes=["einwohner"])
    assert (result.created, result.linked) == ([], ["Anzahl Einwohner"])
    imported.refresh_from_db()
    assert imported.catalogue_code == "einwohner"
    assert imported.definition == "Wie vom Landkreis veröffentlicht"  # never overwritten
    assert (imported.data_holder, imported.size_reference) == (
        "Kommunale Statistikstelle / Einwohnermeldeamt",
        "population",
    )
    assert imported.history.first().history_user == admin


def test_an_adopted_indicator_needs_only_its_valid_levels_before_release(municipality, data_admin):
    # Which levels an indicator is valid for is the municipality's decision, not the catalogue's.
    adopt_catalogue(municipality=municipality, user=data_admin(municipality), codes=["sgb2-quote"])
    indicator = Indicator.objects.get(catalogue_code="sgb2-quote")
    with translation.override("en"):
        assert missing_metadata(indicator) == ["valid levels"]


def test_a_topic_limited_data_admin_adopts_only_their_topics(municipality, data_admin):
    result = adopt_catalogue(
        municipality=municipality, user=data_admin(municipality, topics=["gesundheit"])
    )
    assert {i.topic.code for i in Indicator.objects.filter(municipality=municipality)} == {
        "gesundheit"
    }
    assert len(result.skipped) == len(ENTRIES) - len(result.created)


def test_members_cannot_adopt(municipality, member_of):
    with pytest.raises(PermissionDenied):
        adopt_catalogue(municipality=municipality, user=member_of(municipality, Role.COORDINATOR))
