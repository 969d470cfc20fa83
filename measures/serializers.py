"""Serializers of the goals and measures API (measures/api.py).

Links are ids limited to what the municipality of the URL may refer to (its conferences, areas,
indicators the caller may see, its members …); an id from elsewhere is an invalid choice.
Attainment, latest timeline entries and the caller's rights come from the view's context, which
reads them through measures.selectors in a fixed number of queries.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from atlas_data import selectors as atlas_selectors
from atlas_data.models import Area, Indicator, Poi
from conferences.models import (
    AgendaItem,
    Conference,
    ConferenceMember,
    FieldOfAction,
    NeedForAction,
)

from .attainment import STATUS_ORDER
from .models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep
from .selectors import rolled_up_progress


def _conferences(municipality, _user):
    return Conference.objects.filter(municipality=municipality)


def _areas(municipality, _user):
    return Area.objects.filter(municipality=municipality)


def _indicators(municipality, user):
    return atlas_selectors.indicators_for(user=user, municipality=municipality)


def _goals(municipality, _user):
    return Goal.objects.filter(municipality=municipality)


def _measures(municipality, _user):
    return Measure.objects.filter(municipality=municipality)


def _fields(municipality, _user):
    return FieldOfAction.objects.filter(conference__municipality=municipality)


def _needs(municipality, _user):
    return NeedForAction.objects.filter(conference__municipality=municipality)


def _agenda_items(municipality, _user):
    return AgendaItem.objects.filter(session__conference__municipality=municipality)


def _members(municipality, _user):
    return ConferenceMember.objects.filter(conference__municipality=municipality)


def _users(municipality, _user):
    return get_user_model().objects.filter(memberships__municipality=municipality)


def _pois(municipality, _user):
    return Poi.objects.filter(municipality=municipality)


class Related(serializers.PrimaryKeyRelatedField):
    """An id of a related object, limited to what the municipality may refer to."""

    def __init__(self, model, scope, **kwargs):
        self.model, self.scope = model, scope
        super().__init__(**kwargs)

    def get_queryset(self):
        municipality = self.context.get("municipality")
        if municipality is None:  # the schema generator
            return self.model.objects.none()
        request = self.context.get("request")
        return self.scope(municipality, request.user if request else None)


def _version():
    return serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version this object had when you read it. Send it back with a change: "
        "if someone saved in between, the change is refused with HTTP 409 and the current "
        "object. Without it the change is not checked (last write wins).",
    )


def _username(field_name: str):
    return serializers.CharField(
        source=f"{field_name}.username", read_only=True, allow_null=True, default=None
    )


# --- goals ---------------------------------------------------------------------------------


class PointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField(
        allow_null=True, help_text="None when the value is missing or suppressed."
    )
    display = serializers.CharField(help_text="As shown: `12,3 %`, `k. A.` or `–`.")
    suppressed = serializers.BooleanField()


class AttainmentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUS_ORDER)
    label = serializers.CharField()
    reason = serializers.CharField(help_text="Why there is no data or the goal is off track.")
    baseline_year = serializers.IntegerField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    latest_year = serializers.IntegerField(allow_null=True)
    latest = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(
        allow_null=True, help_text="Share of the way from baseline to target, in %."
    )
    forecast = serializers.FloatField(
        allow_null=True, help_text="The linear trend's value in the deadline year."
    )
    forecast_percent = serializers.FloatField(allow_null=True)
    points = PointSerializer(many=True)


class GoalSerializer(serializers.ModelSerializer):
    conference = Related(Conference, _conferences)
    conference_name = serializers.CharField(source="conference.name", read_only=True)
    parent = Related(Goal, _goals, allow_null=True, required=False)
    field_of_action = Related(FieldOfAction, _fields, allow_null=True, required=False)
    needs = Related(NeedForAction, _needs, many=True, required=False)
    areas = Related(Area, _areas, many=True, required=False)
    indicator = Related(Indicator, _indicators, allow_null=True, required=False)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True, default=None)
    measurement_area = Related(Area, _areas, allow_null=True, required=False)
    measurement_area_name = serializers.CharField(
        source="measurement_area.name", read_only=True, default=None
    )
    level = serializers.ChoiceField(choices=Goal.Level.choices, required=False)
    direction = serializers.ChoiceField(
        choices=Goal.Direction.choices, required=False, allow_blank=True
    )
    agenda_items = Related(AgendaItem, _agenda_items, many=True, required=False)
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    hypotheses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attainment = serializers.SerializerMethodField()
    created_by = _username("created_by")
    version = _version()

    class Meta:
        model = Goal
        fields = [
            "id",
            "version",
            "conference",
            "conference_name",
            "level",
            "parent",
            "field_of_action",
            "needs",
            "title",
            "target_group",
            "areas",
            "indicator",
            "indicator_name",
            "measurement_area",
            "measurement_area_name",
            "baseline_year",
            "baseline_value",
            "target_value",
            "direction",
            "qualitative_criterion",
            "acceptance",
            "realism",
            "deadline",
            "agenda_items",
            "measures",
            "hypotheses",
            "attainment",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "baseline_value", "created", "updated"]
        extra_kwargs = {
            "baseline_value": {
                "help_text": "Taken from the atlas (as members see it) when the goal is saved."
            }
        }

    @extend_schema_field(AttainmentSerializer(allow_null=True))
    def get_attainment(self, goal):
        result = self.context.get("attainments", {}).get(goal.pk)
        if result is None:
            return None
        return AttainmentSerializer(
            {
                "status": result.status,
                "label": result.label,
                "reason": result.reason,
                "baseline_year": result.baseline_year,
                "baseline": result.baseline,
                "target": result.target,
                "latest_year": result.latest_year,
                "latest": result.latest,
                "percent": result.percent,
                "forecast": result.forecast,
                "forecast_percent": result.forecast_percent,
                "points": result.points,
            }
        ).data


# --- measures ------------------------------------------------------------------------------


def _today(serializer) -> object:
    return serializer.context.get("today") or timezone.localdate()


class SubStepSerializer(serializers.ModelSerializer):
    responsible_user = Related(
        get_user_model(), _users, allow_null=True, required=False, help_text="A member's user id"
    )
    responsible_member = Related(ConferenceMember, _members, allow_null=True, required=False)
    responsible_name = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    version = _version()

    class Meta:
        model = SubStep
        fields = [
            "id",
            "version",
            "order",
            "title",
            "responsible_user",
            "responsible_member",
            "responsible_name",
            "deadline",
            "progress",
            "done",
            "overdue",
        ]
        read_only_fields = ["id", "order"]

    def get_overdue(self, step) -> bool:
        return step.is_overdue(_today(self))


class MeasureUpdateSerializer(serializers.ModelSerializer):
    author = _username("author")
    status = serializers.ChoiceField(
        choices=Measure.Status.choices,
        required=False,
        allow_blank=True,
        help_text="The measure's new status, if it changed.",
    )
    progress = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="The measure's progress now (ignored when it has sub-steps: they roll up).",
    )
    date = serializers.DateField(required=False, help_text="Default: today.")

    class Meta:
        model = MeasureUpdate
        fields = ["id", "date", "text", "progress", "status", "author", "created"]
        read_only_fields = ["id", "author", "created"]


class MeasureSerializer(serializers.ModelSerializer):
    conference = Related(Conference, _conferences)
    conference_name = serializers.CharField(source="conference.name", read_only=True)
    responsible_user = Related(
        get_user_model(), _users, allow_null=True, required=False, help_text="A member's user id"
    )
    responsible_member = Related(ConferenceMember, _members, allow_null=True, required=False)
    responsible_name = serializers.CharField(read_only=True)
    supporters = Related(ConferenceMember, _members, many=True, required=False)
    goals = Related(Goal, _goals, many=True, required=False)
    field_of_action = Related(FieldOfAction, _fields, allow_null=True, required=False)
    areas = Related(Area, _areas, many=True, required=False)
    existing_offer = Related(Poi, _pois, allow_null=True, required=False)
    # Empty until the measure is evaluated: the schema must allow "" besides the choices.
    outcome = serializers.ChoiceField(
        choices=Measure.Outcome.choices, allow_blank=True, read_only=True
    )
    agenda_items = Related(AgendaItem, _agenda_items, many=True, required=False)
    status = serializers.ChoiceField(choices=Measure.Status.choices, required=False)
    progress = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        help_text="Rolled up from the sub-steps when there are any; only then read-only.",
    )
    overdue = serializers.SerializerMethodField()
    substeps = SubStepSerializer(many=True, read_only=True)
    latest_updates = serializers.SerializerMethodField()
    can_update = serializers.SerializerMethodField()
    created_by = _username("created_by")
    version = _version()

    class Meta:
        model = Measure
        fields = [
            "id",
            "version",
            "conference",
            "conference_name",
            "title",
            "description",
            "substeps",
            "responsible_user",
            "responsible_member",
            "responsible_institution",
            "responsible_name",
            "supporters",
            "support",
            "start",
            "deadline",
            "goals",
            "field_of_action",
            "areas",
            "resources_time",
            "resources_staff",
            "resources_money",
            "resources_note",
            "own_contribution",
            "continues_existing_offer",
            "existing_offer",
            "status",
            "progress",
            "overdue",
            "outcome",
            "outcome_reason",
            "lessons",
            "agenda_items",
            "latest_updates",
            "can_update",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "outcome", "outcome_reason", "lessons", "created", "updated"]

    def to_representation(self, measure):
        data = super().to_representation(measure)
        data["progress"] = rolled_up_progress(measure)
        return data

    def get_overdue(self, measure) -> bool:
        return measure.is_overdue(_today(self))

    @extend_schema_field(MeasureUpdateSerializer(many=True))
    def get_latest_updates(self, measure):
        updates = self.context.get("latest_updates", {}).get(measure.pk, [])
        return MeasureUpdateSerializer(updates, many=True).data

    def get_can_update(self, measure) -> bool:
        """May the caller update progress, timeline, sub-steps and reflection?"""
        return measure.pk in self.context.get("updatable", set())


class ReflectionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Measure.Outcome.choices, allow_blank=True)
    outcome_reason = serializers.CharField(required=False, allow_blank=True, default="")
    lessons = serializers.CharField(required=False, allow_blank=True, default="")


# --- impact hypotheses ---------------------------------------------------------------------


class HypothesisSerializer(serializers.ModelSerializer):
    conference = Related(Conference, _conferences)
    goals = Related(Goal, _goals, many=True, required=False)
    measures = Related(Measure, _measures, many=True, required=False)
    evidence = serializers.ChoiceField(choices=ImpactHypothesis.Evidence.choices, required=False)
    created_by = _username("created_by")

    class Meta:
        model = ImpactHypothesis
        fields = [
            "id",
            "conference",
            "if_text",
            "then_text",
            "because_text",
            "evidence",
            "source",
            "goals",
            "measures",
            "created_by",
            "created",
        ]
        read_only_fields = ["id", "created"]
