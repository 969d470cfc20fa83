"""No lost updates of a session's record (attendance, minutes, decisions): the record page and
the API state the version of the session they read; a save in between is refused, with where
the minutes differ, and nothing is written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conferences import services_meetings as services
from conferences.models import AgendaItem, Session
from tests.conferences.analysis_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(coordinator, conference):
    return services.create_session(
        user=coordinator,
        conference=conference,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        agenda=["Kinderarmut"],
    )


def _minutes(user, session, text, version=None):
    item = AgendaItem.objects.get(session=session)
    services.record_session(
        user=user,
        session=session,
        attendance={},
        agenda=[services.AgendaChange(pk=item.pk, title=item.title, minutes=text)],
        decisions="",
        action_items=[],
        version=version,
    )


def test_a_record_based_on_an_old_version_is_refused_with_the_other_minutes(
    session, coordinator, admin
):
    _minutes(admin, Session.objects.get(pk=session.pk), "Protokoll der Kollegin")

    with pytest.raises(services.RecordConflict) as refused:
        _minutes(coordinator, session, "Mein Protokoll", version=1)

    assert AgendaItem.objects.get(session=session).minutes == "Protokoll der Kollegin"
    (difference,) = refused.value.differences
    assert (difference.mine, difference.theirs) == ("Mein Protokoll", "Protokoll der Kollegin")


def test_the_record_page_shows_the_conflict_in_german(client, session, coordinator, admin):
    _minutes(admin, Session.objects.get(pk=session.pk), "Protokoll der Kollegin")
    item = AgendaItem.objects.get(session=session)
    client.force_login(coordinator)

    page = client.post(
        reverse("conferences:session_record", args=[session.pk]),
        {
            "session-version": "1",
            "session-decisions": "",
            "agenda-TOTAL_FORMS": "1",
            "agenda-INITIAL_FORMS": "1",
            "agenda-0-id": item.pk,
            "agenda-0-order": item.order,
            "agenda-0-title": item.title,
            "agenda-0-minutes": "Mein Protokoll",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "Dieser Eintrag wurde inzwischen von" in html
    assert "Protokoll der Kollegin" in html and "Mein Protokoll" in html
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Protokoll der Kollegin"


def test_the_api_answers_an_old_version_with_409(client, session, coordinator, admin, vechta):
    _minutes(admin, Session.objects.get(pk=session.pk), "Protokoll der Kollegin")
    client.force_login(coordinator)

    response = client.patch(
        f"/api/v1/municipalities/{vechta.slug}/sessions/{session.pk}/",
        {"decisions": "Beschluss", "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["current"]["version"] == 2
    assert Session.objects.get(pk=session.pk).decisions == ""
