"""What the coordinators' requests of the load test cost (bench/load.py): the measure plan, a
measure's page with its timeline, and a new timeline entry. Exact numbers of queries on the
Vechta demo, the same again with many more measures, sub-steps, supporters, areas, goals,
hypotheses and timeline entries: a query per row would show at once."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atlas_data.models import Area
from conferences.models import ConferenceMember
from measures import services
from measures.models import Goal, Measure, MeasureUpdate

pytestmark = pytest.mark.django_db

# session, user, memberships with their municipalities; then what the page itself reads.
SESSION = 3
# measures (with municipality, conference, responsible, field of action, offer), their goals,
# areas, supporters and sub-steps; the goals with their areas; the filter's conferences, areas
# and fields of action.
PLAN = SESSION + 10
# the measure and its four prefetched relations, its hypotheses and its timeline.
DETAIL = SESSION + 7
# the measure with its sub-steps; then in a transaction (savepoint in the tests) the entry, the
# new version (update and read), the measure, its history record and the sub-steps' roll-up.
POST = SESSION + 2 + 8


@pytest.fixture
def coordinator_client(demo, client):
    client.force_login(get_user_model().objects.get(username="demo-koordination"))
    return client


def _more_rows(municipality, *, count: int) -> None:
    """`count` more measures with two sub-steps, supporters, areas, goals, a hypothesis each
    and three timeline entries each, written through the services."""
    user = get_user_model().objects.get(username="demo-koordination")
    template = Measure.objects.filter(municipality=municipality).order_by("pk").first()
    members = list(ConferenceMember.objects.filter(conference=template.conference)[:3])
    areas = list(Area.objects.filter(municipality=municipality)[:3])
    goals = list(Goal.objects.filter(municipality=municipality)[:2])
    today = timezone.localdate()
    for number in range(count):
        measure = services.create_measure(
            user=user,
            municipality=municipality,
            data={
                "conference": template.conference,
                "title": f"Zusätzliche Maßnahme {number}",
                "responsible_member": members[0],
                "supporters": members[1:],
                "areas": areas,
                "goals": goals,
                "deadline": today + datetime.timedelta(days=30),
            },
            substeps=[
                {"title": "Erster Schritt", "responsible_member": members[1], "deadline": today},
                {"title": "Zweiter Schritt", "responsible_user": user},
            ],
        )
        services.save_hypothesis(
            user=user,
            municipality=municipality,
            data={
                "conference": template.conference,
                "if_text": "wir Eltern früher beraten",
                "then_text": "suchen weniger Familien Hilfen zur Erziehung",
                "goals": goals,
                "measures": [measure],
            },
        )
        for day in range(3):
            services.add_update(
                user=user,
                measure=measure,
                text=f"Stand {day}",
                date=today - datetime.timedelta(days=day),
            )


def _count(client, path: str) -> int:
    """Queries of a GET of `path`, as every request after the first of a process runs it."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_plan_takes_a_fixed_number_of_queries(demo, coordinator_client):
    path = reverse("measures:measures")

    assert _count(coordinator_client, path) == PLAN
    _more_rows(demo, count=6)
    assert _count(coordinator_client, path) == PLAN


def test_a_filtered_plan_takes_no_more_queries(demo, coordinator_client):
    path = reverse("measures:measures") + "?status=running&mine=on"

    assert _count(coordinator_client, path) == PLAN


def test_the_measure_page_with_its_timeline_takes_a_fixed_number_of_queries(
    demo, coordinator_client
):
    _more_rows(demo, count=1)
    measure = Measure.objects.get(title="Zusätzliche Maßnahme 0")
    path = reverse("measures:measure_detail", args=[measure.pk])

    assert _count(coordinator_client, path) == DETAIL
    user = get_user_model().objects.get(username="demo-koordination")
    for day in range(10):
        services.add_update(user=user, measure=measure, text=f"Nachtrag {day}")
    services.save_substep(user=user, measure=measure, data={"title": "Dritter Schritt"})
    assert MeasureUpdate.objects.filter(measure=measure).count() == 13
    assert _count(coordinator_client, path) == DETAIL


def test_a_timeline_entry_takes_a_fixed_number_of_queries(demo, coordinator_client):
    measure = Measure.objects.filter(municipality=demo).order_by("pk").first()
    path = reverse("measures:measure_add_update", args=[measure.pk])
    entry = {"date": timezone.localdate().isoformat(), "text": "Zwischenstand besprochen."}

    with CaptureQueriesContext(connection) as queries:
        response = coordinator_client.post(path, entry)

    assert response.status_code == 302
    assert response["Location"].endswith(f"/plan/{measure.pk}/#timeline")
    assert len(queries) == POST
    assert measure.updates.filter(text="Zwischenstand besprochen.").count() == 1


def test_a_refused_timeline_entry_shows_the_whole_measure_page_again(demo, coordinator_client):
    measure = Measure.objects.filter(municipality=demo).order_by("pk").first()
    path = reverse("measures:measure_add_update", args=[measure.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = coordinator_client.post(path, {"date": tomorrow.isoformat(), "text": "Zukunft"})

    assert response.status_code == 200
    html = response.content.decode()
    assert measure.title in html
    for goal in measure.goals.all():
        assert goal.title in html
    assert not measure.updates.filter(text="Zukunft").exists()
