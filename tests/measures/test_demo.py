"""The goals and measures part of the Vechta demo: three goals (one municipal, two area goals
refining it) measured with a demo indicator over several years, impact hypotheses, eight
measures in every state with sub-steps and timelines, exactly one overdue; loading the demo
again changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from atlas_data.models import IndicatorRelease
from conferences.models import Conference
from keck.demo import load_demo
from measures.attainment import NO_DATA
from measures.models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep
from measures.selectors import goal_attainments

pytestmark = pytest.mark.django_db


def snapshot(municipality) -> dict:
    measures = Measure.objects.filter(municipality=municipality)
    return {
        "goals": sorted(
            Goal.objects.filter(municipality=municipality).values_list(
                "pk", "title", "baseline_value", "target_value", "deadline"
            )
        ),
        "measures": sorted(measures.values_list("pk", "status", "progress", "deadline")),
        "substeps": SubStep.objects.filter(measure__in=measures).count(),
        "updates": MeasureUpdate.objects.filter(measure__in=measures).count(),
        "hypotheses": ImpactHypothesis.objects.filter(municipality=municipality).count(),
        "conferences": Conference.objects.filter(municipality=municipality).count(),
    }


def test_the_demo_has_a_municipal_goal_refined_by_two_area_goals(demo):
    goals = list(Goal.objects.filter(municipality=demo).select_related("conference", "parent"))

    [municipal] = [g for g in goals if g.level == Goal.Level.MUNICIPAL]
    areas = [g for g in goals if g.level == Goal.Level.AREA]
    assert len(goals) == 3
    assert municipal.conference.kind == Conference.Kind.PLANNING
    assert len(areas) == 2
    assert {g.parent for g in areas} == {municipal}
    assert {g.conference.kind for g in areas} == {Conference.Kind.AREA}
    assert len({g.conference for g in areas}) == 2
    assert {g.measurement_area.name for g in areas} == {"Vechta", "Lohne (Oldenburg)"}
    for goal in goals:
        # measured with a released demo indicator, the baseline read from the atlas
        assert goal.indicator is not None and goal.baseline_year == 2014
        assert IndicatorRelease.objects.filter(indicator=goal.indicator, year=2015).exists()
        assert goal.baseline_value is not None
        assert goal.direction == Goal.Direction.DECREASE
        assert goal.acceptance and goal.realism and goal.target_group and goal.deadline


def test_the_demo_goals_have_an_attainment_from_several_years(demo):
    leader = get_user_model().objects.get(username="demo-leitung")
    goals = list(Goal.objects.filter(municipality=demo))

    attainments = goal_attainments(user=leader, goals=goals)

    for goal in goals:
        result = attainments[goal.pk]
        assert result.status != NO_DATA, goal.title
        assert result.latest_year == 2015
        assert result.forecast is not None
    statuses = {g.measurement_area.name: attainments[g.pk].status for g in goals}
    assert statuses["Vechta"] == "on_track"
    assert statuses["Lohne (Oldenburg)"] == "off_track"


def test_the_demo_has_eight_measures_in_every_state_and_one_overdue(demo):
    measures = list(Measure.objects.filter(municipality=demo).prefetch_related("substeps"))

    assert len(measures) == 8
    assert {m.status for m in measures} == set(Measure.Status.values)
    assert [m.title for m in measures if m.is_overdue()] == ["Fachtag Übergang Kita–Grundschule"]
    for measure in measures:
        assert measure.substeps.exists(), measure.title
        assert measure.updates.exists(), measure.title
        assert measure.goals.exists(), measure.title
        assert measure.responsible_name, measure.title
    done = [m for m in measures if m.status == Measure.Status.DONE]
    assert [(m.outcome, m.progress) for m in done] == [(Measure.Outcome.SUCCESSFUL, 100)]
    assert done[0].outcome_reason and done[0].lessons
    dropped = [m for m in measures if m.status == Measure.Status.DROPPED]
    assert [m.outcome for m in dropped] == [Measure.Outcome.NOT_SUITABLE]
    # responsible demo users and members
    users = {m.responsible_user.username for m in measures if m.responsible_user_id}
    assert users == {"demo-mitglied", "demo-koordination"}
    assert sum(1 for m in measures if m.responsible_member_id) == 6


def test_the_demo_has_impact_hypotheses_of_every_kind_of_evidence(demo):
    hypotheses = list(ImpactHypothesis.objects.filter(municipality=demo))

    assert len(hypotheses) == 3
    assert {h.evidence for h in hypotheses} == set(ImpactHypothesis.Evidence.values)
    assert all(h.goals.exists() and h.measures.exists() for h in hypotheses)


def test_loading_the_demo_again_changes_nothing(demo):
    before = snapshot(demo)

    load_demo()

    assert snapshot(demo) == before
    assert before["substeps"] >= 16 and before["updates"] >= 12
