"""API of the analysis steps under /api/v1/municipalities/{slug}/conferences/{conference}/…:
SWOT entries, findings (with the propose, accept and dismiss actions), needs for action, fields
of action and prioritisations (with compute, recompute and confirm).

Members and leadership of the municipality read, coordinators write; everybody else, the public
included, gets 404. Thin: reads through selectors_analysis, writes through services_analysis,
whose German refusals come back as 400 with the field at fault.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.permissions import Action, require
from atlas_data import selectors as atlas_selectors
from atlas_data.api import internal_municipality_for_request
from atlas_data.models import Area, Bookmark, Indicator

from . import selectors_analysis as selectors
from . import services_analysis as services
from .models import (
    Conference,
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    PrioritisationIndicator,
    SwotEntry,
)
from .models.analysis import Priority

# --- access ------------------------------------------------------------------------------------


class ConferenceScoped(GenericAPIView):
    """Resolves the municipality and the conference of the URL, with the permission checks."""

    conference: Conference

    def resolve(self, *, write: bool = False) -> Conference:
        request = self.request
        municipality = internal_municipality_for_request(request, self.kwargs["slug"], write=write)
        try:
            self.conference = selectors.conference_for(
                user=request.user, municipality=municipality, pk=self.kwargs["conference"]
            )
        except Conference.DoesNotExist as exc:
            raise Http404 from exc
        if write:
            require(request.user, Action.MANAGE_CONFERENCES, municipality)
        return self.conference

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["conference"] = getattr(self, "conference", None)
        return context

    def one(self, queryset, pk):
        try:
            return queryset.get(pk=pk)
        except queryset.model.DoesNotExist as exc:
            raise Http404 from exc


def _service(call):
    """Run a service; its refusal becomes a 400 naming the field."""
    try:
        return call()
    except services.AnalysisError as exc:
        raise ValidationError({exc.field or "detail": [exc.message]}) from exc


def _areas(conference, _user):
    return Area.objects.filter(municipality=conference.municipality)


def _indicators(conference, user):
    return atlas_selectors.indicators_for(user=user, municipality=conference.municipality)


def _bookmarks(conference, user):
    return selectors.bookmarks_for_evidence(user=user, municipality=conference.municipality)


def _findings(conference, _user):
    return Finding.objects.filter(conference=conference)


def _swot(conference, _user):
    return SwotEntry.objects.filter(conference=conference)


def _needs(conference, _user):
    return NeedForAction.objects.filter(conference=conference)


def _fields(conference, _user):
    return FieldOfAction.objects.filter(
        conference__municipality=conference.municipality,
        conference__kind=Conference.Kind.PLANNING,
    )


class _Related(serializers.PrimaryKeyRelatedField):
    """An id of a related object, limited to what the conference may refer to."""

    def __init__(self, model, scope, **kwargs):
        self.model, self.scope = model, scope
        super().__init__(**kwargs)

    def get_queryset(self):
        conference = self.context.get("conference")
        if conference is None:  # the schema generator
            return self.model.objects.none()
        request = self.context.get("request")
        return self.scope(conference, request.user if request else None)


# --- SWOT --------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    value_display = serializers.CharField(
        allow_null=True, help_text="The value as the caller may see it (`k. A.` if suppressed)."
    )
    suppressed = serializers.BooleanField()
    reference_display = serializers.CharField(allow_null=True)
    reference_name = serializers.CharField(allow_null=True)
    bookmark_title = serializers.CharField(allow_null=True)
    note = serializers.CharField()


class SwotEntrySerializer(serializers.ModelSerializer):
    area = _Related(Area, _areas, allow_null=True, required=False)
    indicator = _Related(Indicator, _indicators, allow_null=True, required=False)
    evidence_area = _Related(Area, _areas, allow_null=True, required=False)
    bookmark = _Related(Bookmark, _bookmarks, allow_null=True, required=False)
    evidence = serializers.SerializerMethodField()
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = SwotEntry
        fields = [
            "id",
            "quadrant",
            "text",
            "area",
            "evidence_kind",
            "indicator",
            "evidence_area",
            "evidence_year",
            "bookmark",
            "evidence_note",
            "order",
            "evidence",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = ["id", "evidence", "created_by", "created", "updated"]

    @extend_schema_field(EvidenceSerializer)
    def get_evidence(self, entry):
        evidence = self.context.get("evidence", {}).get(entry.pk)
        if evidence is None:
            return None
        return EvidenceSerializer(evidence).data


class _ListSchema(AutoSchema):
    """GET of a list view returns a list (the URL has no id)."""

    def _is_list_view(self, serializer=None) -> bool:
        if self.method == "GET":
            return True
        return super()._is_list_view(serializer)


class _ListCreate(ConferenceScoped):
    """GET lists, POST creates (coordinators)."""

    schema = _ListSchema()

    def items(self):
        raise NotImplementedError

    def create(self, data):
        raise NotImplementedError

    def extra_context(self, items) -> dict:
        return {}

    def render(self, items, *, many=True, code=status.HTTP_200_OK):
        context = self.get_serializer_context() | self.extra_context(items if many else [items])
        serializer = self.get_serializer_class()(items, many=many, context=context)
        return Response(serializer.data, status=code)

    def get(self, request, slug, conference):
        self.resolve()
        return self.render(list(self.items()))

    def post(self, request, slug, conference):
        self.resolve(write=True)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = _service(lambda: self.create(serializer.validated_data))
        return self.render(self.one(self.items(), created.pk), many=False, code=201)


class _Detail(ConferenceScoped):
    """GET one, PATCH changes it, DELETE removes it (coordinators)."""

    list_view: type[_ListCreate]

    def items(self):
        return self.list_view.items(self)

    def extra_context(self, items) -> dict:
        return self.list_view.extra_context(self, items)

    render = _ListCreate.render

    def update(self, obj, data):
        raise NotImplementedError

    def remove(self, obj):
        raise NotImplementedError

    def get(self, request, slug, conference, pk):
        self.resolve()
        return self.render(self.one(self.items(), pk), many=False)

    def patch(self, request, slug, conference, pk):
        self.resolve(write=True)
        obj = self.one(self.items(), pk)
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        _service(lambda: self.update(obj, serializer.validated_data))
        return self.render(self.one(self.items(), pk), many=False)

    @extend_schema(responses={204: None})
    def delete(self, request, slug, conference, pk):
        self.resolve(write=True)
        _service(lambda: self.remove(self.one(self.items(), pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SwotList(_ListCreate):
    """SWOT entries of the conference; `?area=<id>` one area's SWOT, `?area=none` the
    conference's own. Data evidence shows the value as the caller may see it."""

    serializer_class = SwotEntrySerializer
    queryset = SwotEntry.objects.none()

    def items(self):
        raw = self.request.query_params.get("area", "")
        if raw == "none":
            return selectors.swot_entries_for(user=self.request.user, conference=self.conference)
        queryset = selectors.swot_entries_for(
            user=self.request.user, conference=self.conference, all_areas=True
        )
        if raw.isdigit():
            queryset = queryset.filter(area_id=int(raw))
        return queryset

    def extra_context(self, items):
        return {
            "evidence": selectors.evidence_for(
                user=self.request.user,
                municipality=self.conference.municipality,
                entries=list(items),
            )
        }

    def create(self, data):
        return services.create_swot_entry(
            user=self.request.user, conference=self.conference, data=dict(data)
        )


