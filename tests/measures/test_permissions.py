"""Who may do what with goals and measures (accounts.permissions, enforced in measures.services):
a member updates only the measures they are responsible for, as user or as the user of the
responsible conference member; the responsible person of a sub-step updates only that step's
progress; coordinators manage everything; leadership reads everything and writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.permissions import can_update_measure, can_update_substep, is_responsible
from measures import services
from measures.models import Goal, Measure, MeasureUpdate, SubStep
from measures.selectors import goals_for, measures_for
from tests.factories import GoalFactory

from .plan_fixtures import *  # noqa: F403
from .plan_fixtures import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(new_measure, member, mia, second_member, thoelking):
    """Four measures: the member's as user, the member's as conference member, another
    member's, and one of Ms Thölking with a sub-step the member is responsible for."""

    class Plan:
        as_user = new_measure(title="Elterncafé", responsible_user=member)
        as_member = new_measure(
            title="Flyer",
            responsible_member=mia,
            substeps=[{"title": "Texte", "responsible_user": second_member}],
        )
        others = new_measure(title="Fachtag", responsible_user=second_member)
        with_step = new_measure(
            title="Sozialberatung",
            responsible_member=thoelking,
            substeps=[
                {"title": "Übersetzung", "responsible_member": mia, "progress": 10},
                {"title": "Räume", "responsible_member": thoelking},
            ],
        )

    return Plan


def steps(measure) -> list[SubStep]:
    return list(measure.substeps.order_by("order"))


# --- responsible members -----------------------------------------------------------------------


def test_a_member_updates_the_measure_they_are_responsible_for_as_user(member, plan):
    services.add_update(user=member, measure=plan.as_user, text="Erstes Treffen", status="running")
    services.save_substep(user=member, measure=plan.as_user, data={"title": "Einladung"})
    services.save_reflection(
        user=member, measure=plan.as_user, outcome="successful", reason="Viele kamen", lessons=""
    )

    plan.as_user.refresh_from_db()
    assert plan.as_user.status == "running"
    assert plan.as_user.substeps.get().title == "Einladung"
    assert plan.as_user.outcome == "successful"
    assert can_update_measure(member, plan.as_user)


def test_a_member_updates_the_measure_of_their_conference_membership(member, plan):
    [step] = steps(plan.as_member)

    services.add_update(user=member, measure=plan.as_member, text="Entwurf fertig", progress=50)
    services.save_substep(
        user=member, measure=plan.as_member, substep=step, data={"title": "Texte und Bilder"}
    )

    assert is_responsible(member, plan.as_member)
    assert plan.as_member.updates.get().author == member
    step.refresh_from_db()
    assert step.title == "Texte und Bilder"


def test_a_member_may_not_update_a_measure_of_someone_else(member, plan):
    with pytest.raises(PermissionDenied):
        services.add_update(user=member, measure=plan.others, text="Ich war das")
    with pytest.raises(PermissionDenied):
        services.save_substep(user=member, measure=plan.others, data={"title": "Neu"})
    with pytest.raises(PermissionDenied):
        services.save_reflection(
            user=member, measure=plan.others, outcome="partly", reason="x", lessons=""
        )

    assert not plan.others.updates.exists()
    assert not plan.others.substeps.exists()
    plan.others.refresh_from_db()
    assert plan.others.outcome == ""
    assert not can_update_measure(member, plan.others)


def test_a_responsible_member_does_not_change_the_plan_itself(member, plan):
    """What, who, by when and which goal are the conference's decision (coordinators)."""
    with pytest.raises(PermissionDenied):
        services.update_measure(user=member, measure=plan.as_user, data={"title": "Anders"})
    with pytest.raises(PermissionDenied):
        services.delete_measure(user=member, measure=plan.as_user)
    with pytest.raises(PermissionDenied):
        services.create_measure(
            user=member,
            municipality=plan.as_user.municipality,
            data={"conference": plan.as_user.conference, "title": "Neu"},
        )

    plan.as_user.refresh_from_db()
    assert plan.as_user.title == "Elterncafé"
    assert Measure.objects.count() == 4


def test_a_member_who_left_the_municipality_updates_nothing(member, plan):
    member.memberships.all().delete()
    from accounts.permissions import forget_cached_memberships

    forget_cached_memberships(member)

    with pytest.raises(PermissionDenied):
        services.add_update(user=member, measure=plan.as_user, text="x")
    assert not can_update_measure(member, plan.as_member)


# --- responsible for a sub-step ----------------------------------------------------------------


def test_the_responsible_person_of_a_sub_step_updates_its_progress(member, plan):
    step, other_step = steps(plan.with_step)

    services.save_substep(user=member, measure=plan.with_step, substep=step, data={"progress": 80})

    step.refresh_from_db()
    plan.with_step.refresh_from_db()
    assert step.progress == 80
    assert plan.with_step.progress == 40  # (80 + 0) / 2
    assert can_update_substep(member, step)
    assert not can_update_substep(member, other_step)


