"""No lost updates of goals, measures and sub-steps: a save states the version it read; a stale
one is refused with who changed what when (pages, API), and nothing is written."""

import pytest
from django.urls import reverse
from django.utils import translation

from measures import services
from measures.models import Goal, Measure, SubStep
from tests.conferences.analysis_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(coordinator, vechta, conference):
    return services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Mehr Kinder im Sportverein",
            "qualitative_criterion": "Die Vereine melden mehr Kinder.",
        },
    )


@pytest.fixture
def second_coordinator(vechta, member_of):
    from accounts.models import Role

    user = member_of(vechta, Role.COORDINATOR, username="zweite-koordination")
    user.first_name, user.last_name = "Zora", "Zweit"
    user.save()
    return user


@pytest.fixture
def measure(coordinator, vechta, conference):
    return services.create_measure(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Elterncafé",
            "responsible_institution": "Caritas",
        },
        substeps=[{"title": "Raum finden"}],
    )


def _goal_post(goal, **changes) -> dict:
    data = {
        "conference": goal.conference_id,
        "title": goal.title,
        "qualitative_criterion": goal.qualitative_criterion,
        "version": goal.version,
        "save": "1",
    }
    data.update(changes)
    return data


def test_a_save_with_the_version_read_is_stored_and_takes_the_next_version(goal, coordinator):
    services.update_goal(user=coordinator, goal=goal, data={"title": "Neu"}, version=1)

    goal.refresh_from_db()
    assert (goal.title, goal.version) == ("Neu", 2)


def test_a_stale_version_is_refused_with_who_changed_what_and_nothing_is_written(
    goal, coordinator, second_coordinator
):
    services.update_goal(
        user=second_coordinator, goal=Goal.objects.get(pk=goal.pk), data={"title": "Zoras Titel"}
    )

    with translation.override("de"), pytest.raises(services.MeasuresConflict) as refused:
        services.update_goal(user=coordinator, goal=goal, data={"title": "Mein Titel"}, version=1)

    goal.refresh_from_db()
    assert (goal.title, goal.version) == ("Zoras Titel", 2)
    error = refused.value
    assert "von Zora Zweit am" in error.message
    assert "Ihre Änderung wurde nicht gespeichert" in error.message
    assert [(d.field, d.mine, d.theirs) for d in error.differences] == [
        ("title", "Mein Titel", "Zoras Titel")
    ]


def test_the_goal_page_shows_the_conflict_keeps_the_input_and_a_second_save_wins(
    client, goal, coordinator, second_coordinator
):
    services.update_goal(
        user=second_coordinator, goal=Goal.objects.get(pk=goal.pk), data={"title": "Zoras Titel"}
    )
    client.force_login(coordinator)
    url = reverse("measures:goal_edit", args=[goal.pk])

    page = client.post(url, _goal_post(goal, title="Mein Titel", version=1))

    html = page.content.decode()
    assert page.status_code == 200
    assert "wurde inzwischen von Zora Zweit am" in html
    assert 'value="Mein Titel"' in html  # the input is kept
    assert "<td>Zoras Titel</td>" in html  # the other change beside it
    assert 'name="version" value="2"' in html
    assert Goal.objects.get(pk=goal.pk).title == "Zoras Titel"

    again = client.post(url, _goal_post(goal, title="Mein Titel", version=2))

    assert again.status_code == 302
    assert Goal.objects.get(pk=goal.pk).title == "Mein Titel"


def test_the_api_answers_a_stale_version_with_409_and_the_current_goal(
    client, goal, coordinator, second_coordinator, vechta
):
    services.update_goal(
        user=second_coordinator, goal=Goal.objects.get(pk=goal.pk), data={"title": "Zoras Titel"}
    )
    client.force_login(coordinator)
    url = f"/api/v1/municipalities/{vechta.slug}/goals/{goal.pk}/"

    response = client.patch(
        url, {"title": "Mein Titel", "version": 1}, content_type="application/json"
    )

    body = response.json()
    assert response.status_code == 409
    assert "Zora Zweit" in body["detail"]
    assert body["version"] == 2
    assert body["current"]["title"] == "Zoras Titel"
    assert body["differences"][0]["yours"] == "Mein Titel"
    assert Goal.objects.get(pk=goal.pk).title == "Zoras Titel"


def test_the_api_saves_without_a_version_and_reports_the_new_one(client, goal, coordinator, vechta):
    client.force_login(coordinator)
    url = f"/api/v1/municipalities/{vechta.slug}/goals/{goal.pk}/"

    response = client.patch(url, {"title": "Ohne Version"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_a_timeline_entry_makes_an_open_measure_form_stale(measure, coordinator):
    services.add_update(user=coordinator, measure=measure, text="Begonnen", status="running")

    with pytest.raises(services.MeasuresConflict):
        services.update_measure(
            user=coordinator,
            measure=Measure.objects.get(pk=measure.pk),
            data={"title": "Anders"},
            version=1,
        )
    assert Measure.objects.get(pk=measure.pk).title == "Elterncafé"


def test_a_stale_sub_step_progress_is_refused_on_the_measure_page(
    client, measure, coordinator, second_coordinator
):
    step = SubStep.objects.get(measure=measure)
    services.save_substep(
        user=second_coordinator, measure=measure, data={"progress": 50}, substep=step
    )
    client.force_login(coordinator)

    page = client.post(
        reverse("measures:substep_progress", args=[measure.pk, step.pk]),
        {f"step{step.pk}-progress": "80", f"step{step.pk}-version": "1"},
    )

    assert page.status_code == 200
    assert "wurde inzwischen von Zora Zweit" in page.content.decode()
    assert SubStep.objects.get(pk=step.pk).progress == 50