class SwotDetail(_Detail):
    serializer_class = SwotEntrySerializer
    queryset = SwotEntry.objects.none()
    list_view = SwotList

    def items(self):
        return selectors.swot_entries_for(
            user=self.request.user, conference=self.conference, all_areas=True
        )

    def update(self, obj, data):
        return services.update_swot_entry(user=self.request.user, entry=obj, data=dict(data))

    def remove(self, obj):
        services.delete_swot_entry(user=self.request.user, entry=obj)


# --- findings ----------------------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    current_text = serializers.CharField(read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, default=None, allow_null=True
    )
    numbers = serializers.DictField(
        read_only=True,
        help_text="The numbers shown at proposal time, as every member may see them.",
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "area",
            "area_name",
            "year",
            "kind",
            "assessment",
            "state",
            "proposed_text",
            "text",
            "current_text",
            "numbers",
            "proposed_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = [f for f in fields if f != "text"]


class FindingList(_ListCreate):
    """Findings of the conference; `?state=proposed|accepted|dismissed`. Findings are not
    created directly: POST …/findings/propose/ lets KECK propose them from the data."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.none()
    http_method_names = ["get", "head", "options"]

    def items(self):
        state = self.request.query_params.get("state") or None
        if state and state not in Finding.State.values:
            raise ValidationError({"state": [f"Unknown state: {state}"]})
        return selectors.findings_for(
            user=self.request.user, conference=self.conference, state=state
        )


class FindingDetail(_Detail):
    """One finding; PATCH changes its text (the state stays)."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.none()
    list_view = FindingList
    http_method_names = ["get", "patch", "head", "options"]

    def items(self):
        return selectors.findings_for(user=self.request.user, conference=self.conference)

    def update(self, obj, data):
        return services.edit_finding(user=self.request.user, finding=obj, text=data.get("text"))


class ProposeSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="Slug (or id) of the spatial level, e.g. gemeinden")
    year = serializers.IntegerField()
    indicators = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Finding.Kind.choices),
        required=False,
        default=list(Finding.Kind.values),
    )
    k = serializers.FloatField(required=False, default=services.DEFAULT_K)
    top = serializers.IntegerField(required=False, default=services.DEFAULT_TOP)