def test_the_responsible_person_of_a_sub_step_may_mark_it_done(member, plan):
    step, _other = steps(plan.with_step)

    services.save_substep(user=member, measure=plan.with_step, substep=step, data={"done": True})

    step.refresh_from_db()
    assert (step.done, step.progress) == (True, 100)


def test_the_responsible_person_of_a_sub_step_updates_no_other_step(member, plan):
    _step, other_step = steps(plan.with_step)

    with pytest.raises(PermissionDenied):
        services.save_substep(
            user=member, measure=plan.with_step, substep=other_step, data={"progress": 90}
        )

    other_step.refresh_from_db()
    assert other_step.progress == 0


def test_the_responsible_person_of_a_sub_step_does_not_rename_or_move_it(
    member, plan, second_member
):
    step, _other = steps(plan.with_step)

    for change in (
        {"title": "Anders", "progress": 90},
        {"deadline": day(5)},
        {"responsible_user": second_member},
    ):
        with pytest.raises(PermissionDenied):
            services.save_substep(user=member, measure=plan.with_step, substep=step, data=change)

    step.refresh_from_db()
    assert (step.title, step.progress, step.deadline) == ("Übersetzung", 10, None)
    # the same values as before are no change: a form may send them along
    services.save_substep(
        user=member,
        measure=plan.with_step,
        substep=step,
        data={"title": "Übersetzung ", "deadline": None, "progress": 30},
    )
    step.refresh_from_db()
    assert step.progress == 30


def test_the_responsible_person_of_a_sub_step_does_not_update_the_measure(member, plan):
    step, _other = steps(plan.with_step)

    with pytest.raises(PermissionDenied):
        services.add_update(user=member, measure=plan.with_step, text="x")
    with pytest.raises(PermissionDenied):
        services.save_substep(user=member, measure=plan.with_step, data={"title": "Neu"})
    with pytest.raises(PermissionDenied):
        services.delete_substep(user=member, substep=step)

    assert not MeasureUpdate.objects.exists()
    assert plan.with_step.substeps.count() == 2


# --- coordinators and leadership ---------------------------------------------------------------


def test_coordinators_manage_every_measure_and_step(coordinator, plan):
    for measure in (plan.as_user, plan.as_member, plan.others, plan.with_step):
        assert can_update_measure(coordinator, measure)
        services.add_update(user=coordinator, measure=measure, text="Stand besprochen")
        services.update_measure(user=coordinator, measure=measure, data={"status": "running"})
    step, _other = steps(plan.with_step)
    services.save_substep(
        user=coordinator, measure=plan.with_step, substep=step, data={"title": "Übersetzen"}
    )
    services.delete_measure(user=coordinator, measure=plan.others)

    assert MeasureUpdate.objects.count() == 3  # the deleted measure's went with it
    assert set(Measure.objects.values_list("status", flat=True)) == {"running"}
    assert Measure.objects.count() == 3


def test_leadership_reads_everything(leader, plan, vechta, conference):
    GoalFactory(municipality=vechta, conference=conference, level="municipal")

    assert len(measures_for(user=leader, municipality=vechta)) == 4
    assert goals_for(user=leader, municipality=vechta).count() == 1


def test_leadership_writes_nothing(leader, plan, vechta, conference):
    goal = GoalFactory(
        municipality=vechta, conference=conference, level="municipal", title="Kita-Plätze"
    )
    step, _other = steps(plan.with_step)

    attempts = [
        lambda: services.create_goal(
            user=leader,
            municipality=vechta,
            data={"conference": conference, "title": "X", "qualitative_criterion": "y"},
        ),
        lambda: services.update_goal(user=leader, goal=goal, data={"title": "Y"}),
        lambda: services.delete_goal(user=leader, goal=goal),
        lambda: services.save_hypothesis(
            user=leader,
            municipality=vechta,
            data={"conference": conference, "if_text": "a", "then_text": "b"},
        ),
        lambda: services.update_measure(user=leader, measure=plan.others, data={"title": "Y"}),
        lambda: services.add_update(user=leader, measure=plan.others, text="x"),
        lambda: services.save_substep(
            user=leader, measure=plan.with_step, substep=step, data={"progress": 99}
        ),
        lambda: services.save_reflection(
            user=leader, measure=plan.others, outcome="partly", reason="x", lessons=""
        ),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    goal.refresh_from_db()
    step.refresh_from_db()
    assert (goal.title, step.progress) == ("Kita-Plätze", 10)
    assert Goal.objects.count() == 1
    assert not MeasureUpdate.objects.exists()


def test_other_municipalities_see_nothing(outsider, plan, vechta):
    with pytest.raises(PermissionDenied):
        measures_for(user=outsider, municipality=vechta)
    with pytest.raises(PermissionDenied):
        goals_for(user=outsider, municipality=vechta)
    assert not can_update_measure(outsider, plan.others)
