"""measures.services: goals take their baseline from the atlas (never a suppressed number), bad
input is refused with the field at fault and changes nothing, links stay in the municipality,
sub-steps roll up into the measure's progress, overdue comes from deadlines, timeline entries
set status and progress, and the reflection is complete."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts.models import Role
from conferences.models import FieldOfAction
from measures import services
from measures.models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep
from measures.selectors import measures_for, rolled_up_progress
from measures.services import MeasuresError
from tests.factories import GoalFactory, MeasureFactory, SubStepFactory

from .plan_fixtures import *  # noqa: F403
from .plan_fixtures import U15, day

pytestmark = pytest.mark.django_db


def goal_data(conference, indicator=None, area=None, **fields):
    data = {
        "conference": conference,
        "title": "Mehr Kinder unter 15",
        "indicator": indicator,
        "measurement_area": area,
        "baseline_year": 2013 if indicator else None,
        "target_value": 16.0 if indicator else None,
        "deadline": datetime.date(2030, 12, 31),
    }
    return data | fields


def refused(call, field: str) -> MeasuresError:
    with translation.override("en"), pytest.raises(MeasuresError) as error:
        call()
    assert error.value.field == field
    return error.value


# --- goals: baseline from the atlas ------------------------------------------------------------


def test_create_goal_takes_the_baseline_from_the_atlas(
    coordinator, vechta, conference, share, vechta_town
):
    goal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data=goal_data(conference, share(U15), vechta_town, baseline_value=99.0),
    )

    goal.refresh_from_db()
    assert goal.baseline_value == pytest.approx(15.03)  # published 2013 table, not the 99 given
    assert goal.direction == Goal.Direction.INCREASE  # 16 lies above 15.03
    assert goal.level == Goal.Level.MUNICIPAL  # a goal of the Sozialplanungskonferenz
    assert goal.created_by == coordinator


def test_the_direction_follows_a_target_below_the_baseline(
    coordinator, vechta, conference, share, vechta_town
):
    goal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data=goal_data(conference, share(U15), vechta_town, target_value=14.0),
    )

    assert goal.direction == Goal.Direction.DECREASE


def test_update_goal_reads_the_baseline_again(coordinator, vechta, conference, cases, vechta_town):
    goal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data=goal_data(conference, cases, vechta_town, target_value=10),
    )
    assert goal.baseline_value == 40

    services.update_goal(user=coordinator, goal=goal, data={"baseline_year": 2014})

    goal.refresh_from_db()
    assert (goal.baseline_year, goal.baseline_value) == (2014, 30)


@pytest.mark.parametrize("who", ["municipal_admin", "coordinator_and_data_admin"])
def test_a_suppressed_baseline_is_never_stored_even_for_those_who_see_it(
    who, vechta, member_of, conference, cases, vechta_town
):
    roles = (
        [Role.MUNICIPAL_ADMIN] if who == "municipal_admin" else [Role.COORDINATOR, Role.DATA_ADMIN]
    )
    user = member_of(vechta, *roles, username=who.replace("_", "-"))

    goal = services.create_goal(
        user=user,
        municipality=vechta,
        data=goal_data(conference, cases, vechta_town, baseline_year=2015, target_value=1),
    )

    goal.refresh_from_db()
    assert goal.baseline_year == 2015
    assert goal.baseline_value is None  # the 2 is a small count: k. A.
    assert goal.direction == ""

    # changing to a year with a shown value stores it, and back to 2015 removes it again
    services.update_goal(user=user, goal=goal, data={"baseline_year": 2016})
    goal.refresh_from_db()
    assert goal.baseline_value == 20
    services.update_goal(user=user, goal=goal, data={"baseline_year": 2015})
    goal.refresh_from_db()
    assert goal.baseline_value is None


def test_a_goal_without_indicator_names_a_qualitative_criterion(coordinator, vechta, conference):
    goal = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "title": "Eltern fühlen sich gut beraten",
            "qualitative_criterion": "Befragung der Eltern im Familienzentrum",
        },
    )

    assert (goal.indicator, goal.baseline_value, goal.direction) == (None, None, "")


def test_an_area_goal_refines_a_municipal_goal(
    coordinator, vechta, conference, area_conference, share, vechta_town
):
    parent = services.create_goal(
        user=coordinator, municipality=vechta, data=goal_data(conference, share(U15), vechta_town)
    )

    child = services.create_goal(
        user=coordinator,
        municipality=vechta,
        data=goal_data(area_conference, share(U15), vechta_town, parent=parent),
    )

    assert child.level == Goal.Level.AREA
    assert list(parent.refinements.all()) == [child]


# --- goals: refused input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"conference": None}, "conference"),
        ({"measurement_area": None}, "measurement_area"),
        ({"baseline_year": None}, "baseline_year"),
        ({"indicator": None}, "indicator"),  # area, year and target without an indicator
        ({"level": "national"}, "level"),
        ({"direction": "sideways"}, "direction"),
    ],
)
def test_bad_goal_input_is_refused_and_nothing_is_written(
    change, field, coordinator, vechta, conference, share, vechta_town
):
    data = goal_data(conference, share(U15), vechta_town) | change

    refused(lambda: services.create_goal(user=coordinator, municipality=vechta, data=data), field)

    assert not Goal.objects.exists()


def test_a_goal_needs_an_indicator_or_a_qualitative_criterion(coordinator, vechta, conference):
    error = refused(
        lambda: services.create_goal(
            user=coordinator, municipality=vechta, data={"conference": conference, "title": "X"}
        ),
        "indicator",
    )

    assert error.message == "Please choose an indicator or describe a qualitative criterion."
    assert not Goal.objects.exists()


def test_only_a_municipal_goal_can_be_refined(coordinator, vechta, area_conference):
    area_goal = GoalFactory(municipality=vechta, conference=area_conference, level="area")

    refused(
        lambda: services.create_goal(
            user=coordinator,
            municipality=vechta,
            data={
                "conference": area_conference,
                "title": "Verfeinerung",
                "qualitative_criterion": "x",
                "parent": area_goal,
            },
        ),
        "parent",
    )
    assert Goal.objects.count() == 1


def test_a_refused_update_changes_nothing(coordinator, vechta, conference, share, vechta_town):
    goal = services.create_goal(
        user=coordinator, municipality=vechta, data=goal_data(conference, share(U15), vechta_town)
    )

    refused(
        lambda: services.update_goal(
            user=coordinator, goal=goal, data={"title": "Neu", "measurement_area": None}
        ),
        "measurement_area",
    )

    goal.refresh_from_db()
    assert (goal.title, goal.measurement_area) == ("Mehr Kinder unter 15", vechta_town)


def test_a_goal_with_refinements_is_not_deleted(coordinator, vechta, conference, area_conference):
    parent = GoalFactory(municipality=vechta, conference=conference, level="municipal")
    GoalFactory(municipality=vechta, conference=area_conference, parent=parent)

    with translation.override("en"), pytest.raises(MeasuresError) as error:
        services.delete_goal(user=coordinator, goal=parent)

    assert "delete or re-link them first" in error.value.message
    assert Goal.objects.count() == 2


def test_members_and_leadership_may_not_write_goals(member, leader, vechta, conference):
    for user in (member, leader):
        with pytest.raises(PermissionDenied):
            services.create_goal(
                user=user,
                municipality=vechta,
                data={"conference": conference, "title": "X", "qualitative_criterion": "y"},
            )
    assert not Goal.objects.exists()


# --- links stay in the municipality ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("conference", "conference"),
        ("parent", "parent"),
        ("indicator", "indicator"),
        ("measurement_area", "measurement_area"),
        ("areas", "areas"),
    ],
)
def test_goal_links_to_another_municipality_are_refused(
    name, field, coordinator, vechta, conference, share, vechta_town, foreign
):
    value = {
        "conference": foreign.conference,
        "parent": foreign.goal,
        "indicator": foreign.indicator,
        "measurement_area": foreign.area,
        "areas": [foreign.area],
    }[name]
    data = goal_data(conference, share(U15), vechta_town) | {name: value}

    error = refused(
        lambda: services.create_goal(user=coordinator, municipality=vechta, data=data), field
    )

    assert error.message == "This choice belongs to another municipality."
    assert not Goal.objects.filter(municipality=vechta).exists()


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("conference", "conference"),
        ("goals", "goals"),
        ("areas", "areas"),
        ("responsible_member", "responsible_member"),
        ("supporters", "supporters"),
        ("responsible_user", "responsible_user"),
    ],
)
def test_measure_links_to_another_municipality_are_refused(
    name, field, coordinator, vechta, area_conference, foreign
):
    value = {
        "conference": foreign.conference,
        "goals": [foreign.goal],
        "areas": [foreign.area],
        "responsible_member": foreign.member,
        "supporters": [foreign.member],
        "responsible_user": foreign.user,
    }[name]
    data = {"conference": area_conference, "title": "M", "responsible_institution": "x"}

    refused(
        lambda: services.create_measure(
            user=coordinator, municipality=vechta, data=data | {name: value}
        ),
        field,
    )

    assert not Measure.objects.filter(municipality=vechta).exists()


def test_a_sub_step_for_someone_of_another_municipality_is_refused_with_the_measure(
    coordinator, vechta, area_conference, foreign
):
    refused(
        lambda: services.create_measure(
            user=coordinator,
            municipality=vechta,
            data={"conference": area_conference, "title": "M", "responsible_institution": "x"},
            substeps=[{"title": "Schritt", "responsible_member": foreign.member}],
        ),
        "responsible_member",
    )

    assert not Measure.objects.filter(municipality=vechta).exists()
    assert not SubStep.objects.exists()


def test_hypothesis_links_to_another_municipality_are_refused(
    coordinator, vechta, conference, foreign
):
    refused(
        lambda: services.save_hypothesis(
            user=coordinator,
            municipality=vechta,
            data={
                "conference": conference,
                "if_text": "wir beraten",
                "then_text": "mehr Anträge",
                "goals": [foreign.goal],
            },
        ),
        "goals",
    )

    assert not ImpactHypothesis.objects.exists()


# --- measures: refused input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"conference": None}, "conference"),
        ({"responsible_institution": ""}, "responsible_user"),
        ({"status": "paused"}, "status"),
        ({"progress": 120}, "progress"),
        ({"resources_money": -5}, "resources_money"),
        ({"start": day(90)}, "deadline"),  # the deadline (in 60 days) lies before the start
    ],
)
def test_bad_measure_input_is_refused_and_nothing_is_written(change, field, new_measure):
    refused(lambda: new_measure(**change), field)

    assert not Measure.objects.exists()


def test_a_bad_sub_step_refuses_the_whole_measure(new_measure):
    refused(lambda: new_measure(substeps=[{"title": "ok"}, {"title": " "}]), "title")

    assert not Measure.objects.exists()
    assert not SubStep.objects.exists()


def test_a_refused_measure_update_changes_nothing(coordinator, new_measure):
    measure = new_measure()

    refused(
        lambda: services.update_measure(
            user=coordinator, measure=measure, data={"title": "Neu", "progress": 101}
        ),
        "progress",
    )

    measure.refresh_from_db()
    assert (measure.title, measure.progress) == ("Sozialberatung im Familienzentrum", 0)


def test_a_member_of_the_municipality_may_be_responsible(
    new_measure, vechta, second_member, thoelking
):
    measure = new_measure(responsible_user=second_member, supporters=[thoelking])

    assert measure.responsible_user == second_member
    assert list(measure.supporters.all()) == [thoelking]


# --- roll-up of sub-steps ----------------------------------------------------------------------


def test_the_progress_of_a_measure_rolls_up_from_its_sub_steps(new_measure):
    measure = new_measure(
        progress=10,
        substeps=[
            {"title": "Räume", "done": True},
            {"title": "Flyer", "progress": 50},
            {"title": "Auswertung"},
        ],
    )

    measure.refresh_from_db()
    assert measure.progress == 50  # (100 + 50 + 0) / 3; the 10 given does not count
    assert [s.order for s in measure.substeps.all()] == [0, 1, 2]


def test_changing_adding_and_deleting_sub_steps_rolls_up_again(coordinator, new_measure):
    measure = new_measure(substeps=[{"title": "Räume"}, {"title": "Flyer", "progress": 40}])
    first, second = measure.substeps.all()

    services.save_substep(user=coordinator, measure=measure, substep=first, data={"done": True})
    measure.refresh_from_db()
    assert measure.progress == 70  # (100 + 40) / 2
    first.refresh_from_db()
    assert first.progress == 100

    third = services.save_substep(
        user=coordinator, measure=measure, data={"title": "Auswertung", "progress": 10}
    )
    measure.refresh_from_db()
    assert measure.progress == 50  # (100 + 40 + 10) / 3
    assert third.order == 2

    services.delete_substep(user=coordinator, substep=second)
    measure.refresh_from_db()
    assert measure.progress == 55  # (100 + 10) / 2

    [loaded] = measures_for(user=coordinator, municipality=measure.municipality)
    assert rolled_up_progress(loaded) == 55


def test_a_measure_without_sub_steps_keeps_its_own_progress(coordinator, new_measure):
    measure = new_measure(progress=30)

    services.update_measure(user=coordinator, measure=measure, data={"progress": 45})

    measure.refresh_from_db()
    assert measure.progress == 45
    assert rolled_up_progress(measure) == 45


def test_a_bad_sub_step_change_changes_nothing(coordinator, new_measure):
    measure = new_measure(substeps=[{"title": "Räume", "progress": 20}])
    step = measure.substeps.get()

    refused(
        lambda: services.save_substep(
            user=coordinator, measure=measure, substep=step, data={"progress": 120}
        ),
        "progress",
    )

    step.refresh_from_db()
    measure.refresh_from_db()
    assert (step.progress, measure.progress) == (20, 20)


# --- overdue -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "deadline", "overdue"),
    [
        (Measure.Status.RUNNING, -1, True),
        (Measure.Status.PLANNED, -30, True),
        (Measure.Status.DELAYED, -1, True),
        (Measure.Status.RUNNING, 0, False),  # due today is not late yet
        (Measure.Status.RUNNING, 5, False),
        (Measure.Status.DONE, -30, False),
        (Measure.Status.DROPPED, -30, False),
        (Measure.Status.RUNNING, None, False),
    ],
)
def test_a_measure_is_overdue_when_open_and_past_its_deadline(
    status, deadline, overdue, vechta, area_conference
):
    measure = MeasureFactory(
        municipality=vechta,
        conference=area_conference,
        status=status,
        deadline=None if deadline is None else day(deadline),
    )

    assert measure.is_overdue() is overdue


def test_overdue_takes_the_day_to_check(vechta, area_conference):
    measure = MeasureFactory(municipality=vechta, conference=area_conference, deadline=day(10))

    assert not measure.is_overdue()
    assert measure.is_overdue(timezone.localdate() + datetime.timedelta(days=11))


def test_a_sub_step_is_overdue_unless_done_or_its_measure_dropped(vechta, area_conference):
    measure = MeasureFactory(municipality=vechta, conference=area_conference, deadline=day(30))
    late = SubStepFactory(measure=measure, deadline=day(-2))
    done = SubStepFactory(measure=measure, deadline=day(-2), done=True)
    future = SubStepFactory(measure=measure, deadline=day(2))

    assert (late.is_overdue(), done.is_overdue(), future.is_overdue()) == (True, False, False)

    measure.status = Measure.Status.DROPPED
    measure.save()
    late.refresh_from_db()
    assert not late.is_overdue()


# --- timeline ----------------------------------------------------------------------------------


def test_an_update_sets_status_and_progress_of_a_measure_without_sub_steps(
    coordinator, new_measure
):
    measure = new_measure()

    update = services.add_update(
        user=coordinator, measure=measure, text="Start", status="running", progress=20
    )

    measure.refresh_from_db()
    assert (measure.status, measure.progress) == ("running", 20)
    assert (update.date, update.author, update.status, update.progress) == (
        timezone.localdate(),
        coordinator,
        "running",
        20,
    )


def test_an_update_without_status_keeps_the_status(coordinator, new_measure):
    measure = new_measure(status="delayed")

    services.add_update(user=coordinator, measure=measure, text="Gespräch mit der Schule")

    measure.refresh_from_db()
    assert measure.status == "delayed"


def test_done_without_sub_steps_means_100_percent(coordinator, new_measure):
    measure = new_measure(progress=60)

    services.add_update(user=coordinator, measure=measure, text="Fertig", status="done")

    measure.refresh_from_db()
    assert (measure.status, measure.progress) == ("done", 100)


def test_with_sub_steps_the_progress_of_an_update_does_not_override_the_roll_up(
    coordinator, new_measure
):
    measure = new_measure(substeps=[{"title": "a", "progress": 40}, {"title": "b"}])

    services.add_update(user=coordinator, measure=measure, text="Weiter", progress=90)

    measure.refresh_from_db()
    assert measure.progress == 20
    assert MeasureUpdate.objects.get().progress == 90  # what was reported stays in the timeline


def test_an_update_of_an_earlier_day_is_kept_with_its_date(coordinator, new_measure):
    measure = new_measure()

    services.add_update(user=coordinator, measure=measure, text="Früher", date=day(-20))
    services.add_update(user=coordinator, measure=measure, text="Heute")

    assert [u.text for u in measure.updates.all()] == ["Heute", "Früher"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "x", "status": "paused"}, "status"),
        ({"text": "x", "progress": -1}, "progress"),
        ({"text": "x", "date": day(1)}, "date"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(kwargs, field, coordinator, new_measure):
    measure = new_measure(progress=10)

    refused(lambda: services.add_update(user=coordinator, measure=measure, **kwargs), field)

    measure.refresh_from_db()
    assert (measure.status, measure.progress) == ("planned", 10)
    assert not MeasureUpdate.objects.exists()


# --- reflection --------------------------------------------------------------------------------


def test_the_reflection_is_saved(coordinator, new_measure):
    measure = new_measure(status="done")

    services.save_reflection(
        user=coordinator,
        measure=measure,
        outcome=Measure.Outcome.PARTLY,
        reason="  Nur wenige Eltern kamen.  ",
        lessons="Abends anbieten.",
    )

    measure.refresh_from_db()
    assert (measure.outcome, measure.outcome_reason, measure.lessons) == (
        "partly",
        "Nur wenige Eltern kamen.",
        "Abends anbieten.",
    )


@pytest.mark.parametrize(
    ("outcome", "reason", "field"),
    [("successful", "", "outcome_reason"), ("great", "weil", "outcome")],
)
def test_a_reflection_needs_a_known_result_and_a_reason(
    outcome, reason, field, coordinator, new_measure
):
    measure = new_measure(status="done")

    refused(
        lambda: services.save_reflection(
            user=coordinator, measure=measure, outcome=outcome, reason=reason, lessons="x"
        ),
        field,
    )

    measure.refresh_from_db()
    assert (measure.outcome, measure.lessons) == ("", "")


# --- impact hypotheses -------------------------------------------------------------------------


def test_a_hypothesis_links_goals_and_measures(coordinator, vechta, conference, new_measure):
    goal = GoalFactory(municipality=vechta, conference=conference, level="municipal")
    measure = new_measure()

    hypothesis = services.save_hypothesis(
        user=coordinator,
        municipality=vechta,
        data={
            "conference": conference,
            "if_text": "das Familienzentrum berät in der Kita",
            "then_text": "stellen mehr Familien Anträge",
            "because_text": "der Weg ist kurz",
            "evidence": ImpactHypothesis.Evidence.LOCAL,
            "goals": [goal],
            "measures": [measure],
        },
    )
    services.save_hypothesis(
        user=coordinator,
        municipality=vechta,
        hypothesis=hypothesis,
        data={"evidence": ImpactHypothesis.Evidence.SCIENTIFIC},
    )

    hypothesis.refresh_from_db()
    assert hypothesis.evidence == "scientific"
    assert hypothesis.then_text == "stellen mehr Familien Anträge"
    assert list(goal.hypotheses.all()) == [hypothesis]
    assert list(measure.hypotheses.all()) == [hypothesis]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"if_text": ""}, "if_text"),
        ({"then_text": " "}, "then_text"),
        ({"evidence": "x"}, "evidence"),
    ],
)
def test_bad_hypotheses_are_refused(change, field, coordinator, vechta, conference):
    data = {"conference": conference, "if_text": "a", "then_text": "b"} | change

    refused(
        lambda: services.save_hypothesis(user=coordinator, municipality=vechta, data=data), field
    )

    assert not ImpactHypothesis.objects.exists()


def test_a_field_of_action_of_another_municipality_is_refused(
    coordinator, vechta, conference, foreign
):
    field = FieldOfAction.objects.create(conference=foreign.conference, title="Fremd")

    refused(
        lambda: services.create_goal(
            user=coordinator,
            municipality=vechta,
            data={
                "conference": conference,
                "title": "X",
                "qualitative_criterion": "y",
                "field_of_action": field,
            },
        ),
        "field_of_action",
    )
