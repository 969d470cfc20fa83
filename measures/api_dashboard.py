"""API of the leadership dashboard: GET /api/v1/municipalities/{slug}/dashboard/.

The same data as the page (selectors_dashboard), with the filters as query parameters. Leadership
and coordinators (VIEW_DASHBOARD) read it; other members get 403; everybody else, the public
included, 404. Reading the API does not count as a visit of the page: `since` defaults to the
caller's last visit of the page (or 30 days back).
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Action, require
from atlas_data.api import internal_municipality_for_request

from . import selectors_dashboard as selectors
from .forms_dashboard import DashboardFilterForm


class DashboardPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = serializers.FloatField(
        allow_null=True, help_text="null when the value is suppressed (`k. A.`) or missing"
    )
    display = serializers.CharField(help_text="The value as German text, `k. A.` or `–`.")
    suppressed = serializers.BooleanField()


class DashboardGoalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="goal.pk")
    title = serializers.CharField(source="goal.title")
    level = serializers.CharField(source="goal.level")
    conference = serializers.IntegerField(source="goal.conference_id")
    conference_name = serializers.CharField(source="goal.conference.name")
    parent = serializers.IntegerField(source="goal.parent_id", allow_null=True)
    field_of_action = serializers.IntegerField(source="goal.field_of_action_id", allow_null=True)
    indicator = serializers.IntegerField(source="goal.indicator_id", allow_null=True)
    indicator_name = serializers.SerializerMethodField()
    measurement_area = serializers.IntegerField(source="goal.measurement_area_id", allow_null=True)
    measurement_area_name = serializers.SerializerMethodField()
    deadline = serializers.DateField(source="goal.deadline", allow_null=True)
    status = serializers.CharField(
        help_text="reached, on_track, at_risk, off_track or no_data",
    )
    status_label = serializers.CharField(source="label")
    reason = serializers.CharField(
        source="attainment.reason", help_text="Why there is no (further) judgement"
    )
    percent = serializers.FloatField(
        source="attainment.percent",
        allow_null=True,
        help_text="Share of the way from baseline to target, in % (may lie outside 0–100)",
    )
    forecast_percent = serializers.FloatField(
        source="attainment.forecast_percent",
        allow_null=True,
        help_text="The linear trend at the deadline, as share of the way in %",
    )
    baseline_year = serializers.IntegerField(source="attainment.baseline_year", allow_null=True)
    baseline = serializers.FloatField(source="attainment.baseline", allow_null=True)
    baseline_display = serializers.CharField()
    latest_year = serializers.IntegerField(source="attainment.latest_year", allow_null=True)
    latest = serializers.FloatField(source="attainment.latest", allow_null=True)
    latest_display = serializers.CharField()
    target = serializers.FloatField(source="attainment.target", allow_null=True)
    target_display = serializers.CharField()
    qualitative_criterion = serializers.CharField(source="goal.qualitative_criterion")
    points = DashboardPointSerializer(
        source="attainment.points", many=True, help_text="The course of the indicator"
    )

    def get_indicator_name(self, row) -> str | None:
        return row.goal.indicator.name if row.goal.indicator_id else None

    def get_measurement_area_name(self, row) -> str | None:
        return row.goal.measurement_area.name if row.goal.measurement_area_id else None


class DashboardStatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class DashboardOverdueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["measure", "substep"])
    measure = serializers.IntegerField(source="measure.pk")
    measure_title = serializers.CharField(source="measure.title")
    measure_status = serializers.CharField(source="measure.status")
    substep = serializers.IntegerField(source="substep.pk", allow_null=True, default=None)
    title = serializers.CharField()
    deadline = serializers.DateField()
    days_overdue = serializers.IntegerField()
    responsible = serializers.CharField()


class DashboardOverdueStepSerializer(serializers.Serializer):
    task = serializers.IntegerField(source="task_id", help_text="The open task (id)")
    node = serializers.CharField(help_text="The step of the flow, e.g. planning_4 or area_2")
    title = serializers.CharField()
    cycle = serializers.IntegerField(source="cycle.pk")
    cycle_number = serializers.IntegerField(source="cycle.number")
    cycle_title = serializers.CharField(source="cycle.title")
    area = serializers.IntegerField(source="area.pk", allow_null=True, default=None)
    area_name = serializers.CharField(source="area.name", allow_null=True, default=None)
    conference = serializers.IntegerField(source="conference.pk")
    conference_name = serializers.CharField(source="conference.name")
    deadline = serializers.DateField()
    days_overdue = serializers.IntegerField()
    responsible = serializers.CharField(help_text="Empty: nobody has taken the step yet")


class DashboardGroupCountSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", allow_null=True, help_text="null: none given")
    label = serializers.CharField()
    goals = serializers.IntegerField()
    measures = serializers.IntegerField()


class DashboardChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["goal", "measure", "update"])
    action = serializers.ChoiceField(choices=["created", "changed", "update"])
    when = serializers.DateTimeField()
    who = serializers.CharField()
    title = serializers.CharField()
    goal = serializers.IntegerField(source="goal.pk", allow_null=True, default=None)
    measure = serializers.IntegerField(source="measure.pk", allow_null=True, default=None)
    text = serializers.CharField(source="update.text", allow_null=True, default=None)
    progress = serializers.IntegerField(source="update.progress", allow_null=True, default=None)
    status = serializers.CharField(source="update.status", allow_null=True, default=None)


class DashboardFiltersSerializer(serializers.Serializer):
    conference = serializers.IntegerField(source="conference.pk", allow_null=True, default=None)
    area = serializers.IntegerField(source="area.pk", allow_null=True, default=None)
    field_of_action = serializers.IntegerField(
        source="field_of_action.pk", allow_null=True, default=None
    )


class DashboardSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="municipality.slug")
    today = serializers.DateField()
    since = serializers.DateTimeField(help_text="Changes are those after this time")
    first_visit = serializers.BooleanField(
        help_text="True when the caller never opened the dashboard page: changes of 30 days"
    )
    filters = DashboardFiltersSerializer()
    goals = DashboardGoalSerializer(source="goal_rows", many=True)
    goals_by_status = DashboardStatusCountSerializer(many=True)
    measure_count = serializers.IntegerField()
    measures_by_status = DashboardStatusCountSerializer(many=True)
    overdue = DashboardOverdueSerializer(many=True)
    overdue_steps = DashboardOverdueStepSerializer(
        many=True, help_text="Open steps of the control cycle past their deadline"
    )
    per_area = DashboardGroupCountSerializer(many=True)
    per_field_of_action = DashboardGroupCountSerializer(many=True)
    changes = DashboardChangeSerializer(many=True)


class DashboardView(APIView):
    """The leadership dashboard of a municipality: goals with their attainment and the course of
    their indicator (suppressed values are `null` with `k. A.`), measures by status, overdue
    measures and sub-steps, overdue steps of the control cycle, counts per area and per field
    of action, and the changes since `since`."""

    @extend_schema(
        operation_id="municipality_dashboard",
        parameters=[
            OpenApiParameter(
                "conference", int, description="Only goals and measures of this conference"
            ),
            OpenApiParameter("area", int, description="Only goals and measures of this area (id)"),
            OpenApiParameter(
                "field_of_action",
                int,
                description="Only this field of action and the fields derived from it",
            ),
            OpenApiParameter(
                "since",
                str,
                description="ISO 8601 time; default: the caller's last visit of the dashboard "
                "page, else 30 days back",
            ),
        ],
        responses=DashboardSerializer,
    )
    def get(self, request, slug):
        municipality = internal_municipality_for_request(request, slug)
        require(request.user, Action.VIEW_DASHBOARD, municipality)
        form = DashboardFilterForm(request.query_params, municipality=municipality, any_area=True)
        if not form.is_valid():
            raise ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        since = form.cleaned_data.get("since")
        first_visit = False
        if since is None:
            since, first_visit = selectors.default_since(
                user=request.user, municipality=municipality, now=timezone.now()
            )
        board = selectors.dashboard(
            user=request.user,
            municipality=municipality,
            filters=form.filters(),
            since=since,
            first_visit=first_visit,
        )
        return Response(DashboardSerializer(board).data)


urlpatterns = [
    path("municipalities/<slug:slug>/dashboard/", DashboardView.as_view(), name="api-dashboard"),
]
