"""API of goals and measures under /api/v1/municipalities/{slug}/…: impact goals with their
attainment from the atlas, the measure plan with sub-steps, timeline and reflection, and impact
hypotheses.

Members and leadership of the municipality read everything; coordinators write; the responsible
person of a measure adds sub-steps, timeline entries and the reflection, the responsible person
of a sub-step updates its progress. Everybody else, the public included, gets 404. Thin: reads
through measures.selectors, writes through measures.services, whose German refusals come back as
400 with the field at fault; who may do what is decided in accounts.permissions only.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.models import Municipality
from accounts.permissions import (
    Action,
    can_update_measure,
    can_update_substep,
    require,
    require_measure_update,
)
from atlas_data.api import internal_municipality_for_request
from keck.locking import ConflictResponse, ConflictSerializer

from . import selectors, services
from .models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep
from .serializers import (
    GoalSerializer,
    HypothesisSerializer,
    MeasureSerializer,
    MeasureUpdateSerializer,
    ReflectionSerializer,
    SubStepSerializer,
)

# --- access ------------------------------------------------------------------------------------


class MunicipalityScoped(GenericAPIView):
    """Resolves the municipality of the URL: members read, anyone else gets 404."""

    municipality: Municipality

    def resolve(self, *, write: bool = False) -> Municipality:
        municipality = internal_municipality_for_request(
            self.request, self.kwargs["slug"], write=write
        )
        self.municipality = municipality
        return municipality

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["municipality"] = getattr(self, "municipality", None)
        context["today"] = timezone.localdate()
        return context

    def one(self, queryset, pk):
        try:
            return queryset.get(pk=pk)
        except queryset.model.DoesNotExist as exc:
            raise Http404 from exc


def _service(call):
    """Run a service; its refusal becomes a 400 naming the field (a conflict passes on to the
    caller, which answers 409 with the current object)."""
    try:
        return call()
    except services.MeasuresConflict:
        raise
    except services.MeasuresError as exc:
        raise ValidationError({exc.field or "detail": [exc.message]}) from exc


def _id_param(request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({name: [f"Not an id: {raw}"]})
    return int(raw)


def _choice_param(request, name: str, choices) -> str | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if raw not in choices:
        raise ValidationError({name: [f"Unknown {name}: {raw}. Possible: {', '.join(choices)}"]})
    return raw


def _flag_param(request, name: str) -> bool | None:
    raw = request.query_params.get(name, "").lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise ValidationError({name: [f"Use true or false, not {raw}."]})


def _id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, description=description)


class _ListSchema(AutoSchema):
    """GET of a list view returns a list (the URL has no id)."""

    def _is_list_view(self, serializer=None) -> bool:
        if self.method == "GET":
            return True
        return super()._is_list_view(serializer)


class _ListCreate(MunicipalityScoped):
    """GET lists, POST creates. Subclasses define `items()` (the queryset the caller may read)
    and `create(data)` (the service call)."""

    schema = _ListSchema()

    def check_create(self):
        """Refuse (403) before reading the input when the caller may not create."""
        require(self.request.user, Action.EDIT_GOALS_AND_MEASURES, self.municipality)

    def extra_context(self, items) -> dict:
        return {}

    def render(self, items, *, many=True, code=status.HTTP_200_OK):
        context = self.get_serializer_context() | self.extra_context(items if many else [items])
        serializer = self.get_serializer_class()(items, many=many, context=context)
        return Response(serializer.data, status=code)

    def get(self, request, slug, **kwargs):
        self.resolve()
        return self.render(list(self.items()))

    def post(self, request, slug, **kwargs):
        self.resolve(write=True)
        self.check_create()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new object starts at version 1
        created = _service(lambda: self.create(data))
        return self.render(self.one(self.items(), created.pk), many=False, code=201)


class _DetailSchema(AutoSchema):
    """PATCH may answer 409 (a stale `version`)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "PATCH":
            responses["409"] = self._get_response_for_code(ConflictSerializer, "409")
        return responses