class ProposalResultSerializer(serializers.Serializer):
    created = FindingSerializer(many=True)
    already_there = serializers.IntegerField()
    dismissed_before = serializers.IntegerField()
    notes = serializers.ListField(child=serializers.CharField())


class FindingPropose(ConferenceScoped):
    """Let KECK propose findings from the data (deviations from the municipal reference by
    more than k standard deviations, largest changes since the previous year). Proposes, never
    decides; dismissed findings are not proposed again."""

    serializer_class = ProposeSerializer
    queryset = Finding.objects.none()

    @extend_schema(request=ProposeSerializer, responses={201: ProposalResultSerializer})
    def post(self, request, slug, conference):
        conference = self.resolve(write=True)
        payload = ProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        municipality = conference.municipality
        level = atlas_selectors.level_for(
            user=request.user, municipality=municipality, ref=str(data["level"])
        )
        if level is None:
            raise ValidationError({"level": [f"Unknown level: {data['level']}"]})
        indicators = list(
            atlas_selectors.indicators_for(user=request.user, municipality=municipality).filter(
                pk__in=data["indicators"]
            )
        )
        missing = set(data["indicators"]) - {i.pk for i in indicators}
        if missing:
            raise ValidationError({"indicators": [f"Unknown indicator: {sorted(missing)}"]})
        result = _service(
            lambda: services.propose_findings(
                user=request.user,
                conference=conference,
                level=level,
                year=data["year"],
                indicators=indicators,
                k=data["k"],
                top=data["top"],
                kinds=data["kinds"],
            )
        )
        created = list(
            selectors.findings_for(user=request.user, conference=conference).filter(
                pk__in=[f.pk for f in result.created]
            )
        )
        return Response(
            ProposalResultSerializer(
                {
                    "created": created,
                    "already_there": result.already_there,
                    "dismissed_before": result.dismissed_before,
                    "notes": result.notes,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


class AcceptSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=True, help_text="An edited text (empty: the proposed text)"
    )


class FindingAccept(ConferenceScoped):
    """Accept a finding, optionally with an edited text."""

    serializer_class = AcceptSerializer
    queryset = Finding.objects.none()

    @extend_schema(request=AcceptSerializer, responses=FindingSerializer)
    def post(self, request, slug, conference, pk):
        conference = self.resolve(write=True)
        findings = selectors.findings_for(user=request.user, conference=conference)
        finding = self.one(findings, pk)
        payload = AcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _service(
            lambda: services.accept_finding(
                user=request.user, finding=finding, text=payload.validated_data.get("text")
            )
        )
        return Response(FindingSerializer(self.one(findings, pk)).data)


class FindingDismiss(ConferenceScoped):
    """Dismiss a finding: it stays stored and is not proposed again."""

    serializer_class = FindingSerializer
    queryset = Finding.objects.none()

    @extend_schema(request=None, responses=FindingSerializer)
    def post(self, request, slug, conference, pk):
        conference = self.resolve(write=True)
        findings = selectors.findings_for(user=request.user, conference=conference)
        services.dismiss_finding(user=request.user, finding=self.one(findings, pk))
        return Response(FindingSerializer(self.one(findings, pk)).data)


# --- needs and fields of action ----------------------------------------------------------------


class NeedSerializer(serializers.ModelSerializer):
    area = _Related(Area, _areas, allow_null=True, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=2)
    findings = _Related(Finding, _findings, many=True, required=False)
    swot_entries = _Related(SwotEntry, _swot, many=True, required=False)

    class Meta:
        model = NeedForAction
        fields = [
            "id",
            "text",
            "area",
            "priority",
            "room_for_manoeuvre",
            "findings",
            "swot_entries",
        ]
        read_only_fields = ["id"]


class NeedList(_ListCreate):
    """Needs for action (Handlungsbedarfe) with priority 1 (high) to 3 (low)."""

    serializer_class = NeedSerializer
    queryset = NeedForAction.objects.none()

    def items(self):
        return selectors.needs_for(user=self.request.user, conference=self.conference)

    def create(self, data):
        return services.create_need(
            user=self.request.user, conference=self.conference, data=dict(data)
        )


class NeedDetail(_Detail):
    serializer_class = NeedSerializer
    queryset = NeedForAction.objects.none()
    list_view = NeedList

    def update(self, obj, data):
        return services.update_need(user=self.request.user, need=obj, data=dict(data))

    def remove(self, obj):
        services.delete_need(user=self.request.user, need=obj)


class FieldOfActionSerializer(serializers.ModelSerializer):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, default=2)
    derived_from = _Related(
        FieldOfAction,
        _fields,
        allow_null=True,
        required=False,
        help_text="Area conferences: the municipal field of action this one concretises.",
    )
    needs = _Related(NeedForAction, _needs, many=True, required=False)

    class Meta:
        model = FieldOfAction
        fields = ["id", "title", "description", "priority", "derived_from", "needs"]
        read_only_fields = ["id"]


class FieldList(_ListCreate):
    """Fields of action (Handlungsfelder) with priority."""

    serializer_class = FieldOfActionSerializer
    queryset = FieldOfAction.objects.none()

    def items(self):
        return selectors.fields_for(user=self.request.user, conference=self.conference)

    def create(self, data):
        return services.create_field_of_action(
            user=self.request.user, conference=self.conference, data=dict(data)
        )


class FieldDetail(_Detail):
    serializer_class = FieldOfActionSerializer
    queryset = FieldOfAction.objects.none()
    list_view = FieldList

    def update(self, obj, data):
        return services.update_field_of_action(user=self.request.user, item=obj, data=dict(data))

    def remove(self, obj):
        services.delete_field_of_action(user=self.request.user, item=obj)


# --- prioritisations ---------------------------------------------------------------------------


class InputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, default=1)
    direction = serializers.ChoiceField(
        choices=PrioritisationIndicator.Direction.choices,
        required=False,
        default="",
        help_text="Empty: by the indicator's polarity (needed for indicators without one).",
    )


class PrioritisationSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="level.slug", help_text="Slug (or id) of the level")
    inputs = serializers.SerializerMethodField()
    urgent_areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    good_areas = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    confirmed_by = serializers.CharField(
        source="confirmed_by.username", read_only=True, default=None
    )
    snapshot = serializers.DictField(
        read_only=True,
        help_text="The computed ranking with its inputs: per area the position, the index and "
        "per indicator the value, score and contribution (as every member may see them).",
    )

    class Meta:
        model = Prioritisation
        fields = [
            "id",
            "title",
            "level",
            "year",
            "method",
            "inputs",
            "snapshot",
            "computed_at",
            "urgent_areas",
            "good_areas",
            "note",
            "is_confirmed",
            "confirmed_by",
            "confirmed_at",
        ]
        read_only_fields = [
            "id",
            "snapshot",
            "computed_at",
            "note",
            "is_confirmed",
            "confirmed_by",
            "confirmed_at",
        ]

    @extend_schema_field(InputSerializer(many=True))
    def get_inputs(self, prioritisation):
        return [
            {"indicator": i.indicator_id, "weight": str(i.weight), "direction": i.direction}
            for i in prioritisation.inputs.all()
        ]


class PrioritisationWriteSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    level = serializers.CharField(help_text="Slug (or id) of the level")
    year = serializers.IntegerField()
    method = serializers.ChoiceField(
        choices=Prioritisation.Method.choices, default=Prioritisation.Method.ZSCORES
    )
    inputs = InputSerializer(many=True)


