"""API of goals, measures and impact hypotheses under /api/v1/municipalities/{slug}/: members
read, coordinators write, responsible people report progress; everybody else gets 404."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Role
from conferences.models import FieldOfAction
from measures import services
from measures.models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep

from .plan_fixtures import *  # noqa: F403
from .plan_fixtures import U15, day

pytestmark = pytest.mark.django_db

BASE = "/api/v1/municipalities/vechta/"


@pytest.fixture
def api():
    def as_user(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


@pytest.fixture
def field(conference, coordinator):
    return FieldOfAction.objects.create(conference=conference, title="Kinderarmut")


@pytest.fixture
def goals(coordinator, vechta, conference, area_conference, cases, share, vechta_town, field):
    """A municipal goal on the share of children (real 2013 value) and an area goal on the
    cases with a suppressed year, refining it."""
    municipal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Mehr Kinder",
            "field_of_action": field,
            "indicator": share(U15),
            "measurement_area": vechta_town,
            "baseline_year": 2013,
            "target_value": 16.0,
            "acceptance": "Kinder brauchen Kinder.",
        },
    )
    area = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": area_conference,
            "parent": municipal,
            "title": "Weniger Hilfen",
            "indicator": cases,
            "measurement_area": vechta_town,
            "baseline_year": 2013,
            "target_value": 10,
            "deadline": day(3 * 365),
        },
    )
    return municipal, area


@pytest.fixture
def measures(new_measure, member, mia, thoelking, second_member, goals, vechta_town, field):
    """The member's own measure (as user), one of Ms Thölking with a sub-step for the member
    (as conference member), an overdue one and a done one."""
    own = new_measure(title="Elterncafé", responsible_user=member, goals=[goals[1]])
    steps = new_measure(
        title="Sozialberatung",
        responsible_member=thoelking,
        areas=[vechta_town],
        field_of_action=field,
        substeps=[
            {"title": "Übersetzung", "responsible_member": mia, "progress": 20},
            {"title": "Räume", "done": True},
        ],
    )
    late = new_measure(title="Fachtag", responsible_user=second_member, deadline=day(-3))
    done = new_measure(title="Ferien", deadline=day(-30), status="done")
    return own, steps, late, done


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json())


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["goals/", "measures/", "hypotheses/"])
def test_the_public_sees_nothing(api, vechta, part):
    vechta.public_atlas_enabled = True
    vechta.save()

    assert api().get(BASE + part).status_code == 404


@pytest.mark.parametrize("part", ["goals/", "measures/", "hypotheses/"])
def test_members_of_another_municipality_see_nothing(api, outsider, measures, part):
    assert api(outsider).get(BASE + part).status_code == 404


def test_anonymous_writes_need_a_login(api, vechta, conference):
    vechta.public_atlas_enabled = True
    vechta.save()

    response = api().post(BASE + "goals/", {"conference": conference.pk, "title": "x"})

    assert response.status_code in (401, 403)
    assert not Goal.objects.exists()


# --- goals -------------------------------------------------------------------------------------


def test_members_read_goals_with_smart_fields_and_attainment(api, member, goals):
    municipal, area = goals

    response = api(member).get(BASE + f"goals/{area.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["parent"] == municipal.pk
    assert data["level"] == "area"
    assert (data["baseline_year"], data["baseline_value"], data["target_value"]) == (2013, 40, 10)
    assert data["direction"] == "decrease"
    assert data["deadline"] == day(3 * 365).isoformat()
    attainment = data["attainment"]
    assert [(p["year"], p["value"], p["display"]) for p in attainment["points"]] == [
        (2013, 40, "40"),
        (2014, 30, "30"),
        (2015, None, "k. A."),
        (2016, 20, "20"),
    ]
    assert attainment["status"] == "on_track"
    assert attainment["latest"] == 20
    assert attainment["percent"] == pytest.approx(200 / 3)


def test_the_suppressed_value_stays_hidden_from_a_municipal_admin_too(api, admin, goals):
    response = api(admin).get(BASE + f"goals/{goals[1].pk}/")

    points = response.json()["attainment"]["points"]
    assert points[2] == {"year": 2015, "value": None, "display": "k. A.", "suppressed": True}


def test_goal_list_filters(api, member, goals, conference, area_conference, field):
    municipal, area = goals
    client = api(member)

    assert ids(client.get(BASE + "goals/")) == sorted([municipal.pk, area.pk])
    assert ids(client.get(BASE + f"goals/?conference={area_conference.pk}")) == [area.pk]
    assert ids(client.get(BASE + "goals/?level=municipal")) == [municipal.pk]
    assert ids(client.get(BASE + f"goals/?field_of_action={field.pk}")) == [municipal.pk]
    assert client.get(BASE + "goals/?level=national").status_code == 400
    assert client.get(BASE + "goals/?conference=x").status_code == 400


def test_coordinators_create_goals_with_the_baseline_from_the_atlas(
    api, coordinator, conference, share, vechta_town
):
    response = api(coordinator).post(
        BASE + "goals/",
        {
            "conference": conference.pk,
            "title": "Mehr Kinder unter 15",
            "indicator": share(U15).pk,
            "measurement_area": vechta_town.pk,
            "areas": [vechta_town.pk],
            "baseline_year": 2013,
            "baseline_value": 99,
            "target_value": 16.5,
            "realism": "Neubaugebiete",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["baseline_value"] == pytest.approx(15.03)
    assert data["direction"] == "increase"
    assert data["attainment"]["status"] == "no_data"
    assert data["created_by"] == "koordination"
    assert Goal.objects.get().realism == "Neubaugebiete"


def test_refused_goal_input_is_a_400_naming_the_field(
    api, coordinator, conference, share, vechta_town
):
    response = api(coordinator).post(
        BASE + "goals/",
        {
            "conference": conference.pk,
            "title": "Ohne Gebiet",
            "indicator": share(U15).pk,
            "baseline_year": 2013,
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["measurement_area"]
    assert response.json()["measurement_area"][0]
    assert not Goal.objects.exists()


def test_ids_of_another_municipality_are_invalid(api, coordinator, conference, foreign):
    client = api(coordinator)

    for data in (
        {"conference": foreign.conference.pk, "title": "x", "qualitative_criterion": "y"},
        {"conference": conference.pk, "title": "x", "indicator": foreign.indicator.pk},
        {"conference": conference.pk, "title": "x", "parent": foreign.goal.pk},
    ):
        response = client.post(BASE + "goals/", data, format="json")
        assert response.status_code == 400, data

    assert not Goal.objects.filter(municipality__slug="vechta").exists()


def test_members_and_leadership_may_not_write_goals(api, member, leader, goals, conference):
    for user in (member, leader):
        client = api(user)
        created = client.post(
            BASE + "goals/",
            {"conference": conference.pk, "title": "x", "qualitative_criterion": "y"},
        )
        changed = client.patch(BASE + f"goals/{goals[0].pk}/", {"title": "anders"})
        deleted = client.delete(BASE + f"goals/{goals[1].pk}/")
        assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)

    assert Goal.objects.count() == 2
    assert Goal.objects.filter(title="anders").count() == 0


def test_coordinators_change_and_delete_goals(api, coordinator, goals):
    municipal, area = goals
    client = api(coordinator)

    changed = client.patch(BASE + f"goals/{area.pk}/", {"baseline_year": 2014}, format="json")
    refused = client.delete(BASE + f"goals/{municipal.pk}/")
    deleted = client.delete(BASE + f"goals/{area.pk}/")

    assert changed.status_code == 200
    assert changed.json()["baseline_value"] == 30
    assert refused.status_code == 400
    assert list(refused.json()) == ["detail"]
    assert deleted.status_code == 204
    assert list(Goal.objects.all()) == [municipal]


def test_the_goal_list_takes_a_constant_number_of_queries(
    api, member, goals, coordinator, vechta, area_conference, cases, vechta_town
):
    client = api(member)
    client.get(BASE + "goals/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE + "goals/").status_code == 200
    for n in range(4):
        services.create_goal(
            user=coordinator,
            municipality=vechta,
            data={
                "conference": area_conference,
                "title": f"Ziel {n}",
                "indicator": cases,
                "measurement_area": vechta_town,
                "baseline_year": 2014,
                "target_value": 5,
            },
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(BASE + "goals/").json()) == 6

    assert len(many) == len(few)


# --- measures ----------------------------------------------------------------------------------


def test_members_read_the_measure_plan(api, member, measures):
    own, steps, late, done = measures

    response = api(member).get(BASE + "measures/")

    assert response.status_code == 200
    by_title = {m["title"]: m for m in response.json()}
    assert set(by_title) == {"Elterncafé", "Sozialberatung", "Fachtag", "Ferien"}
    social = by_title["Sozialberatung"]
    assert social["responsible_name"] == "Anja Thölking"
    assert social["progress"] == 60  # (20 + 100) / 2
    assert [(s["title"], s["progress"], s["done"]) for s in social["substeps"]] == [
        ("Übersetzung", 20, False),
        ("Räume", 100, True),
    ]
    assert [m["overdue"] for m in response.json() if m["title"] == "Fachtag"] == [True]
    assert by_title["Ferien"]["overdue"] is False
    # the member may update their own measure and none of the others
    assert {t for t, m in by_title.items() if m["can_update"]} == {"Elterncafé"}


def test_measure_filters(api, member, measures, area_conference, vechta_town, field, goals):
    own, steps, late, done = measures
    client = api(member)

    assert ids(client.get(BASE + "measures/?overdue=true")) == [late.pk]
    assert ids(client.get(BASE + "measures/?overdue=false")) == sorted([own.pk, steps.pk, done.pk])
    assert ids(client.get(BASE + "measures/?status=done")) == [done.pk]
    assert ids(client.get(BASE + f"measures/?area={vechta_town.pk}")) == [steps.pk]
    assert ids(client.get(BASE + f"measures/?field_of_action={field.pk}")) == [steps.pk]
    assert ids(client.get(BASE + f"measures/?goal={goals[1].pk}")) == [own.pk]
    assert ids(client.get(BASE + f"measures/?conference={area_conference.pk}")) == sorted(
        m.pk for m in measures
    )
    # mine: as user, and as the conference member responsible for a sub-step
    assert ids(client.get(BASE + "measures/?mine=true")) == sorted([own.pk, steps.pk])
    assert client.get(BASE + "measures/?status=paused").status_code == 400
    assert client.get(BASE + "measures/?overdue=vielleicht").status_code == 400


def test_coordinators_create_measures(api, coordinator, area_conference, thoelking, goals):
    response = api(coordinator).post(
        BASE + "measures/",
        {
            "conference": area_conference.pk,
            "title": "Familienpatenschaften",
            "responsible_member": thoelking.pk,
            "supporters": [thoelking.pk],
            "goals": [goals[1].pk],
            "deadline": day(100).isoformat(),
            "resources_money": "1500.00",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["progress"], data["substeps"]) == ("planned", 0, [])
    assert data["responsible_name"] == "Anja Thölking"
    assert data["goals"] == [goals[1].pk]


def test_a_measure_without_anyone_responsible_is_refused(api, coordinator, area_conference):
    response = api(coordinator).post(
        BASE + "measures/", {"conference": area_conference.pk, "title": "Niemand"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["responsible_user"]
    assert not Measure.objects.exists()


def test_a_responsible_member_does_not_change_the_plan(api, member, measures, area_conference):
    own = measures[0]
    client = api(member)

    changed = client.patch(BASE + f"measures/{own.pk}/", {"title": "Anders"})
    created = client.post(
        BASE + "measures/",
        {"conference": area_conference.pk, "title": "x", "responsible_user": member.pk},
    )

    assert (changed.status_code, created.status_code) == (403, 403)
    own.refresh_from_db()
    assert own.title == "Elterncafé"


def test_coordinators_change_and_delete_measures(api, coordinator, measures):
    own, steps, late, done = measures
    client = api(coordinator)

    changed = client.patch(
        BASE + f"measures/{late.pk}/", {"deadline": day(20).isoformat(), "status": "delayed"}
    )
    deleted = client.delete(BASE + f"measures/{done.pk}/")

    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["overdue"]) == ("delayed", False)
    assert deleted.status_code == 204
    assert not Measure.objects.filter(pk=done.pk).exists()


def test_the_measure_list_takes_a_constant_number_of_queries(api, member, measures, new_measure):
    client = api(member)
    client.get(BASE + "measures/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(BASE + "measures/").status_code == 200
    for n in range(4):
        measure = new_measure(title=f"M{n}", substeps=[{"title": "a"}, {"title": "b"}])
        services.add_update(user=measure.created_by, measure=measure, text="Start")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(BASE + "measures/").json()) == 8

    assert len(many) == len(few)


# --- sub-steps ---------------------------------------------------------------------------------


def test_the_responsible_person_adds_sub_steps(api, member, measures):
    own = measures[0]

    response = api(member).post(
        BASE + f"measures/{own.pk}/substeps/",
        {"title": "Einladungen", "responsible_user": member.pk, "progress": 50},
    )

    assert response.status_code == 201, response.content
    assert response.json()["responsible_name"] == member.username
    own.refresh_from_db()
    assert own.progress == 50


def test_others_may_not_add_sub_steps(api, member, leader, measures):
    late = measures[2]

    for user in (member, leader):
        response = api(user).post(BASE + f"measures/{late.pk}/substeps/", {"title": "x"})
        assert response.status_code == 403

    assert not late.substeps.exists()


def test_the_responsible_person_of_a_sub_step_reports_its_progress(api, member, measures):
    steps = measures[1]
    mine, other = steps.substeps.order_by("order")
    client = api(member)
    url = BASE + f"measures/{steps.pk}/substeps/"

    reported = client.patch(url + f"{mine.pk}/", {"progress": 80})
    renamed = client.patch(url + f"{mine.pk}/", {"title": "Anders"})
    foreign = client.patch(url + f"{other.pk}/", {"done": False})
    removed = client.delete(url + f"{mine.pk}/")

    assert reported.status_code == 200
    assert reported.json()["progress"] == 80
    assert (renamed.status_code, foreign.status_code, removed.status_code) == (403, 403, 403)
    mine.refresh_from_db()
    other.refresh_from_db()
    steps.refresh_from_db()
    assert (mine.title, mine.progress, other.done, steps.progress) == ("Übersetzung", 80, True, 90)
    assert client.get(url).json()[0]["progress"] == 80


def test_a_bad_sub_step_is_a_400(api, coordinator, measures):
    steps = measures[1]
    step = steps.substeps.first()
    url = BASE + f"measures/{steps.pk}/substeps/"

    empty = api(coordinator).post(url, {"title": " "})
    too_much = api(coordinator).patch(url + f"{step.pk}/", {"progress": 150})

    assert (empty.status_code, too_much.status_code) == (400, 400)
    assert "progress" in too_much.json()
    assert SubStep.objects.count() == 2


def test_coordinators_delete_sub_steps_and_the_progress_rolls_up(api, coordinator, measures):
    steps = measures[1]
    first = steps.substeps.order_by("order").first()

    response = api(coordinator).delete(BASE + f"measures/{steps.pk}/substeps/{first.pk}/")

    assert response.status_code == 204
    steps.refresh_from_db()
    assert steps.progress == 100


def test_sub_steps_of_another_measure_are_not_found(api, coordinator, measures):
    own, steps = measures[0], measures[1]
    step = steps.substeps.first()

    response = api(coordinator).get(BASE + f"measures/{own.pk}/substeps/{step.pk}/")

    assert response.status_code == 404


# --- timeline and reflection -------------------------------------------------------------------


def test_the_responsible_person_adds_to_the_timeline(api, member, measures):
    own = measures[0]
    client = api(member)
    url = BASE + f"measures/{own.pk}/updates/"

    first = client.post(url, {"text": "Erstes Elterncafé", "status": "running", "progress": 30})
    second = client.post(url, {"text": "Zweites", "date": day(-1).isoformat()})

    assert (first.status_code, second.status_code) == (201, 201), first.content
    assert first.json()["author"] == member.username
    own.refresh_from_db()
    assert (own.status, own.progress) == ("running", 30)
    timeline = client.get(url).json()
    assert [u["text"] for u in timeline] == ["Erstes Elterncafé", "Zweites"]
    detail = client.get(BASE + f"measures/{own.pk}/").json()
    assert [u["text"] for u in detail["latest_updates"]] == ["Erstes Elterncafé", "Zweites"]


def test_others_may_not_add_to_the_timeline(api, member, leader, measures):
    late = measures[2]

    for user in (member, leader):
        assert (
            api(user).post(BASE + f"measures/{late.pk}/updates/", {"text": "x"}).status_code == 403
        )

    assert not MeasureUpdate.objects.exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [({"text": " "}, "text"), ({"text": "x", "date": day(2).isoformat()}, "date")],
)
def test_bad_timeline_entries_are_a_400(api, member, measures, data, name):
    response = api(member).post(BASE + f"measures/{measures[0].pk}/updates/", data)

    assert response.status_code == 400
    assert name in response.json()
    assert not MeasureUpdate.objects.exists()


def test_the_responsible_person_writes_the_reflection(api, member, measures):
    own = measures[0]
    url = BASE + f"measures/{own.pk}/reflection/"

    missing = api(member).put(url, {"outcome": "successful", "outcome_reason": ""})
    saved = api(member).put(
        url, {"outcome": "successful", "outcome_reason": "Viele Eltern", "lessons": "Nachmittags"}
    )

    assert missing.status_code == 400
    assert list(missing.json()) == ["outcome_reason"]
    assert saved.status_code == 200
    assert (saved.json()["outcome"], saved.json()["lessons"]) == ("successful", "Nachmittags")
    assert api(member).put(BASE + f"measures/{measures[2].pk}/reflection/", {}).status_code == 403


# --- impact hypotheses -------------------------------------------------------------------------


def test_hypotheses_are_created_read_filtered_and_changed(
    api, coordinator, member, conference, goals, measures
):
    created = api(coordinator).post(
        BASE + "hypotheses/",
        {
            "conference": conference.pk,
            "if_text": "das Familienzentrum berät in der Kita",
            "then_text": "stellen mehr Familien Anträge",
            "evidence": "local",
            "goals": [goals[1].pk],
            "measures": [measures[1].pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]

    listed = api(member).get(BASE + f"hypotheses/?goal={goals[1].pk}")
    other = api(member).get(BASE + f"hypotheses/?goal={goals[0].pk}")
    changed = api(coordinator).patch(BASE + f"hypotheses/{pk}/", {"evidence": "scientific"})
    refused = api(member).patch(BASE + f"hypotheses/{pk}/", {"evidence": "assumption"})

    assert ids(listed) == [pk]
    assert ids(other) == []
    assert changed.json()["evidence"] == "scientific"
    assert refused.status_code == 403
    assert ImpactHypothesis.objects.get().evidence == "scientific"
    goal = api(member).get(BASE + f"goals/{goals[1].pk}/").json()
    assert goal["hypotheses"] == [pk]

    not_deleted = api(member).delete(BASE + f"hypotheses/{pk}/")
    deleted = api(coordinator).delete(BASE + f"hypotheses/{pk}/")

    assert not_deleted.status_code == 403
    assert deleted.status_code == 204
    assert not ImpactHypothesis.objects.exists()


def test_a_bad_hypothesis_is_a_400(api, coordinator, conference):
    response = api(coordinator).post(
        BASE + "hypotheses/", {"conference": conference.pk, "if_text": "a", "then_text": " "}
    )

    assert response.status_code == 400
    assert not ImpactHypothesis.objects.exists()


# --- schema ------------------------------------------------------------------------------------


def test_the_schema_describes_the_endpoints(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    paths = schema["paths"]
    for path in (
        "goals/",
        "goals/{id}/",
        "measures/",
        "measures/{id}/",
        "measures/{measure}/substeps/",
        "measures/{measure}/substeps/{id}/",
        "measures/{measure}/updates/",
        "measures/{measure}/reflection/",
        "hypotheses/",
    ):
        assert "/api/v1/municipalities/{slug}/" + path in paths, path
    measures_get = paths["/api/v1/municipalities/{slug}/measures/"]["get"]
    assert {p["name"] for p in measures_get["parameters"]} >= {"overdue", "mine", "status"}
    assert measures_get["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )


def test_a_data_admin_reads_but_does_not_write(api, vechta, member_of, measures):
    data_admin = member_of(vechta, Role.DATA_ADMIN, username="nur-daten")

    assert api(data_admin).get(BASE + "measures/").status_code == 200
    assert api(data_admin).delete(BASE + f"measures/{measures[3].pk}/").status_code == 403