class _Detail(MunicipalityScoped):
    """GET one, PATCH changes it, DELETE removes it. A PATCH with the `version` the caller read
    is refused with 409 (message, who changed it when, the current object) when the object was
    saved since; subclasses define `update(obj, data, version)`."""

    schema = _DetailSchema()

    list_view: type[_ListCreate]

    def items(self):
        return self.list_view.items(self)

    def extra_context(self, items) -> dict:
        return self.list_view.extra_context(self, items)

    render = _ListCreate.render

    def check_write(self, obj):
        """Refuse (403) before reading the input when the caller may not change `obj`."""
        require(self.request.user, Action.EDIT_GOALS_AND_MEASURES, self.municipality)

    def get(self, request, slug, pk, **kwargs):
        self.resolve()
        return self.render(self.one(self.items(), pk), many=False)

    def patch(self, request, slug, pk, **kwargs):
        self.resolve(write=True)
        obj = self.one(self.items(), pk)
        self.check_write(obj)
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        try:
            _service(lambda: self.update(obj, data, version))
        except services.MeasuresConflict as exc:
            current = None if exc.deleted else self.render(self.one(self.items(), pk), many=False)
            raise ConflictResponse(exc, current.data if current else None) from exc
        return self.render(self.one(self.items(), pk), many=False)

    @extend_schema(responses={204: None})
    def delete(self, request, slug, pk, **kwargs):
        self.resolve(write=True)
        obj = self.one(self.items(), pk)
        self.check_write(obj)
        _service(lambda: self.remove(obj))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- goals -------------------------------------------------------------------------------------


class GoalList(_ListCreate):
    """Impact goals with the SMART fields and their attainment from the atlas (latest value
    against baseline and target, linear trend to the deadline, status). The baseline value is
    read from the atlas when a goal is saved, never given."""

    serializer_class = GoalSerializer
    queryset = Goal.objects.none()

    def items(self):
        return (
            selectors.goals_for(user=self.request.user, municipality=self.municipality)
            .select_related("created_by")
            .prefetch_related("needs", "agenda_items", "measures", "hypotheses")
        )

    def filtered(self):
        queryset = self.items()
        conference = _id_param(self.request, "conference")
        if conference is not None:
            queryset = queryset.filter(conference_id=conference)
        level = _choice_param(self.request, "level", Goal.Level.values)
        if level:
            queryset = queryset.filter(level=level)
        field = _id_param(self.request, "field_of_action")
        if field is not None:
            queryset = queryset.filter(field_of_action_id=field)
        return queryset

    def extra_context(self, items):
        return {
            "attainments": selectors.goal_attainments(
                user=self.request.user, goals=items, today=timezone.localdate()
            )
        }

    @extend_schema(
        parameters=[
            _id("conference", "Only goals of this conference."),
            OpenApiParameter("level", OpenApiTypes.STR, enum=Goal.Level.values),
            _id("field_of_action", "Only goals of this field of action."),
        ]
    )
    def get(self, request, slug, **kwargs):
        self.resolve()
        return self.render(list(self.filtered()))

    def create(self, data):
        return services.create_goal(
            user=self.request.user, municipality=self.municipality, data=data
        )


class GoalDetail(_Detail):
    serializer_class = GoalSerializer
    queryset = Goal.objects.none()
    list_view = GoalList

    def update(self, obj, data, version):
        return services.update_goal(user=self.request.user, goal=obj, data=data, version=version)

    def remove(self, obj):
        services.delete_goal(user=self.request.user, goal=obj)


# --- measures ----------------------------------------------------------------------------------


class _MeasureContext:
    def measures(self):
        return (
            selectors.measures_for(user=self.request.user, municipality=self.municipality)
            .select_related("created_by")
            .prefetch_related("agenda_items")
        )

    def measure_context(self, measures) -> dict:
        measures = list(measures)
        for measure in measures:
            measure.municipality = self.municipality  # spares a query per measure
        user = self.request.user
        return {
            "latest_updates": selectors.latest_updates(measures),
            "updatable": {m.pk for m in measures if can_update_measure(user, m)},
        }

    def measure(self, pk) -> Measure:
        measure = self.one(self.measures(), pk)
        measure.municipality = self.municipality
        return measure


class _InMeasure(_MeasureContext):
    """Views under /measures/{measure}/: the measure must be one the caller may see."""

    target: Measure

    def resolve(self, *, write: bool = False):
        municipality = MunicipalityScoped.resolve(self, write=write)
        self.target = self.measure(self.kwargs["measure"])
        return municipality