def _write_arguments(request, conference, data) -> dict:
    municipality = conference.municipality
    level = atlas_selectors.level_for(
        user=request.user, municipality=municipality, ref=str(data["level"])
    )
    if level is None:
        raise ValidationError({"level": [f"Unknown level: {data['level']}"]})
    indicators = atlas_selectors.indicators_for(user=request.user, municipality=municipality)
    by_id = indicators.in_bulk([row["indicator"] for row in data["inputs"]])
    inputs = []
    for row in data["inputs"]:
        if row["indicator"] not in by_id:
            raise ValidationError({"inputs": [f"Unknown indicator: {row['indicator']}"]})
        inputs.append(
            services.InputSpec(by_id[row["indicator"]], row["weight"], row.get("direction", ""))
        )
    return {
        "title": data.get("title", ""),
        "level": level,
        "year": data["year"],
        "method": data["method"],
        "inputs": inputs,
    }


class PrioritisationList(_ListCreate):
    """Prioritisations of areas. POST computes a new one from the current data."""

    serializer_class = PrioritisationSerializer
    queryset = Prioritisation.objects.none()

    def items(self):
        return selectors.prioritisations_for(user=self.request.user, conference=self.conference)

    @extend_schema(request=PrioritisationWriteSerializer, responses={201: PrioritisationSerializer})
    def post(self, request, slug, conference):
        conference = self.resolve(write=True)
        payload = PrioritisationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = _write_arguments(request, conference, payload.validated_data)
        created = _service(
            lambda: services.create_prioritisation(
                user=request.user, conference=conference, **arguments
            )
        )
        return self.render(self.one(self.items(), created.pk), many=False, code=201)


class PrioritisationDetail(_Detail):
    """One prioritisation; PATCH changes inputs of an unconfirmed one and computes it again;
    DELETE removes an unconfirmed one (a confirmed one is the conference's decision)."""

    serializer_class = PrioritisationSerializer
    queryset = Prioritisation.objects.none()
    list_view = PrioritisationList
    http_method_names = ["get", "put", "delete", "head", "options"]

    @extend_schema(request=PrioritisationWriteSerializer, responses=PrioritisationSerializer)
    def put(self, request, slug, conference, pk):
        conference = self.resolve(write=True)
        prioritisation = self.one(self.items(), pk)
        payload = PrioritisationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = _write_arguments(request, conference, payload.validated_data)
        _service(
            lambda: services.update_prioritisation(
                user=request.user, prioritisation=prioritisation, **arguments
            )
        )
        return self.render(self.one(self.items(), pk), many=False)

    def remove(self, obj):
        services.delete_prioritisation(user=self.request.user, prioritisation=obj)


