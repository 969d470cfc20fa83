"""The conferences part of the Vechta demo: a Sozialplanungskonferenz for the Landkreis and a
Sozialraumkonferenz for the town of Vechta, with members, sessions, minutes and action items.

People, institutions and minutes are invented. Dates are relative to the day the demo is first
loaded, so that the Sozialraumkonferenz has two past sessions with one action item done, one
carried over from the first to the second session and one overdue. Every write goes through
conferences.services_meetings; a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Municipality
from atlas_data.models import Area, Bookmark
from conferences.models import ActionItem, Conference, ConferenceMember
from conferences.services_meetings import (
    ActionItemChange,
    AgendaChange,
    add_member,
    create_conference,
    create_session,
    record_session,
)

from .demo_atlas import BOOKMARK_TITLE

PLANNING_NAME = "Sozialplanungskonferenz Landkreis Vechta"
AREA_NAME = "Sozialraumkonferenz Stadt Vechta"
VECHTA_TOWN = "03460009"

# (name, function, institution, e-mail, demo user) – invented people and institutions.
PLANNING_MEMBERS = [
    (
        "Kai Koordination",
        "Koordination Sozialplanung",
        "Landkreis Vechta, Stabsstelle Sozialplanung",
        "",
        "demo-koordination",
    ),
    (
        "Lena Leitung",
        "Fachbereichsleitung Jugend und Familie",
        "Landkreis Vechta, Amt für Jugend und Familie",
        "",
        "demo-leitung",
    ),
    (
        "Dana Daten",
        "Statistik und Sozialatlas",
        "Landkreis Vechta, Kreisentwicklung",
        "",
        "demo-data",
    ),
    (
        "Birgit Wessels",
        "Jugendhilfeplanung",
        "Landkreis Vechta, Amt für Jugend und Familie",
        "birgit.wessels@example.org",
        None,
    ),
    (
        "Thomas Kläne",
        "Schulentwicklungsplanung",
        "Landkreis Vechta, Amt für Schule und Kultur",
        "thomas.klaene@example.org",
        None,
    ),
    (
        "Dr. Martina Rießelmann",
        "Gesundheitsberichterstattung",
        "Landkreis Vechta, Gesundheitsamt",
        "martina.riesselmann@example.org",
        None,
    ),
    ("Hendrik Bußmann", "Sozialplanung", "Landkreis Vechta, Sozialamt", "", None),
]
AREA_MEMBERS = [
    (
        "Kai Koordination",
        "Koordination",
        "Landkreis Vechta, Stabsstelle Sozialplanung",
        "",
        "demo-koordination",
    ),
    ("Mia Mitglied", "Quartiersmanagement", "Stadt Vechta", "", "demo-mitglied"),
    (
        "Anja Thölking",
        "Allgemeiner Sozialer Dienst (ASD)",
        "Landkreis Vechta, Amt für Jugend und Familie",
        "anja.thoelking@example.org",
        None,
    ),
    ("Stefan Göttke", "Schulleitung", "Grundschule Stadtmitte", "stefan.goettke@example.org", None),
    (
        "Heike Ostendorf",
        "Kita-Leitung",
        "Familienzentrum Regenbogen",
        "heike.ostendorf@example.org",
        None,
    ),
    (
        "Jonas Brinkmann",
        "Offene Jugendarbeit",
        "Jugendtreff Stadtmitte",
        "jonas.brinkmann@example.org",
        None,
    ),
    ("Gisela Rohe", "Ehrenamt, Familienpatenschaften", "Freiwilligenagentur Vechta", "", None),
]


def load_demo_meetings(municipality: Municipality) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo-")}
    coordinator = users["demo-koordination"]
    planning = _conference(
        municipality,
        coordinator,
        kind=Conference.Kind.PLANNING,
        name=PLANNING_NAME,
        areas=[],
        purpose=(
            "Fachbereichsübergreifende Planung für gute Chancen aller Kinder im Landkreis: die "
            "Daten des Sozialatlas gemeinsam auswerten, Gemeinden mit besonderem Handlungsbedarf "
            "benennen und Impulse an die Sozialraumkonferenzen geben."
        ),
        rhythm="alle 8 Wochen, 2 Stunden",
        reuses_body="Steuerungsgruppe Jugendhilfeplanung",
    )
    area = _conference(
        municipality,
        coordinator,
        kind=Conference.Kind.AREA,
        name=AREA_NAME,
        areas=list(Area.objects.filter(municipality=municipality, key=VECHTA_TOWN)),
        purpose=(
            "Die Fachkräfte in der Stadt Vechta verbinden die Daten des Sozialatlas mit ihrem "
            "Erfahrungs- und Institutionenwissen und planen Maßnahmen für Kinder und Familien "
            "im Stadtgebiet."
        ),
        rhythm="alle 6 Wochen, 2 Stunden",
        reuses_body="Präventionsnetzwerk Stadt Vechta",
    )
    _members(planning, coordinator, users, PLANNING_MEMBERS)
    _members(area, coordinator, users, AREA_MEMBERS)
    if not area.sessions.exists():
        _area_sessions(area, coordinator, municipality)
    if not planning.sessions.exists():
        _planning_sessions(planning, coordinator, users)


def _conference(municipality, coordinator, **fields) -> Conference:
    existing = Conference.objects.filter(municipality=municipality, name=fields["name"]).first()
    if existing is not None:
        return existing
    return create_conference(
        user=coordinator, municipality=municipality, coordinator=coordinator, **fields
    )


def _members(conference, coordinator, users, specs) -> None:
    existing = set(conference.members.values_list("name", flat=True))
    for name, function, institution, email, username in specs:
        if name in existing:
            continue
        add_member(
            user=coordinator,
            conference=conference,
            name=name,
            function=function,
            institution=institution,
            email=email,
            member_user=users.get(username) if username else None,
        )


def _at(days: int, hour: int) -> datetime.datetime:
    """About `days` from today at `hour`, moved back to a Thursday: conferences meet on
    weekdays."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    day -= datetime.timedelta(days=(day.weekday() - 3) % 7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _by_name(conference) -> dict[str, ConferenceMember]:
    return {member.name: member for member in conference.members.all()}