class MeasureList(_MeasureContext, _ListCreate):
    """The measure plan: what, sub-steps, who, with whom, by when, which goal; plus areas,
    resources, status, progress (rolled up from the sub-steps), whether it is overdue and the
    newest timeline entries. Coordinators create and change measures."""

    serializer_class = MeasureSerializer
    queryset = Measure.objects.none()

    def items(self):
        return self.measures()

    def filtered(self):
        request, queryset = self.request, self.items()
        conference = _id_param(request, "conference")
        if conference is not None:
            queryset = queryset.filter(conference_id=conference)
        state = _choice_param(request, "status", Measure.Status.values)
        if state:
            queryset = queryset.filter(status=state)
        area = _id_param(request, "area")
        if area is not None:
            queryset = queryset.filter(areas=area)
        field = _id_param(request, "field_of_action")
        if field is not None:
            queryset = queryset.filter(field_of_action_id=field)
        goal = _id_param(request, "goal")
        if goal is not None:
            queryset = queryset.filter(goals=goal)
        overdue = _flag_param(request, "overdue")
        if overdue is not None:
            late = Q(deadline__lt=timezone.localdate()) & ~Q(status__in=Measure.CLOSED)
            queryset = queryset.filter(late) if overdue else queryset.exclude(late)
        if _flag_param(request, "mine"):
            user = request.user
            queryset = queryset.filter(
                Q(responsible_user=user)
                | Q(responsible_member__user=user)
                | Q(substeps__responsible_user=user)
                | Q(substeps__responsible_member__user=user)
            )
        return queryset.distinct()

    def extra_context(self, items):
        return self.measure_context(items)

    @extend_schema(
        parameters=[
            _id("conference", "Only measures of this conference."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Measure.Status.values),
            _id("area", "Only measures in this area."),
            _id("field_of_action", "Only measures of this field of action."),
            _id("goal", "Only measures that pursue this goal."),
            OpenApiParameter(
                "overdue",
                OpenApiTypes.BOOL,
                description="true: open measures past their deadline; false: all others.",
            ),
            OpenApiParameter(
                "mine",
                OpenApiTypes.BOOL,
                description="true: measures the caller is responsible for, or for a sub-step "
                "of (as user or as conference member).",
            ),
        ]
    )
    def get(self, request, slug, **kwargs):
        self.resolve()
        return self.render(list(self.filtered()))

    def create(self, data):
        return services.create_measure(
            user=self.request.user, municipality=self.municipality, data=data
        )


class MeasureDetail(_MeasureContext, _Detail):
    """One measure; PATCH and DELETE for coordinators. Responsible people report progress
    through …/updates/, …/substeps/ and …/reflection/."""

    serializer_class = MeasureSerializer
    queryset = Measure.objects.none()
    list_view = MeasureList

    def update(self, obj, data, version):
        return services.update_measure(
            user=self.request.user, measure=obj, data=data, version=version
        )

    def remove(self, obj):
        services.delete_measure(user=self.request.user, measure=obj)


class SubStepList(_InMeasure, _ListCreate):
    """The sub-steps of a measure, each with its own responsible person and deadline. The
    measure's responsible person and coordinators add them; the measure's progress rolls up."""

    serializer_class = SubStepSerializer
    queryset = SubStep.objects.none()

    def items(self):
        return self.target.substeps.select_related(
            "measure", "responsible_user", "responsible_member"
        )

    def check_create(self):
        require_measure_update(self.request.user, self.target)

    def create(self, data):
        return services.save_substep(user=self.request.user, measure=self.target, data=data)


class SubStepDetail(_InMeasure, _Detail):
    """One sub-step. Its own responsible person changes its progress and whether it is done;
    the measure's responsible person and coordinators change everything and delete it."""

    serializer_class = SubStepSerializer
    queryset = SubStep.objects.none()
    list_view = SubStepList

    def check_write(self, obj):
        obj.measure = self.target
        if self.request.method == "DELETE":
            require_measure_update(self.request.user, self.target)
        elif not can_update_substep(self.request.user, obj):
            raise PermissionDenied(
                _("Only the responsible person and coordinators update this step.")
            )

    def update(self, obj, data, version):
        return services.save_substep(
            user=self.request.user, measure=self.target, data=data, substep=obj, version=version
        )

    def remove(self, obj):
        services.delete_substep(user=self.request.user, substep=obj)