class RecomputeView(ConferenceScoped):
    """Compute an unconfirmed prioritisation again from the current data."""

    serializer_class = PrioritisationSerializer
    queryset = Prioritisation.objects.none()

    @extend_schema(request=None, responses=PrioritisationSerializer)
    def post(self, request, slug, conference, pk):
        conference = self.resolve(write=True)
        items = selectors.prioritisations_for(user=request.user, conference=conference)
        _service(
            lambda: services.recompute_prioritisation(
                user=request.user, prioritisation=self.one(items, pk)
            )
        )
        return Response(PrioritisationSerializer(self.one(items, pk)).data)


class ConfirmSerializer(serializers.Serializer):
    urgent_areas = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    good_areas = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmView(ConferenceScoped):
    """The conference confirms two lists of areas: urgent need, good conditions to build on.
    The snapshot then stays as it was decided."""

    serializer_class = ConfirmSerializer
    queryset = Prioritisation.objects.none()

    @extend_schema(request=ConfirmSerializer, responses=PrioritisationSerializer)
    def post(self, request, slug, conference, pk):
        conference = self.resolve(write=True)
        items = selectors.prioritisations_for(user=request.user, conference=conference)
        prioritisation = self.one(items, pk)
        payload = ConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        areas = Area.objects.filter(
            municipality=conference.municipality,
            pk__in=data["urgent_areas"] + data["good_areas"],
        ).in_bulk()
        unknown = set(data["urgent_areas"] + data["good_areas"]) - set(areas)
        if unknown:
            raise ValidationError({"urgent_areas": [f"Unknown area: {sorted(unknown)}"]})
        _service(
            lambda: services.confirm_prioritisation(
                user=request.user,
                prioritisation=prioritisation,
                urgent=[areas[i] for i in data["urgent_areas"]],
                good=[areas[i] for i in data["good_areas"]],
                note=data["note"],
            )
        )
        return Response(PrioritisationSerializer(self.one(items, pk)).data)


_C = "municipalities/<slug:slug>/conferences/<int:conference>/"

urlpatterns = [
    path(_C + "swot/", SwotList.as_view(), name="api-analysis-swot"),
    path(_C + "swot/<int:pk>/", SwotDetail.as_view(), name="api-analysis-swot-entry"),
    path(_C + "findings/", FindingList.as_view(), name="api-analysis-findings"),
    path(_C + "findings/propose/", FindingPropose.as_view(), name="api-analysis-propose"),
    path(_C + "findings/<int:pk>/", FindingDetail.as_view(), name="api-analysis-finding"),
    path(_C + "findings/<int:pk>/accept/", FindingAccept.as_view(), name="api-analysis-accept"),
    path(_C + "findings/<int:pk>/dismiss/", FindingDismiss.as_view(), name="api-analysis-dismiss"),
    path(_C + "needs/", NeedList.as_view(), name="api-analysis-needs"),
    path(_C + "needs/<int:pk>/", NeedDetail.as_view(), name="api-analysis-need"),
    path(_C + "fields-of-action/", FieldList.as_view(), name="api-analysis-fields"),
    path(_C + "fields-of-action/<int:pk>/", FieldDetail.as_view(), name="api-analysis-field"),
    path(
        _C + "prioritisations/", PrioritisationList.as_view(), name="api-analysis-prioritisations"
    ),
    path(
        _C + "prioritisations/<int:pk>/",
        PrioritisationDetail.as_view(),
        name="api-analysis-prioritisation",
    ),
    path(
        _C + "prioritisations/<int:pk>/recompute/",
        RecomputeView.as_view(),
        name="api-analysis-recompute",
    ),
    path(
        _C + "prioritisations/<int:pk>/confirm/",
        ConfirmView.as_view(),
        name="api-analysis-confirm",
    ),
]
