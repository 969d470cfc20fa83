"""The history page with restore (keck.history): versions field by field with German labels,
"restore this version" through the normal service (a new history entry), who may read and who
may restore, other municipalities 404, and a restore based on an outdated page refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from atlas_data.models import Area, Value, ValueChange
from atlas_data.services import set_value
from conferences import services_meetings, services_sheets
from conferences.models import AgendaItem, Catalogue, Response
from keck.history import history_url
from measures import services
from measures.models import Goal
from tests.conferences.analysis_fixtures import *  # noqa: F403
from tests.conferences.analysis_fixtures import U15

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(coordinator, vechta, conference):
    goal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={"conference": conference, "title": "Erster Titel", "qualitative_criterion": "x"},
    )
    services.update_goal(user=coordinator, goal=goal, data={"title": "Zweiter Titel"})
    return goal


def _first_record(obj):
    return obj.history.order_by("history_date", "history_id").first()


def test_the_goal_history_lists_the_changes_with_german_labels(client, goal, member):
    client.force_login(member)

    page = client.get(history_url("goal", goal.pk))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Verlauf: Zweiter Titel" in html
    assert "Erster Titel" in html and "Zweiter Titel" in html
    assert "<td>Ziel</td>" in html  # the German label of the title field


def test_restoring_writes_the_old_values_through_the_service_as_a_new_change(
    client, goal, coordinator
):
    client.force_login(coordinator)
    records_before = goal.history.count()

    response = client.post(
        history_url("goal", goal.pk), {"record": _first_record(goal).history_id, "version": 2}
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.version) == ("Erster Titel", 3)
    assert goal.history.count() == records_before + 1
    assert goal.history.order_by("-history_date").first().history_user == coordinator


def test_a_restore_from_an_outdated_page_is_refused(client, goal, coordinator):
    services.update_goal(user=coordinator, goal=goal, data={"title": "Dritter Titel"})
    client.force_login(coordinator)

    page = client.post(
        history_url("goal", goal.pk), {"record": _first_record(goal).history_id, "version": 2}
    )

    assert page.status_code == 200
    assert "wurde inzwischen von" in page.content.decode()
    assert Goal.objects.get(pk=goal.pk).title == "Dritter Titel"


def test_a_reader_sees_the_history_but_may_not_restore(client, goal, member):
    client.force_login(member)

    page = client.get(history_url("goal", goal.pk))
    refused = client.post(
        history_url("goal", goal.pk), {"record": _first_record(goal).history_id, "version": 2}
    )

    assert "Diese Version wiederherstellen" not in page.content.decode()
    assert refused.status_code == 403
    assert Goal.objects.get(pk=goal.pk).title == "Zweiter Titel"


def test_another_municipality_gets_404(client, goal, outsider):
    client.force_login(outsider)

    assert client.get(history_url("goal", goal.pk)).status_code == 404


def test_a_kind_of_another_app_is_not_found(client, goal, coordinator):
    client.force_login(coordinator)
    url = reverse("conferences:history", kwargs={"kind": "goal", "ref": goal.pk})

    assert client.get(url).status_code == 404


# --- atlas values ----------------------------------------------------------------------------


@pytest.fixture
def cell(vechta, share, data_admin):
    indicator = share(U15)
    area = Area.objects.get(municipality=vechta, name="Vechta")
    year = Value.objects.filter(indicator=indicator, area=area).values_list("year", flat=True)[0]
    original = Value.objects.get(indicator=indicator, area=area, year=year).value
    set_value(user=data_admin, indicator=indicator, area=area, year=year, value=20.5)
    return indicator, area, year, original


def test_restoring_a_value_stores_the_old_number_with_a_new_change_log_entry(
    client, cell, data_admin
):
    indicator, area, year, original = cell
    change = ValueChange.objects.get(indicator=indicator, area=area, year=year)
    set_value(user=data_admin, indicator=indicator, area=area, year=year, value=30.0)
    client.force_login(data_admin)
    ref = f"{indicator.pk}-{area.pk}-{year}"
    version = Value.objects.get(indicator=indicator, area=area, year=year).version

    response = client.post(history_url("value", ref), {"record": change.pk, "version": version})

    assert response.status_code == 302
    assert Value.objects.get(indicator=indicator, area=area, year=year).value == 20.5
    newest = ValueChange.objects.filter(indicator=indicator, area=area, year=year).first()
    assert (newest.old_value, newest.new_value, newest.changed_by) == (30.0, 20.5, data_admin)
    assert original != 20.5


def test_the_value_history_is_only_for_those_who_see_suppressed_values(client, cell, member):
    indicator, area, year, _original = cell
    client.force_login(member)

    assert client.get(history_url("value", f"{indicator.pk}-{area.pk}-{year}")).status_code == 403


# --- minutes and sheet answers ---------------------------------------------------------------


def test_restoring_minutes_goes_through_the_session_record(client, coordinator, conference):
    session = services_meetings.create_session(
        user=coordinator,
        conference=conference,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        agenda=["Kinderarmut"],
    )
    item = AgendaItem.objects.get(session=session)
    for minutes in ("Erste Fassung", "Zweite Fassung"):
        services_meetings.record_session(
            user=coordinator,
            session=session,
            attendance={},
            agenda=[services_meetings.AgendaChange(pk=item.pk, title=item.title, minutes=minutes)],
            decisions="",
            action_items=[],
        )
    first = item.history.filter(minutes="Erste Fassung").get()
    session.refresh_from_db()
    client.force_login(coordinator)

    response = client.post(
        history_url("agenda-item", item.pk),
        {"record": first.history_id, "version": session.version},
    )

    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Erste Fassung"


@pytest.fixture
def answer(vechta, coordinator, member):
    services_sheets.load_default_catalogues()
    catalogue = Catalogue.objects.filter(municipality=None).first()
    sheet = services_sheets.create_sheet(
        user=coordinator, municipality=vechta, catalogue=catalogue, title="Bogen"
    )
    question = catalogue.sections.first().questions.filter(has_explanation=True).first()
    for text in ("Erste Antwort", "Zweite Antwort"):
        services_sheets.save_response(user=member, sheet=sheet, question=question, explanation=text)
    return Response.objects.get(sheet=sheet, question=question, respondent=member)


def test_only_the_respondent_restores_their_own_answer(client, answer, member, second_member_of):
    first = answer.history.filter(explanation="Erste Antwort").get()
    client.force_login(second_member_of)
    assert client.get(history_url("answer", answer.pk)).status_code == 200
    refused = client.post(history_url("answer", answer.pk), {"record": first.history_id})
    client.force_login(member)
    restored = client.post(
        history_url("answer", answer.pk), {"record": first.history_id, "version": answer.version}
    )

    assert refused.status_code == 403
    assert restored.status_code == 302
    assert Response.objects.get(pk=answer.pk).explanation == "Erste Antwort"


@pytest.fixture
def second_member_of(vechta, member_of):
    from accounts.models import Role

    return member_of(vechta, Role.MEMBER, username="zweites-mitglied")
