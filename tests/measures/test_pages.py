"""The pages of goals, impact hypotheses and the measure plan: who reads and who changes what,
the forms' round trips through measures.services, bad input, other municipalities."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from atlas_data.models import Area, Indicator
from conferences.models import Conference, ConferenceMember
from measures import services
from measures.models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep
from tests.conferences.analysis_fixtures import *  # noqa: F403
from tests.conferences.analysis_fixtures import U15, store_shares
from tests.factories import GoalFactory, MeasureFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_YEAR = datetime.date(TODAY.year + 1, 12, 31)
REASON = "Kitas und Familienzentren berichten seit Jahren von wachsendem Bedarf im Quartier."


@pytest.fixture
def as_user(client):
    """Log in `user`; English pages, so that tests read the source strings."""

    def login(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def u15(vechta, share):
    """The share of under-15-year-olds with two more (synthetic) years for the town of Vechta;
    lower is better here, so that a goal can fall from 15,03 % towards 14 %."""
    indicator = share(U15)
    store_shares(indicator, 2014, {"03460009": 14.8})
    store_shares(indicator, 2015, {"03460009": 14.5})
    Indicator.objects.filter(pk=indicator.pk).update(polarity=Indicator.Polarity.HIGHER_WORSE)
    indicator.refresh_from_db()
    return indicator


@pytest.fixture
def town(vechta):
    return Area.objects.get(municipality=vechta, name="Vechta")


@pytest.fixture
def goal(coordinator, vechta, conference, u15, town):
    return services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Weniger Kinder unter 15 in der Stadt Vechta",
            "target_group": "Kinder unter 15 Jahren",
            "areas": [town],
            "indicator": u15,
            "measurement_area": town,
            "baseline_year": 2013,
            "target_value": 14.0,
            "acceptance": REASON,
            "realism": REASON,
            "deadline": NEXT_YEAR,
        },
    )


@pytest.fixture
def area_conference(vechta, town):
    conference = Conference.objects.create(
        municipality=vechta, kind=Conference.Kind.AREA, name="Sozialraumkonferenz Vechta-Stadt"
    )
    conference.areas.set([town])
    return conference


@pytest.fixture
def area_goal(coordinator, vechta, area_conference, goal):
    return services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": area_conference,
            "parent": goal,
            "title": "Familienzentrum Vechta-Nord erreicht mehr Familien",
            "qualitative_criterion": REASON,
            "deadline": NEXT_YEAR,
        },
    )


@pytest.fixture
def helper(vechta, member_of):
    """A member responsible for one sub-step only."""
    return member_of(vechta, Role.MEMBER, username="helferin")


@pytest.fixture
def measure(coordinator, vechta, conference, goal, member, helper):
    return services.create_measure(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Elterncafé im Familienzentrum",
            "responsible_user": member,
            "support": "Kita St. Georg",
            "deadline": NEXT_YEAR,
            "goals": [goal],
        },
        substeps=[
            {"title": "Raum klären", "responsible_user": helper, "deadline": NEXT_YEAR},
            {"title": "Einladungen verteilen", "deadline": NEXT_YEAR},
        ],
    )


def url(name, *args):
    return reverse(f"measures:{name}", args=args)


def html_of(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------------------------
# Goals: reading


def test_member_reads_the_goal_list_with_the_attainment(as_user, member, goal):
    page = as_user(member).get(url("goals"))

    assert page.status_code == 200
    html = html_of(page)
    assert goal.title in html
    # 15,03 % → 14,5 % (2015) on the way to 14 %: 51 % of the way.
    assert "51 % of the way" in html
    assert 'class="keck-att ' in html
    assert url("goal_new") not in html


def test_goal_list_nests_area_goals_under_the_goal_they_refine(as_user, member, goal, area_goal):
    html = html_of(as_user(member).get(url("goals")))

    group = html[html.index(f'id="goal-{goal.pk}"') :]
    refinements = group[group.index("keck-refinements") :]
    assert area_goal.title in refinements
    assert html.count(area_goal.title) == 1


def test_goal_list_filters_by_conference(as_user, member, goal, area_goal, area_conference):
    html = html_of(as_user(member).get(url("goals"), {"conference": area_conference.pk}))

    assert f'id="goal-{area_goal.pk}"' in html
    assert f'id="goal-{goal.pk}"' not in html
    # The area goal names the municipal goal it refines, which the filter hides.
    assert f'Refines: <a href="{url("goal_detail", goal.pk)}">' in html


def test_goal_list_filters_by_field_of_action(as_user, member, coordinator, goal, conference):
    from conferences.models import FieldOfAction

    field = FieldOfAction.objects.create(conference=conference, title="Frühe Hilfen")
    services.update_goal(user=coordinator, goal=goal, data={"field_of_action": field})
    other = FieldOfAction.objects.create(conference=conference, title="Schule")

    client = as_user(member)
    assert goal.title in html_of(client.get(url("goals"), {"field_of_action": field.pk}))
    assert goal.title not in html_of(client.get(url("goals"), {"field_of_action": other.pk}))


def test_goal_list_runs_a_constant_number_of_queries(as_user, member, goal, vechta, conference):
    client = as_user(member)
    client.get(url("goals"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("goals"))
    for number in range(4):
        GoalFactory(
            municipality=vechta,
            conference=conference,
            level=Goal.Level.MUNICIPAL,
            title=f"Ziel {number}",
            indicator=goal.indicator,
            measurement_area=goal.measurement_area,
            baseline_year=2013,
            baseline_value=15.03,
            target_value=14.0,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url("goals"))

    assert len(many) == len(few)


def test_leadership_reads_the_goal_page_with_smart_check_chart_and_atlas_link(
    as_user, leader, goal, measure
):
    page = as_user(leader).get(url("goal_detail", goal.pk))

    assert page.status_code == 200
    html = html_of(page)
    for letter in "SMART":
        assert f'data-criterion="{letter}" data-state="ok"' in html
    assert "<svg" in html and "polyline" in html
    assert "15,03 %" in html and "14,50 %" in html
    assert reverse("atlas:explore") + "?level=gemeinden" in html
    assert f"indicator={goal.indicator_id}" in html
    assert measure.title in html
    assert url("goal_edit", goal.pk) not in html


def test_the_chart_coordinates_stay_svg_numbers_on_german_pages(client, leader, goal):
    client.force_login(leader)
    html = html_of(client.get(url("goal_detail", goal.pk)))

    svg = html[html.index("<svg") : html.index("</svg>")]
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates)
    assert "15,03 %" in svg  # the labels are German numbers


def test_goal_page_explains_a_missing_baseline(as_user, coordinator, vechta, conference, u15):
    bakum = Area.objects.get(municipality=vechta, name="Bakum")
    goal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Ziel ohne Wert",
            "indicator": u15,
            "measurement_area": bakum,
            "baseline_year": 2015,
            "target_value": 10.0,
        },
    )

    html = html_of(as_user(coordinator).get(url("goal_detail", goal.pk)))

    assert goal.baseline_value is None
    assert "The atlas has no value for Bakum in 2015" in html
    assert 'data-criterion="M" data-state="warning"' in html


def test_goal_of_another_municipality_is_not_found(as_user, outsider, goal):
    client = as_user(outsider)

    assert client.get(url("goal_detail", goal.pk)).status_code == 404
    assert client.get(url("goal_edit", goal.pk)).status_code == 404


def test_anonymous_visitor_is_sent_to_the_login(client, goal):
    page = client.get(url("goal_detail", goal.pk))

    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]


# --------------------------------------------------------------------------------------------
# Goals: writing


def goal_post(conference, indicator, area, **changes):
    data = {
        "conference": conference.pk,
        "title": "Weniger Kinder unter 15",
        "target_group": "Kinder unter 15 Jahren",
        "areas": [area.pk],
        "indicator": indicator.pk,
        "measurement_area": area.pk,
        "baseline_year": "2013",
        "target_value": "14.0",
        "acceptance": REASON,
        "realism": REASON,
        "deadline": NEXT_YEAR.isoformat(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_coordinator_creates_a_goal_with_the_baseline_from_the_atlas(
    as_user, coordinator, conference, u15, town
):
    response = as_user(coordinator).post(url("goal_new"), goal_post(conference, u15, town))

    goal = Goal.objects.get(title="Weniger Kinder unter 15")
    assert response.status_code == 302
    assert response["Location"] == url("goal_detail", goal.pk)
    assert goal.baseline_value == pytest.approx(15.03)
    assert goal.direction == Goal.Direction.DECREASE
    assert goal.level == Goal.Level.MUNICIPAL
    assert list(goal.areas.all()) == [town]


def test_the_smart_check_button_shows_the_check_and_saves_nothing(
    as_user, coordinator, conference, u15, town
):
    response = as_user(coordinator).post(
        url("goal_new"),
        goal_post(conference, u15, town, target_value="16.0", acceptance="", check="1"),
    )

    assert response.status_code == 200
    html = html_of(response)
    assert "Checked, not saved yet." in html
    assert 'data-criterion="M" data-state="warning"' in html
    assert "would be a deterioration" in html
    assert 'data-criterion="A" data-state="missing"' in html
    assert not Goal.objects.exists()


def test_an_indicator_without_area_gets_a_message_and_saves_nothing(
    as_user, coordinator, conference, u15, town
):
    response = as_user(coordinator).post(
        url("goal_new"), goal_post(conference, u15, town, measurement_area="")
    )

    assert response.status_code == 200
    assert "Please choose the area in which the indicator is measured." in html_of(response)
    assert not Goal.objects.exists()


def test_coordinator_edits_a_goal(as_user, coordinator, goal, conference, u15, town):
    response = as_user(coordinator).post(
        url("goal_edit", goal.pk),
        goal_post(conference, u15, town, title="Neuer Titel", baseline_year="2014"),
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Neuer Titel"
    assert goal.baseline_year == 2014
    assert goal.baseline_value == pytest.approx(14.8)


def test_bad_edit_changes_nothing(as_user, coordinator, goal, conference, u15, town):
    response = as_user(coordinator).post(
        url("goal_edit", goal.pk), goal_post(conference, u15, town, title="")
    )

    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.title == "Weniger Kinder unter 15 in der Stadt Vechta"


def test_the_edit_form_offers_only_the_municipalitys_indicators_and_areas(
    as_user, coordinator, goal, other_municipality
):
    from atlas_data.services import ensure_root

    foreign_root = ensure_root(municipality=other_municipality)
    html = html_of(as_user(coordinator).get(url("goal_edit", goal.pk)))

    assert f'<option value="{goal.indicator_id}" selected>' in html
    assert f'<option value="{foreign_root.pk}"' not in html
    assert '<option value="2015">2015</option>' in html


@pytest.mark.parametrize("user_fixture", ["member", "leader"])
def test_members_and_leadership_may_not_change_goals(request, as_user, user_fixture, goal):
    client = as_user(request.getfixturevalue(user_fixture))

    assert client.get(url("goal_new")).status_code == 403
    assert client.get(url("goal_edit", goal.pk)).status_code == 403
    assert client.post(url("goal_delete", goal.pk)).status_code == 403
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_coordinator_deletes_a_goal_after_confirmation(as_user, coordinator, goal):
    client = as_user(coordinator)

    assert goal.title in html_of(client.get(url("goal_delete", goal.pk)))
    response = client.post(url("goal_delete", goal.pk))

    assert response.status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_a_refined_goal_is_not_deleted(as_user, coordinator, goal, area_goal):
    client = as_user(coordinator)
    response = client.post(url("goal_delete", goal.pk), follow=True)

    assert "Area goals refine this goal" in html_of(response)
    assert Goal.objects.filter(pk=goal.pk).exists()


# --------------------------------------------------------------------------------------------
# Impact hypotheses


def test_coordinator_creates_and_edits_an_impact_hypothesis(
    as_user, coordinator, conference, goal, measure
):
    client = as_user(coordinator)
    data = {
        "conference": conference.pk,
        "if_text": "wir ein Elterncafé anbieten",
        "then_text": "erreichen wir mehr Familien",
        "because_text": "Eltern kommen leichter ohne Termin",
        "evidence": "local",
        "source": "Erfahrung Familienzentrum Lohne",
        "goals": [goal.pk],
        "measures": [measure.pk],
    }
    assert client.post(url("hypothesis_new"), data).status_code == 302
    hypothesis = ImpactHypothesis.objects.get()
    assert list(hypothesis.goals.all()) == [goal]
    assert list(hypothesis.measures.all()) == [measure]

    data["evidence"] = "scientific"
    assert client.post(url("hypothesis_edit", hypothesis.pk), data).status_code == 302
    hypothesis.refresh_from_db()
    assert hypothesis.evidence == "scientific"

    html = html_of(client.get(url("hypotheses")))
    assert "wir ein Elterncafé anbieten" in html
    assert "scientific evidence" in html
    assert "wir ein Elterncafé anbieten" in html_of(client.get(url("goal_detail", goal.pk)))

    assert client.get(url("hypothesis_delete", hypothesis.pk)).status_code == 200
    assert client.post(url("hypothesis_delete", hypothesis.pk)).status_code == 302
    assert not ImpactHypothesis.objects.exists()
    assert goal in Goal.objects.all()


def test_a_member_cannot_delete_an_impact_hypothesis(as_user, member, coordinator, conference):
    hypothesis = services.save_hypothesis(
        user=coordinator,
        municipality=conference.municipality,
        data={"conference": conference, "if_text": "wir etwas tun", "then_text": "wirkt es"},
    )

    response = as_user(member).post(url("hypothesis_delete", hypothesis.pk))

    assert response.status_code == 403
    assert ImpactHypothesis.objects.filter(pk=hypothesis.pk).exists()


def test_a_hypothesis_without_then_gets_a_message_and_saves_nothing(
    as_user, coordinator, conference
):
    response = as_user(coordinator).post(
        url("hypothesis_new"),
        {"conference": conference.pk, "if_text": "wir etwas tun", "evidence": "assumption"},
    )

    assert response.status_code == 200
    assert "errorlist" in html_of(response)
    assert not ImpactHypothesis.objects.exists()


def test_member_reads_hypotheses_but_may_not_add_one(as_user, member, conference):
    client = as_user(member)

    assert client.get(url("hypotheses")).status_code == 200
    assert client.get(url("hypothesis_new")).status_code == 403


# --------------------------------------------------------------------------------------------
# The measure plan


PLAN_COLUMNS = [
    "Measure (What?)",
    "Sub-steps (What exactly?)",
    "Responsible (Who?)",
    "Support (With whom?)",
    "Deadline (By when?)",
    "Reference / framework (Which goal is pursued?)",
]


def test_the_plan_has_the_columns_of_the_measure_plan_grouped_by_goal(
    as_user, leader, measure, goal
):
    html = html_of(as_user(leader).get(url("measures")))

    positions = [html.index(f">{column}</th>") for column in PLAN_COLUMNS]
    assert positions == sorted(positions)
    goal_row = html.index('class="goal-row"')
    assert html.index(goal.title, goal_row) < html.index(measure.title, goal_row)
    assert "Raum klären" in html and "helferin" in html
    assert "Kita St. Georg" in html


def test_the_plan_highlights_overdue_measures(as_user, member, vechta, conference):
    MeasureFactory(
        municipality=vechta,
        conference=conference,
        title="Überfällige Maßnahme",
        deadline=TODAY - datetime.timedelta(days=3),
    )
    html = html_of(as_user(member).get(url("measures")))

    row = html[html.index("Überfällige Maßnahme") - 400 : html.index("Überfällige Maßnahme")]
    assert 'class="overdue"' in row
    assert "1 overdue" in html


def test_the_plan_filters_only_mine_status_and_overdue(
    as_user, member, helper, vechta, conference, measure
):
    other = MeasureFactory(
        municipality=vechta,
        conference=conference,
        title="Sprachförderung",
        status=Measure.Status.RUNNING,
        deadline=TODAY - datetime.timedelta(days=1),
    )
    client = as_user(member)

    mine = html_of(client.get(url("measures"), {"mine": "on"}))
    assert measure.title in mine and other.title not in mine
    running = html_of(client.get(url("measures"), {"status": "running"}))
    assert other.title in running and measure.title not in running
    overdue = html_of(client.get(url("measures"), {"status": "overdue"}))
    assert other.title in overdue and measure.title not in overdue

    # A sub-step's responsible person finds the measure under "only mine" too.
    client.force_login(helper)
    assert measure.title in html_of(client.get(url("measures"), {"mine": "on"}))


def test_the_plan_filters_by_area(as_user, member, coordinator, measure, town, vechta):
    services.update_measure(user=coordinator, measure=measure, data={"areas": [town]})
    bakum = Area.objects.get(municipality=vechta, name="Bakum")
    client = as_user(member)

    assert measure.title in html_of(client.get(url("measures"), {"area": town.pk}))
    assert measure.title not in html_of(client.get(url("measures"), {"area": bakum.pk}))


def test_the_plan_runs_a_constant_number_of_queries(as_user, member, measure, vechta, conference):
    client = as_user(member)
    client.get(url("measures"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("measures"))
    for number in range(5):
        services.create_measure(
            user=measure.created_by,
            municipality=vechta,
            data={
                "conference": conference,
                "title": f"Maßnahme {number}",
                "responsible_institution": "Jugendamt",
                "goals": list(measure.goals.all()),
            },
            substeps=[{"title": "Schritt", "deadline": TODAY}],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url("measures"))

    assert len(many) == len(few)


def measure_post(conference, **changes):
    data = {
        "conference": conference.pk,
        "title": "Lesepaten an Grundschulen",
        "responsible_institution": "Stadtbibliothek",
        "deadline": NEXT_YEAR.isoformat(),
        "status": "planned",
        "resources_money": "1500,50",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "Paten gewinnen",
        "steps-0-deadline": NEXT_YEAR.isoformat(),
    }
    data.update(changes)
    return data


def test_coordinator_creates_a_measure_with_sub_steps(
    as_user, coordinator, conference, goal, member
):
    client = as_user(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.post(
        url("measure_new"),
        measure_post(conference, goals=[goal.pk], **{"steps-0-responsible_user": member.pk}),
    )

    measure = Measure.objects.get(title="Lesepaten an Grundschulen")
    assert response.status_code == 302
    assert response["Location"] == url("measure_detail", measure.pk)
    assert [s.title for s in measure.substeps.all()] == ["Paten gewinnen"]
    assert measure.substeps.get().responsible_user == member
    assert str(measure.resources_money) == "1500.50"
    assert list(measure.goals.all()) == [goal]


def test_a_measure_without_responsible_gets_a_message_and_saves_nothing(
    as_user, coordinator, conference
):
    response = as_user(coordinator).post(
        url("measure_new"), measure_post(conference, responsible_institution="", resources_money="")
    )

    assert response.status_code == 200
    assert "Who is responsible?" in html_of(response)
    assert not Measure.objects.exists()
    assert not SubStep.objects.exists()


def test_coordinator_edits_a_measure(as_user, coordinator, measure, conference):
    response = as_user(coordinator).post(
        url("measure_edit", measure.pk),
        {
            "conference": conference.pk,
            "title": "Elterncafé am Samstag",
            "responsible_user": measure.responsible_user_id,
            "status": "running",
        },
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Elterncafé am Samstag"
    assert measure.status == Measure.Status.RUNNING
    assert measure.substeps.count() == 2


def test_coordinator_deletes_a_measure(as_user, coordinator, measure):
    client = as_user(coordinator)

    assert measure.title in html_of(client.get(url("measure_delete", measure.pk)))
    assert client.post(url("measure_delete", measure.pk)).status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()


# --------------------------------------------------------------------------------------------
# A measure's page: the responsible person records, everyone else reads


def test_responsible_member_records_progress_on_their_measure(as_user, member, measure):
    client = as_user(member)
    page = html_of(client.get(url("measure_detail", measure.pk)))
    assert 'id="update-form"' in page
    assert url("measure_edit", measure.pk) not in page

    response = client.post(
        url("measure_add_update", measure.pk),
        {"date": TODAY.isoformat(), "text": "Raum gefunden", "status": "running"},
    )

    assert response.status_code == 302
    update = MeasureUpdate.objects.get()
    assert update.author == member and update.text == "Raum gefunden"
    measure.refresh_from_db()
    assert measure.status == Measure.Status.RUNNING
    assert "Raum gefunden" in html_of(client.get(url("measure_detail", measure.pk)))


def test_an_empty_update_gets_a_message_and_records_nothing(as_user, member, measure):
    response = as_user(member).post(
        url("measure_add_update", measure.pk), {"date": TODAY.isoformat(), "text": ""}
    )

    assert response.status_code == 200
    assert "errorlist" in html_of(response)
    assert not MeasureUpdate.objects.exists()


def test_an_update_in_the_future_gets_a_message_and_records_nothing(as_user, member, measure):
    response = as_user(member).post(
        url("measure_add_update", measure.pk),
        {"date": (TODAY + datetime.timedelta(days=2)).isoformat(), "text": "Später"},
    )

    assert response.status_code == 200
    assert "An update cannot lie in the future." in html_of(response)
    assert not MeasureUpdate.objects.exists()


def test_member_not_responsible_may_not_record_or_edit(as_user, vechta, member_of, measure):
    stranger = member_of(vechta, Role.MEMBER)
    client = as_user(stranger)
    page = html_of(client.get(url("measure_detail", measure.pk)))

    assert 'id="update-form"' not in page
    assert (
        client.post(
            url("measure_add_update", measure.pk), {"date": TODAY.isoformat(), "text": "x"}
        ).status_code
        == 403
    )
    assert client.get(url("measure_edit", measure.pk)).status_code == 403
    step = measure.substeps.first()
    assert (
        client.post(
            url("substep_progress", measure.pk, step.pk), {f"step{step.pk}-progress": "50"}
        ).status_code
        == 403
    )
    assert not MeasureUpdate.objects.exists()


def test_responsible_member_gets_403_on_someone_elses_measure(as_user, member, vechta, conference):
    other = MeasureFactory(municipality=vechta, conference=conference, title="Fremde Maßnahme")
    client = as_user(member)

    assert (
        client.post(
            url("measure_add_update", other.pk), {"date": TODAY.isoformat(), "text": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("measure_reflection", other.pk), {"outcome": "successful", "outcome_reason": "x"}
        ).status_code
        == 403
    )
    assert client.get(url("measure_edit", other.pk)).status_code == 403
    assert client.get(url("substep_new", other.pk)).status_code == 403


def test_responsible_member_updates_a_sub_step_and_progress_rolls_up(as_user, member, measure):
    step = measure.substeps.get(title="Einladungen verteilen")
    response = as_user(member).post(
        url("substep_progress", measure.pk, step.pk), {f"step{step.pk}-done": "on"}
    )

    assert response.status_code == 302
    step.refresh_from_db()
    measure.refresh_from_db()
    assert step.done and step.progress == 100
    assert measure.progress == 50


def test_a_sub_steps_responsible_updates_only_that_sub_step(as_user, helper, measure):
    own = measure.substeps.get(title="Raum klären")
    other = measure.substeps.get(title="Einladungen verteilen")
    client = as_user(helper)
    page = html_of(client.get(url("measure_detail", measure.pk)))
    assert url("substep_progress", measure.pk, own.pk) in page
    assert url("substep_progress", measure.pk, other.pk) not in page

    assert (
        client.post(
            url("substep_progress", measure.pk, own.pk), {f"step{own.pk}-progress": "40"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url("substep_progress", measure.pk, other.pk), {f"step{other.pk}-progress": "40"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("measure_add_update", measure.pk), {"date": TODAY.isoformat(), "text": "x"}
        ).status_code
        == 403
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.progress, other.progress) == (40, 0)


def test_a_bad_sub_step_progress_gets_a_message_and_changes_nothing(as_user, member, measure):
    step = measure.substeps.first()
    response = as_user(member).post(
        url("substep_progress", measure.pk, step.pk), {f"step{step.pk}-progress": "140"}
    )

    assert response.status_code == 200
    assert "errorlist" in html_of(response)
    step.refresh_from_db()
    assert step.progress == 0


def test_responsible_member_adds_edits_and_deletes_a_sub_step(as_user, member, measure):
    client = as_user(member)
    response = client.post(
        url("substep_new", measure.pk), {"title": "Flyer drucken", "deadline": TODAY.isoformat()}
    )
    assert response.status_code == 302
    step = measure.substeps.get(title="Flyer drucken")

    client.post(url("substep_edit", measure.pk, step.pk), {"title": "Flyer drucken lassen"})
    step.refresh_from_db()
    assert step.title == "Flyer drucken lassen"

    client.post(url("substep_delete", measure.pk, step.pk))
    assert not SubStep.objects.filter(pk=step.pk).exists()


def test_responsible_member_saves_the_reflection(as_user, member, measure):
    client = as_user(member)
    response = client.post(
        url("measure_reflection", measure.pk),
        {"outcome": "partly", "outcome_reason": "Wenige Väter kamen", "lessons": "Samstags"},
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.outcome, measure.lessons) == ("partly", "Samstags")
    assert "Wenige Väter kamen" in html_of(client.get(url("measure_detail", measure.pk)))


def test_a_result_without_reason_gets_a_message_and_changes_nothing(as_user, member, measure):
    response = as_user(member).post(
        url("measure_reflection", measure.pk), {"outcome": "successful", "outcome_reason": ""}
    )

    assert response.status_code == 200
    assert "Please say why." in html_of(response)
    measure.refresh_from_db()
    assert measure.outcome == ""


def test_the_responsible_conference_member_user_may_record(
    as_user, vechta, member_of, conference, coordinator
):
    person = member_of(vechta, Role.MEMBER)
    seat = ConferenceMember.objects.create(conference=conference, name="Frau Roth", user=person)
    measure = services.create_measure(
        user=coordinator,
        municipality=vechta,
        data={"conference": conference, "title": "Spielplatzpaten", "responsible_member": seat},
    )

    response = as_user(person).post(
        url("measure_add_update", measure.pk), {"date": TODAY.isoformat(), "text": "Start"}
    )

    assert response.status_code == 302


def test_leadership_reads_a_measure_but_changes_nothing(as_user, leader, measure):
    client = as_user(leader)
    page = client.get(url("measure_detail", measure.pk))

    assert page.status_code == 200
    html = html_of(page)
    assert measure.title in html and "Raum klären" in html
    assert 'id="update-form"' not in html and 'id="reflection-form"' not in html
    assert (
        client.post(
            url("measure_add_update", measure.pk), {"date": TODAY.isoformat(), "text": "x"}
        ).status_code
        == 403
    )
    assert client.get(url("measure_edit", measure.pk)).status_code == 403
    assert client.get(url("measure_new")).status_code == 403


def test_measure_of_another_municipality_is_not_found(as_user, outsider, measure):
    client = as_user(outsider)

    assert client.get(url("measure_detail", measure.pk)).status_code == 404
    assert (
        client.post(
            url("measure_add_update", measure.pk), {"date": TODAY.isoformat(), "text": "x"}
        ).status_code
        == 404
    )