class UpdateList(_InMeasure, _ListCreate):
    """The timeline of a measure, newest first. The responsible person and coordinators add an
    entry (what happened, optionally the new status and progress), which updates the measure."""

    serializer_class = MeasureUpdateSerializer
    queryset = MeasureUpdate.objects.none()

    def items(self):
        return MeasureUpdate.objects.filter(measure=self.target).select_related("author")

    def check_create(self):
        require_measure_update(self.request.user, self.target)

    def create(self, data):
        return services.add_update(
            user=self.request.user,
            measure=self.target,
            text=data.get("text", ""),
            status=data.get("status") or "",
            progress=data.get("progress"),
            date=data.get("date"),
        )


class ReflectionView(_MeasureContext, MunicipalityScoped):
    """The reflection at the end of a measure: successful, partly or not suitable, why, and
    lessons learned (the responsible person and coordinators)."""

    serializer_class = ReflectionSerializer
    queryset = Measure.objects.none()

    @extend_schema(request=ReflectionSerializer, responses=MeasureSerializer)
    def put(self, request, slug, measure):
        self.resolve(write=True)
        target = self.measure(measure)
        require_measure_update(request.user, target)
        payload = ReflectionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        _service(
            lambda: services.save_reflection(
                user=request.user,
                measure=target,
                outcome=data["outcome"],
                reason=data["outcome_reason"],
                lessons=data["lessons"],
            )
        )
        fresh = self.measure(measure)
        context = self.get_serializer_context() | self.measure_context([fresh])
        return Response(MeasureSerializer(fresh, context=context).data)


# --- impact hypotheses -------------------------------------------------------------------------


class HypothesisList(_ListCreate):
    """Impact hypotheses: if we do X, then Y, because Z, with the kind of evidence, linked to
    goals and measures."""

    serializer_class = HypothesisSerializer
    queryset = ImpactHypothesis.objects.none()

    def items(self):
        return selectors.hypotheses_for(user=self.request.user, municipality=self.municipality)

    @extend_schema(
        parameters=[
            _id("conference", "Only hypotheses of this conference."),
            _id("goal", "Only hypotheses linked to this goal."),
            _id("measure", "Only hypotheses linked to this measure."),
        ]
    )
    def get(self, request, slug, **kwargs):
        self.resolve()
        queryset = self.items()
        for name, lookup in (
            ("conference", "conference_id"),
            ("goal", "goals"),
            ("measure", "measures"),
        ):
            value = _id_param(request, name)
            if value is not None:
                queryset = queryset.filter(**{lookup: value})
        return self.render(list(queryset.distinct()))

    def create(self, data):
        return services.save_hypothesis(
            user=self.request.user, municipality=self.municipality, data=data
        )


class HypothesisDetail(_Detail):
    serializer_class = HypothesisSerializer
    queryset = ImpactHypothesis.objects.none()
    list_view = HypothesisList

    def update(self, obj, data, version):
        # Hypotheses carry no version: short texts edited by coordinators, last write wins.
        return services.save_hypothesis(
            user=self.request.user, municipality=self.municipality, data=data, hypothesis=obj
        )

    def remove(self, obj):
        services.delete_hypothesis(user=self.request.user, hypothesis=obj)


_M = "municipalities/<slug:slug>/"

urlpatterns = [
    path(_M + "goals/", GoalList.as_view(), name="api-goals"),
    path(_M + "goals/<int:pk>/", GoalDetail.as_view(), name="api-goal"),
    path(_M + "measures/", MeasureList.as_view(), name="api-measures"),
    path(_M + "measures/<int:pk>/", MeasureDetail.as_view(), name="api-measure"),
    path(
        _M + "measures/<int:measure>/substeps/", SubStepList.as_view(), name="api-measure-substeps"
    ),
    path(
        _M + "measures/<int:measure>/substeps/<int:pk>/",
        SubStepDetail.as_view(),
        name="api-measure-substep",
    ),
    path(_M + "measures/<int:measure>/updates/", UpdateList.as_view(), name="api-measure-updates"),
    path(
        _M + "measures/<int:measure>/reflection/",
        ReflectionView.as_view(),
        name="api-measure-reflection",
    ),
    path(_M + "hypotheses/", HypothesisList.as_view(), name="api-hypotheses"),
    path(_M + "hypotheses/<int:pk>/", HypothesisDetail.as_view(), name="api-hypothesis"),
]
