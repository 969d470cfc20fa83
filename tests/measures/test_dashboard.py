"""The leadership dashboard (page and API): goals by attainment status from real atlas values,
measures by status, the overdue list, counts per area and field of action, changes since the
last visit, filters, permissions, suppression and a fixed number of queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from atlas_data.models import Area, Indicator, Value
from atlas_data.services import ensure_level, ensure_root
from conferences.models import Conference, FieldOfAction
from measures import selectors_dashboard
from measures.attainment import NO_DATA, OFF_TRACK, ON_TRACK, REACHED, Point
from measures.models import DashboardVisit, Goal, Measure
from measures.selectors_dashboard import Filters, sparkline
from measures.services import (
    add_update,
    create_goal,
    create_measure,
    save_substep,
    update_goal,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
PAGE = "/app/measures/dashboard/"
INDEX = "/app/measures/"
API = "/api/v1/municipalities/musterstadt/dashboard/"

TODAY = timezone.localdate()
FUTURE = datetime.date(TODAY.year + 3, 12, 31)
PAST = TODAY - datetime.timedelta(days=10)

# Share of children in SGB II households in Musterstadt: 2021 rests on 3 children only and is
# suppressed (threshold 3); its value 2.87 must never leave the atlas.
SHARES = {
    2019: (12.4, 124, 1000),
    2020: (11.9, 119, 1000),
    2021: (2.87, 3, 104.5),
    2022: (10.8, 108, 1000),
}
SUPPRESSED_TEXTS = ("2,87", "2.87")


def store(indicator, area, values):
    Value.objects.bulk_create(
        Value(
            indicator=indicator,
            area=area,
            year=year,
            value=value,
            numerator=numerator,
            denominator=denominator,
        )
        for year, (value, numerator, denominator) in values.items()
    )


class World:
    """Musterstadt with two districts, a planning and an area conference, fields of action,
    users per role and an indicator with four years of values."""

    def __init__(self, municipality, member_of):
        self.municipality = municipality
        self.root = ensure_root(municipality=municipality)
        level = ensure_level(municipality=municipality, name="Stadtteile")
        self.north = Area.objects.create(
            municipality=municipality, level=level, parent=self.root, key="01", name="Nord"
        )
        self.south = Area.objects.create(
            municipality=municipality, level=level, parent=self.root, key="02", name="Süd"
        )
        self.indicator = self.share("Kinder in SGB-II-Bedarfsgemeinschaften")
        self.planning = Conference.objects.create(
            municipality=municipality,
            kind=Conference.Kind.PLANNING,
            name="Sozialplanungskonferenz Musterstadt",
        )
        self.area_conference = Conference.objects.create(
            municipality=municipality, kind=Conference.Kind.AREA, name="Sozialraumkonferenz Nord"
        )
        self.area_conference.areas.set([self.north])
        self.poverty = FieldOfAction.objects.create(
            conference=self.planning, title="Kinderarmut begegnen"
        )
        self.poverty_north = FieldOfAction.objects.create(
            conference=self.area_conference,
            title="Armut im Norden",
            derived_from=self.poverty,
        )
        self.education = FieldOfAction.objects.create(
            conference=self.planning, title="Frühe Bildung"
        )
        self.coordinator = member_of(municipality, Role.COORDINATOR, username="koordination")
        self.leader = member_of(municipality, Role.LEADERSHIP, username="leitung")
        self.member = member_of(municipality, Role.MEMBER, username="mitglied")
        self.coordinator.first_name, self.coordinator.last_name = "Kai", "Koordination"
        self.coordinator.save()

    def share(self, name):
        indicator = Indicator.objects.create(
            municipality=self.municipality,
            name=name,
            kind=Indicator.Kind.SHARE,
            unit="%",
            decimals=2,
            polarity=Indicator.Polarity.HIGHER_WORSE,
        )
        store(indicator, self.root, SHARES)
        return indicator

    def goal(self, title, *, target=None, deadline=FUTURE, indicator=None, **data):
        base = {"conference": self.planning, "title": title, "deadline": deadline}
        if target is not None:
            base |= {
                "indicator": indicator or self.indicator,
                "measurement_area": self.root,
                "baseline_year": 2019,
                "target_value": target,
            }
        else:
            base["qualitative_criterion"] = "Die Kitas berichten von weniger Abmeldungen."
        return create_goal(user=self.coordinator, municipality=self.municipality, data=base | data)

    def measure(self, title, *, substeps=(), **data):
        base = {
            "conference": self.planning,
            "title": title,
            "responsible_user": self.coordinator,
            "status": Measure.Status.RUNNING,
        }
        return create_measure(
            user=self.coordinator,
            municipality=self.municipality,
            data=base | data,
            substeps=substeps,
        )


@pytest.fixture
def world(municipality, member_of):
    return World(municipality, member_of)


@pytest.fixture
def seeded(world):
    """Four goals (on track, off track, reached, qualitative) and four measures, one of them
    overdue and one with an overdue sub-step."""
    world.on_track = world.goal(
        "Weniger Kinder in Armut", target=9.4, field_of_action=world.poverty
    )
    world.off_track = world.goal(
        "Kinderarmut halbieren", target=6.2, deadline=PAST, field_of_action=world.poverty
    )
    world.reached = world.goal("Erste Senkung erreichen", target=11.0)
    world.qualitative = world.goal(
        "Kitas im Norden stärken",
        conference=world.area_conference,
        level="area",
        parent=world.on_track,
        areas=[world.north],
        field_of_action=world.poverty_north,
    )
    world.overdue = world.measure(
        "Familienbüro eröffnen",
        deadline=PAST,
        goals=[world.on_track],
        areas=[world.north],
        field_of_action=world.poverty,
    )
    world.with_step = world.measure(
        "Sprachförderung ausbauen",
        deadline=FUTURE,
        field_of_action=world.education,
        substeps=[
            {"title": "Fachkräfte gewinnen", "deadline": PAST, "responsible_user": world.member},
            {"title": "Räume finden", "deadline": FUTURE},
        ],
    )
    world.done = world.measure("Elternbrief verschicken", deadline=PAST, status=Measure.Status.DONE)
    world.north_measure = world.measure(
        "Stadtteilfest Nord",
        conference=world.area_conference,
        status=Measure.Status.PLANNED,
        areas=[world.north],
        field_of_action=world.poverty_north,
    )
    return world


def client_for(client, user):
    client.force_login(user)
    return client


def api_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- sparkline (pure) --------------------------------------------------------------------------


def test_sparkline_breaks_the_line_at_a_suppressed_year_and_keeps_no_number():
    points = [
        Point(2019, 12.4, "12,40 %"),
        Point(2020, 11.9, "11,90 %"),
        Point(2021, None, "k. A.", suppressed=True),
        Point(2022, 10.8, "10,80 %"),
        Point(2023, 10.1, "10,10 %"),
    ]

    spark = sparkline(points, target=9.4, target_display="9,40 %")

    assert len(spark.paths) == 2  # 2019–2020 and 2022–2023
    assert [gap.year for gap in spark.gaps] == [2021]
    assert spark.gaps[0].y is None
    assert [dot.year for dot in spark.dots] == [2019, 2020, 2022, 2023]
    assert "2021: k. A." in spark.label
    assert spark.dots[0].x == 4 and spark.dots[-1].x == 156  # first and last year at the edges
    # Lower values lie lower; the target is the lowest line.
    assert spark.dots[0].y < spark.dots[-1].y < spark.target_y


def test_sparkline_without_any_number_is_none():
    assert sparkline([Point(2021, None, "k. A.", suppressed=True)]) is None
    assert sparkline([]) is None


# --- content -----------------------------------------------------------------------------------


def test_goals_are_grouped_by_their_attainment_from_the_atlas(client, seeded):
    response = client_for(client, seeded.leader).get(PAGE)

    assert response.status_code == 200
    board = response.context["board"]
    status = {row.goal.pk: row.status for row in board.goal_rows}
    assert status == {
        seeded.on_track.pk: ON_TRACK,
        seeded.off_track.pk: OFF_TRACK,
        seeded.reached.pk: REACHED,
        seeded.qualitative.pk: NO_DATA,
    }
    # Off track first, then on track, reached, no data.
    assert [group.status for group in board.goal_groups] == [
        OFF_TRACK,
        ON_TRACK,
        REACHED,
        NO_DATA,
    ]
    row = next(r for r in board.goal_rows if r.goal == seeded.on_track)
    # (10.8 − 12.4) / (9.4 − 12.4) = 53.3 % of the way; latest shown value 2022.
    assert row.percent == 53
    assert row.bar_percent == 53.3
    assert (row.baseline_display, row.latest_display, row.target_display) == (
        "12,40 %",
        "10,80 %",
        "9,40 %",
    )
    assert row.attainment.latest_year == 2022
    reached = next(r for r in board.goal_rows if r.goal == seeded.reached)
    assert reached.percent == 114 and reached.bar_percent == 100  # the bar is clipped

    page = response.content.decode()
    assert f'id="goal-{seeded.on_track.pk}" data-status="on_track"' in page
    assert 'style="width: 53.3%"' in page
    assert 'style="width: 100.0%"' in page
    assert "12,40 %" in page and "10,80 %" in page and "9,40 %" in page
    assert f'href="/app/measures/goals/{seeded.on_track.pk}/"' in page


def test_the_trend_at_the_deadline_is_shown_as_a_value_of_the_indicator(client, seeded):
    response = client_for(client, seeded.leader).get(PAGE)

    row = next(r for r in response.context["board"].goal_rows if r.goal == seeded.on_track)
    # Least squares over the baseline 2019 and the shown values 2020 and 2022 (2021 is
    # suppressed), carried on to the deadline's year.
    years, values = (2019, 2020, 2022), (12.4, 11.9, 10.8)
    mean_year, mean_value = sum(years) / 3, sum(values) / 3
    slope = sum((y - mean_year) * (v - mean_value) for y, v in zip(years, values, strict=True))
    slope /= sum((y - mean_year) ** 2 for y in years)
    expected = mean_value + slope * (FUTURE.year - mean_year)
    shown = f"{max(0.0, expected):.2f}".replace(".", ",") + " %"
    assert row.forecast_display == shown
    page = " ".join(response.content.decode().split())
    assert f"Bei gleichem Trend: {shown} im Jahr {FUTURE.year}" in page


def test_a_trend_below_zero_is_shown_as_zero_for_a_share(world):
    assert world.indicator.kind == Indicator.Kind.SHARE
    goal = world.goal("Schnell sinken", target=1.0)
    assert selectors_dashboard._forecast_number(goal, -7.5) == "0,00 %"
    assert selectors_dashboard._forecast_number(goal, 130.0) == "100,00 %"
    assert selectors_dashboard._forecast_number(goal, 9.25) == "9,25 %"
    assert selectors_dashboard._forecast_number(goal, None) == ""


def test_measures_by_status_overdue_and_counts(client, seeded):
    response = client_for(client, seeded.leader).get(PAGE)
    board = response.context["board"]

    counts = {row.status: row.count for row in board.measures_by_status}
    assert counts == {"planned": 1, "running": 2, "done": 1, "delayed": 0, "dropped": 0}
    assert [(item.kind, item.title) for item in board.overdue] == [
        ("measure", "Familienbüro eröffnen"),
        ("substep", "Fachkräfte gewinnen"),
    ]
    step = board.overdue[1]
    assert step.days_overdue == 10
    assert step.responsible == seeded.member.username
    # The done measure with a past deadline is not overdue.
    assert seeded.done.pk not in {item.measure.pk for item in board.overdue}

    per_area = {row.pk: (row.goals, row.measures) for row in board.per_area}
    # Goals measured in the whole municipality count there; the qualitative one in Nord.
    assert per_area == {seeded.root.pk: (3, 0), seeded.north.pk: (1, 2), None: (0, 2)}
    assert [row.label for row in board.per_area][:2] == ["Musterstadt", "Nord"]
    per_field = {row.pk: (row.goals, row.measures) for row in board.per_field_of_action}
    assert per_field == {
        seeded.poverty.pk: (2, 1),
        seeded.poverty_north.pk: (1, 1),
        seeded.education.pk: (0, 1),
        None: (1, 1),
    }

    page = response.content.decode()
    assert f'href="/app/measures/plan/{seeded.overdue.pk}/"' in page
    assert 'id="summary-overdue">2<' in page
    data = json.loads(
        page.split('id="keck-dashboard-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["statuses"]["counts"] == [1, 2, 1, 0, 0]
    assert sorted(data["fields"]["measures"]) == [1, 1, 1, 1]


def test_filters_limit_goals_and_measures(client, seeded):
    client = client_for(client, seeded.leader)

    def titles(query):
        board = client.get(PAGE, query).context["board"]
        return (
            {row.goal.title for row in board.goal_rows},
            {item.measure.title for item in board.overdue},
            board.measure_count,
        )

    goals, overdue, count = titles({"conference": seeded.area_conference.pk})
    assert goals == {"Kitas im Norden stärken"}
    assert (overdue, count) == (set(), 1)

    goals, overdue, count = titles({"area": seeded.north.pk})
    assert goals == {"Kitas im Norden stärken"}
    assert overdue == {"Familienbüro eröffnen"}
    assert count == 2

    # A field of action includes the fields that area conferences derived from it.
    goals, overdue, count = titles({"field_of_action": seeded.poverty.pk})
    assert goals == {"Weniger Kinder in Armut", "Kinderarmut halbieren", "Kitas im Norden stärken"}
    assert overdue == {"Familienbüro eröffnen"}
    assert count == 2

    goals, _overdue, count = titles(
        {"field_of_action": seeded.education.pk, "conference": seeded.planning.pk}
    )
    assert goals == set() and count == 1


def test_a_filter_of_another_municipality_is_refused_and_all_is_shown(
    client, seeded, other_municipality
):
    foreign = Conference.objects.create(
        municipality=other_municipality, kind=Conference.Kind.PLANNING, name="Fremd"
    )

    response = client_for(client, seeded.leader).get(PAGE, {"conference": foreign.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["conference"]
    assert response.context["board"].filters == Filters()
    assert len(response.context["board"].goal_rows) == 4


# --- changes since the last visit --------------------------------------------------------------


def test_changes_since_the_last_visit(client, seeded):
    client = client_for(client, seeded.leader)
    assert not DashboardVisit.objects.filter(user=seeded.leader).exists()

    first = client.get(PAGE).context["board"]

    # First visit: everything of the last 30 days, with who did it.
    assert first.first_visit
    assert timezone.now() - first.since > datetime.timedelta(days=29)
    created = {(c.kind, c.title, c.who) for c in first.changes if c.action == "created"}
    assert ("goal", "Weniger Kinder in Armut", "Kai Koordination") in created
    assert ("measure", "Familienbüro eröffnen", "Kai Koordination") in created
    visit = DashboardVisit.objects.get(user=seeded.leader, municipality=seeded.municipality)

    new = seeded.measure("Ferienprogramm planen", deadline=FUTURE)
    add_update(
        user=seeded.coordinator,
        measure=seeded.overdue,
        text="Räume angemietet, Eröffnung verschoben",
        status=Measure.Status.DELAYED,
        progress=40,
    )
    save_substep(
        user=seeded.member,
        measure=seeded.with_step,
        substep=seeded.with_step.substeps.get(title="Fachkräfte gewinnen"),
        data={"done": True},
    )

    response = client.get(PAGE)
    second = response.context["board"]

    assert not second.first_visit
    assert second.since == visit.seen_at
    kinds = {(c.kind, c.action, c.title) for c in second.changes}
    assert ("measure", "created", "Ferienprogramm planen") in kinds
    assert ("update", "update", "Familienbüro eröffnen") in kinds
    assert ("measure", "changed", "Familienbüro eröffnen") in kinds  # the new status
    assert all(c.title != "Weniger Kinder in Armut" for c in second.changes)
    update = next(c for c in second.changes if c.kind == "update")
    assert update.who == "Kai Koordination"
    assert update.update.progress == 40
    page = response.content.decode()
    assert "Räume angemietet, Eröffnung verschoben" in page
    assert f'href="/app/measures/plan/{new.pk}/"' in page
    # The sub-step done: no longer overdue.
    assert [item.title for item in second.overdue] == ["Familienbüro eröffnen"]

    third = client.get(PAGE).context["board"]
    assert third.changes == []
    assert DashboardVisit.objects.filter(user=seeded.leader).count() == 1


def test_filtering_keeps_the_changes_of_this_visit(client, seeded):
    client = client_for(client, seeded.leader)
    first = client.get(PAGE)
    since = first.context["since_value"]

    filtered = client.get(PAGE, {"since": since, "conference": seeded.planning.pk})

    changes = filtered.context["board"].changes
    assert {c.title for c in changes} >= {"Weniger Kinder in Armut", "Familienbüro eröffnen"}
    assert "Stadtteilfest Nord" not in {c.title for c in changes}


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.COORDINATOR, Role.MUNICIPAL_ADMIN])
def test_leadership_and_coordination_get_the_dashboard_as_index(client, world, member_of, role):
    client = client_for(client, member_of(world.municipality, role))

    response = client.get(INDEX)

    assert response.status_code == 200
    assert response.templates[0].name == "measures/dashboard.html"
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("role", [Role.MEMBER, Role.DATA_ADMIN])
def test_other_members_land_on_the_measure_plan(client, world, member_of, role):
    client = client_for(client, member_of(world.municipality, role))

    response = client.get(INDEX)

    assert response.status_code == 302
    assert response["Location"] == "/app/measures/plan/"
    assert client.get(PAGE).status_code == 403
    assert not DashboardVisit.objects.exists()


def test_the_selector_and_the_visit_require_the_dashboard_right(world):
    with pytest.raises(PermissionDenied):
        selectors_dashboard.dashboard(
            user=world.member, municipality=world.municipality, since=timezone.now()
        )
    from measures.services_dashboard import record_visit

    with pytest.raises(PermissionDenied):
        record_visit(user=world.member, municipality=world.municipality)


def test_leadership_of_another_municipality_sees_only_its_own(
    client, seeded, other_municipality, member_of
):
    outsider = member_of(other_municipality, Role.LEADERSHIP)

    response = client_for(client, outsider).get(PAGE)

    assert response.status_code == 200
    assert response.context["board"].municipality == other_municipality
    assert "Weniger Kinder in Armut" not in response.content.decode()
    assert api_for(outsider).get(API).status_code == 404


def test_api_permissions(seeded):
    seeded.municipality.public_atlas_enabled = True
    seeded.municipality.save()

    assert api_for().get(API).status_code == 404
    assert api_for(seeded.member).get(API).status_code == 403
    assert api_for(seeded.leader).get(API).status_code == 200
    assert api_for(seeded.coordinator).get(API).status_code == 200


# --- API ---------------------------------------------------------------------------------------


def test_api_gives_the_same_data_with_filters(seeded):
    response = api_for(seeded.leader).get(API)

    assert response.status_code == 200
    data = response.json()
    goals = {goal["title"]: goal for goal in data["goals"]}
    on_track = goals["Weniger Kinder in Armut"]
    assert on_track["status"] == "on_track"
    assert round(on_track["percent"], 1) == 53.3
    assert on_track["baseline"] == 12.4 and on_track["latest"] == 10.8
    assert on_track["latest_display"] == "10,80 %"
    assert [p["year"] for p in on_track["points"]] == [2019, 2020, 2021, 2022]
    assert {g["status"]: g["count"] for g in data["goals_by_status"]}["off_track"] == 1
    assert [(o["kind"], o["title"]) for o in data["overdue"]] == [
        ("measure", "Familienbüro eröffnen"),
        ("substep", "Fachkräfte gewinnen"),
    ]
    assert data["measure_count"] == 4
    assert data["first_visit"] is True
    assert not DashboardVisit.objects.exists()  # reading the API is no visit

    filtered = api_for(seeded.leader).get(API, {"area": seeded.north.pk}).json()
    assert [goal["title"] for goal in filtered["goals"]] == ["Kitas im Norden stärken"]
    assert filtered["filters"] == {
        "conference": None,
        "area": seeded.north.pk,
        "field_of_action": None,
    }

    # Any area of the municipality is a valid filter, also one without goals or measures.
    south = api_for(seeded.leader).get(API, {"area": seeded.south.pk}).json()
    assert (south["goals"], south["measure_count"]) == ([], 0)

    since = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    later = api_for(seeded.leader).get(API, {"since": since}).json()
    assert later["changes"] == [] and later["first_visit"] is False


def test_api_refuses_unknown_filters(seeded, other_municipality):
    foreign = Area.objects.create(
        municipality=other_municipality,
        level=ensure_root(municipality=other_municipality).level,
        key="x",
        name="Fremd",
    )

    response = api_for(seeded.leader).get(API, {"area": foreign.pk, "since": "gestern"})

    assert response.status_code == 400
    assert set(response.json()) == {"area", "since"}


def test_api_is_documented(client):
    schema = client.get("/api/schema/?format=json")

    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/municipalities/{slug}/dashboard/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "conference",
        "area",
        "field_of_action",
        "since",
    }


# --- suppression -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADERSHIP, Role.MUNICIPAL_ADMIN])
def test_a_suppressed_value_never_appears(client, seeded, member_of, role):
    """Even a municipal admin, who may see suppressed values in the atlas, sees `k. A.` here."""
    user = member_of(seeded.municipality, role)

    page = client_for(client, user).get(PAGE).content.decode()
    api = api_for(user).get(API)

    for text in SUPPRESSED_TEXTS:
        assert text not in page
        assert text not in api.content.decode()
    assert 'data-year="2021"' in page  # the gap in the sparkline
    assert "2021: k. A." in page
    point = next(
        p for p in api.json()["goals"][0]["points"] if p["year"] == 2021
    )  # any quantitative goal: all share the indicator
    assert point == {"year": 2021, "value": None, "display": "k. A.", "suppressed": True}


# --- queries -----------------------------------------------------------------------------------


def _grow(world, start, count):
    for index in range(start, start + count):
        indicator = world.share(f"Kennzahl {index}")
        goal = world.goal(
            f"Ziel {index}", target=9.0, indicator=indicator, field_of_action=world.poverty
        )
        goal.areas.add(world.north)
        measure = world.measure(
            f"Maßnahme {index}",
            deadline=PAST,
            goals=[goal],
            areas=[world.north, world.south],
            field_of_action=world.education,
            substeps=[
                {"title": f"Schritt {index}a", "deadline": PAST, "responsible_user": world.member},
                {"title": f"Schritt {index}b", "deadline": FUTURE},
            ],
        )
        add_update(user=world.coordinator, measure=measure, text=f"Stand {index}", progress=10)


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_the_number_of_queries_does_not_grow_with_goals_and_measures(client, world):
    _grow(world, 0, 2)
    since = timezone.now()
    # Changed after `since`: their editors are read from the history.
    for goal in Goal.objects.filter(title__startswith="Ziel "):
        update_goal(user=world.coordinator, goal=goal, data={"target_value": 8.5})
    for measure in Measure.objects.filter(title__startswith="Maßnahme "):
        add_update(user=world.coordinator, measure=measure, text="Weiter", progress=20)
    query = {"since": since.isoformat()}
    page_client = client_for(client, world.leader)
    page_client.get(PAGE, query)  # the first visit is recorded with an insert, later ones update

    def api():  # a new request object each time, as in production
        return api_for(User.objects.get(pk=world.leader.pk))

    small_page, response = _queries(page_client, PAGE, query)
    board = response.context["board"]
    assert len(board.goal_rows) == 2
    assert {c.action for c in board.changes} == {"changed", "update"}
    small_api, _ = _queries(api(), API, query)

    _grow(world, 2, 6)
    # The first request after a data change fills the atlas cache once; compare warm requests.
    page_client.get(PAGE, query)
    large_page, response = _queries(page_client, PAGE, query)
    board = response.context["board"]
    assert len(board.goal_rows) == 8 and board.measure_count == 8
    assert len(board.overdue) == 16
    assert len([c for c in board.changes if c.kind == "update"]) == 8
    assert len([c for c in board.changes if c.action == "created"]) == 12
    large_api, _ = _queries(api(), API, query)

    assert large_page == small_page
    assert large_api == small_api