def _record(session, coordinator, *, attendance, minutes, decisions, action_items) -> None:
    agenda = list(session.agenda.order_by("order", "pk"))
    record_session(
        user=coordinator,
        session=session,
        attendance=attendance,
        agenda=[
            AgendaChange(
                pk=item.pk,
                title=item.title,
                description=item.description,
                bookmark=item.bookmark,
                minutes=text,
                order=item.order,
            )
            for item, text in zip(agenda, minutes, strict=True)
        ],
        decisions=decisions,
        action_items=action_items,
    )


def _area_sessions(conference, coordinator, municipality) -> None:
    members = _by_name(conference)
    bookmark = Bookmark.objects.filter(municipality=municipality, title=BOOKMARK_TITLE).first()
    place = "Rathaus Vechta, Sitzungssaal"

    first = create_session(
        user=coordinator,
        conference=conference,
        starts_at=_at(-84, 15),
        ends_at=_at(-84, 17),
        place=place,
        agenda=[
            "Begrüßung und Vorstellungsrunde",
            "Sozialatlas: Kinder in SGB-II-Bedarfsgemeinschaften",
            "Bestandsaufnahme der Angebote für Familien im Stadtgebiet",
        ],
    )
    atlas_item = first.agenda.get(order=2)
    atlas_item.bookmark = bookmark
    atlas_item.save(update_fields=["bookmark"])
    attendance = {member.pk: "present" for member in members.values()}
    attendance[members["Stefan Göttke"].pk] = "excused"
    attendance[members["Gisela Rohe"].pk] = "absent"
    _record(
        first,
        coordinator,
        attendance=attendance,
        minutes=[
            "Die Koordination begrüßt die Runde. Alle stellen ihre Einrichtung und ihre "
            "Erwartungen an die Sozialraumkonferenz vor.",
            "Der Anteil der Kinder in SGB-II-Bedarfsgemeinschaften ist in der Stadt Vechta der "
            "höchste im Landkreis und seit 2013 gestiegen.\nDie Runde ergänzt aus ihrer Erfahrung: "
            "Betroffen sind vor allem junge Familien in den Mietwohnungsgebieten am Stadtrand.",
            "Die Sprachförderung in den Kitas ist gut ausgebaut, Angebote beim Übergang in die "
            "Grundschule fehlen. Die Liste der Angebote wird bis zur nächsten Sitzung ergänzt.",
        ],
        decisions=(
            "Die Sozialraumkonferenz arbeitet zunächst zum Schwerpunkt Übergang Kita–Grundschule."
            "\n\nDie Bestandsaufnahme der Angebote wird bis zur nächsten Sitzung vervollständigt."
        ),
        action_items=[
            ActionItemChange(
                pk=None,
                what="Liste der Sprachförderangebote in den Kitas zusammenstellen",
                responsible_member=members["Heike Ostendorf"],
                due=_day(-56),
                status=ActionItem.Status.DONE,
            ),
            ActionItemChange(
                pk=None,
                what="Elternbefragung zum Übergang in die Grundschule vorbereiten",
                responsible_member=members["Anja Thölking"],
                due=_day(3),
                status=ActionItem.Status.IN_PROGRESS,
            ),
        ],
    )

    # The second session carries the open action item of the first over to its agenda.
    second = create_session(
        user=coordinator,
        conference=conference,
        starts_at=_at(-42, 15),
        ends_at=_at(-42, 17),
        place=place,
        agenda=["Protokoll der letzten Sitzung", "Daten der Schuleingangsuntersuchung"],
    )
    attendance = {member.pk: "present" for member in members.values()}
    attendance[members["Jonas Brinkmann"].pk] = "excused"
    _record(
        second,
        coordinator,
        attendance=attendance,
        minutes=[
            "Das Protokoll der letzten Sitzung wird ohne Änderungen genehmigt.",
            "Das Gesundheitsamt stellt die Ergebnisse zur Sprachentwicklung vor. Der Anteil der "
            "Kinder mit Förderbedarf liegt in der Stadt über dem Kreisdurchschnitt.",
            "Der Fragebogen liegt im Entwurf vor; die Runde gibt Hinweise zur Ansprache der "
            "Eltern in mehreren Sprachen. Die Befragung startet nach den Ferien.",
        ],
        decisions=(
            "Grundschule und Kitas planen einen gemeinsamen Fachtag zum Übergang.\n\n"
            "Die Koordination berichtet der Sozialplanungskonferenz über den Stand."
        ),
        action_items=[
            ActionItemChange(
                pk=None,
                what="Termin für den gemeinsamen Fachtag Kita–Grundschule abstimmen",
                responsible_member=members["Stefan Göttke"],
                due=_day(-7),
                status=ActionItem.Status.OPEN,
            ),
            ActionItemChange(
                pk=None,
                what="Kurzbericht für die Sozialplanungskonferenz schreiben",
                responsible_user=coordinator,
                due=_day(14),
                status=ActionItem.Status.IN_PROGRESS,
            ),
        ],
    )


def _planning_sessions(conference, coordinator, users) -> None:
    members = _by_name(conference)
    place = "Kreishaus Vechta, Raum 214"
    past = create_session(
        user=coordinator,
        conference=conference,
        starts_at=_at(-56, 10),
        ends_at=_at(-56, 12),
        place=place,
        agenda=[
            "Der Sozialatlas des Landkreises: Stand und Datenlage",
            "Auswahl der Gemeinden für Sozialraumkonferenzen",
        ],
    )
    _record(
        past,
        coordinator,
        attendance={member.pk: "present" for member in members.values()}
        | {members["Hendrik Bußmann"].pk: "excused"},
        minutes=[
            "Die Statistik stellt die Indikatoren des Sozialatlas und die Datenlage je "
            "Gemeinde vor. Werte unter vier Fällen werden nicht ausgewiesen.",
            "Die Stadt Vechta hat den höchsten Anteil von Kindern in SGB-II-"
            "Bedarfsgemeinschaften. Dort startet die erste Sozialraumkonferenz.",
        ],
        decisions="Die erste Sozialraumkonferenz wird für die Stadt Vechta eingerichtet.",
        action_items=[
            ActionItemChange(
                pk=None,
                what="Indikatorenliste für den Sozialatlas mit den Fachämtern abstimmen",
                responsible_user=users["demo-data"],
                due=_day(-28),
                status=ActionItem.Status.DONE,
            ),
            ActionItemChange(
                pk=None,
                what="Gemeinden mit hohem Anteil von Kindern in SGB-II-Bedarfsgemeinschaften "
                "für die nächste Sitzung aufbereiten",
                responsible_member=members["Birgit Wessels"],
                due=_day(18),
                status=ActionItem.Status.OPEN,
            ),
        ],
    )
    create_session(
        user=coordinator,
        conference=conference,
        starts_at=_at(21, 10),
        ends_at=_at(21, 12),
        place=place,
        agenda=["Bericht aus der Sozialraumkonferenz Stadt Vechta", "Ziele für das nächste Jahr"],
    )
