"""API of conferences, their members, sessions and action items under
/api/v1/municipalities/{slug}/…: coordinators write, members and leadership read, the public gets
404 (municipality without public atlas) or 403 and nothing. Thin: reads through
selectors_meetings, writes through services_meetings.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS

from accounts.permissions import Action, can
from atlas_data.api import municipality_for_request
from atlas_data.models import Area, Bookmark
from keck.locking import ConflictResponse, ConflictSerializer

from . import selectors_meetings as selectors
from . import services_meetings as services
from .models import ActionItem, AgendaItem, Conference, ConferenceMember, Session
from .selectors_meetings import ATTENDANCE_STATUSES


@contextmanager
def refused_as_400():
    """A MeetingError (German message) becomes HTTP 400; nothing was written. A conflict
    (RecordConflict) passes on: the view answers 409 with the current session."""
    try:
        yield
    except services.RecordConflict:
        raise
    except services.MeetingError as exc:
        raise ValidationError({"detail": str(exc)}) from exc


class MunicipalityScopedViewSet(viewsets.GenericViewSet):
    """Resolves the municipality of the URL and checks read (members) or write (coordinators)."""

    municipality = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.municipality = municipality_for_request(request, kwargs["slug"])
        action = (
            Action.VIEW_INTERNAL if request.method in SAFE_METHODS else Action.MANAGE_CONFERENCES
        )
        if not can(request.user, action, self.municipality):
            if not can(request.user, Action.VIEW_INTERNAL, self.municipality):
                self.permission_denied(
                    request, message=_("Conferences are internal to the municipality.")
                )
            self.permission_denied(
                request, message=_("Only coordinators may change conferences and sessions.")
            )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["municipality"] = self.municipality
        return context

    def _fake(self) -> bool:
        return getattr(self, "swagger_fake_view", False)


def _users_of(municipality):
    return get_user_model().objects.filter(memberships__municipality=municipality).distinct()


# --------------------------------------------------------------------------------------------
# Conferences and members


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        required=False,
        allow_null=True,
        help_text="Optional: the member's user in this municipality (members need no login).",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, help_text="Empty: the linked user's name."
    )

    class Meta:
        model = ConferenceMember
        fields = ["id", "name", "function", "institution", "email", "user", "active"]

    def get_fields(self):
        fields = super().get_fields()
        municipality = self.context.get("municipality")
        if municipality is not None:
            fields["user"].queryset = _users_of(municipality)
        return fields


class ConferenceSerializer(serializers.ModelSerializer):
    areas = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Area.objects.none(),
        required=False,
        help_text="Ids of the areas of a social area conference (at least one); "
        "a social planning conference has none.",
    )
    coordinator = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        required=False,
        allow_null=True,
        help_text="A user with the coordinator role in this municipality.",
    )
    member_count = serializers.IntegerField(read_only=True)
    next_session_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Conference
        fields = [
            "id",
            "kind",
            "name",
            "areas",
            "purpose",
            "rhythm",
            "reuses_body",
            "coordinator",
            "is_active",
            "member_count",
            "next_session_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        municipality = self.context.get("municipality")
        if municipality is not None:
            fields["areas"].child_relation.queryset = Area.objects.filter(municipality=municipality)
            fields["coordinator"].queryset = _users_of(municipality)
        return fields


class ConferenceDetailSerializer(ConferenceSerializer):
    members = MemberSerializer(many=True, read_only=True)

    class Meta(ConferenceSerializer.Meta):
        fields = [*ConferenceSerializer.Meta.fields, "members"]


class ConferenceViewSet(
    MunicipalityScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Conferences of a municipality (Sozialplanungskonferenz, Sozialraumkonferenzen)."""

    queryset = Conference.objects.none()
    serializer_class = ConferenceSerializer

    def get_serializer_class(self):
        return ConferenceSerializer if self.action == "list" else ConferenceDetailSerializer

    def get_queryset(self):
        if self._fake():
            return Conference.objects.none()
        return selectors.conferences_for(
            user=self.request.user, municipality=self.municipality
        ).prefetch_related("members")

    def _fields(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        if self.action == "partial_update":
            current = serializer.instance
            data = {
                "kind": current.kind,
                "name": current.name,
                "areas": list(current.areas.all()),
                "purpose": current.purpose,
                "rhythm": current.rhythm,
                "reuses_body": current.reuses_body,
                "coordinator": current.coordinator,
                "is_active": current.is_active,
                **data,
            }
        return data

    def perform_create(self, serializer):
        with refused_as_400():
            serializer.instance = services.create_conference(
                user=self.request.user, municipality=self.municipality, **self._fields(serializer)
            )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        with refused_as_400():
            services.update_conference(
                user=self.request.user, conference=serializer.instance, **self._fields(serializer)
            )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        with refused_as_400():
            services.delete_conference(user=self.request.user, conference=instance)


class MemberViewSet(
    MunicipalityScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Members of one conference, with function and institution; they need no login."""

    queryset = ConferenceMember.objects.none()
    serializer_class = MemberSerializer

    def conference(self) -> Conference:
        try:
            return selectors.conference_for(
                user=self.request.user,
                municipality=self.municipality,
                pk=self.kwargs["conference_pk"],
            )
        except Conference.DoesNotExist as exc:
            raise Http404 from exc

    def get_queryset(self):
        if self._fake():
            return ConferenceMember.objects.none()
        return selectors.members_of(user=self.request.user, conference=self.conference())

    def _fields(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        if serializer.instance is not None:
            current = serializer.instance
            data = {
                "name": current.name,
                "function": current.function,
                "institution": current.institution,
                "email": current.email,
                "user": current.user,
                "active": current.active,
                **data,
            }
        else:
            data.pop("active", None)  # a new member is active
        data["member_user"] = data.pop("user", None)
        return data

    def perform_create(self, serializer):
        with refused_as_400():
            serializer.instance = services.add_member(
                user=self.request.user, conference=self.conference(), **self._fields(serializer)
            )

    def perform_update(self, serializer):
        with refused_as_400():
            serializer.instance = services.update_member(
                user=self.request.user, member=serializer.instance, **self._fields(serializer)
            )

    def perform_destroy(self, instance):
        with refused_as_400():
            services.remove_member(user=self.request.user, member=instance)


# --------------------------------------------------------------------------------------------
# Sessions


class AgendaItemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Empty: a new agenda item.")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    bookmark = serializers.PrimaryKeyRelatedField(
        queryset=Bookmark.objects.none(),
        required=False,
        allow_null=True,
        help_text="An atlas bookmark of the same municipality.",
    )
    order = serializers.IntegerField(required=False, min_value=0, max_value=999)
    carried_over_from = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The open action item of an earlier session it carries over.",
    )
    delete = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Remove this agenda item."
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "order",
            "title",
            "description",
            "bookmark",
            "minutes",
            "carried_over_from",
            "delete",
        ]

    def get_fields(self):
        fields = super().get_fields()
        municipality = self.context.get("municipality")
        if municipality is not None:
            fields["bookmark"].queryset = Bookmark.objects.filter(municipality=municipality)
        return fields


class AttendanceSerializer(serializers.Serializer):
    member = serializers.IntegerField(help_text="Id of a member of the session's conference.")
    name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        choices=ATTENDANCE_STATUSES,
        allow_blank=True,
        help_text="present, excused, absent, or empty: not recorded.",
    )


class ActionItemSerializer(serializers.ModelSerializer):
    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.none(), help_text="The session whose closing table it is in."
    )
    responsible_member = serializers.PrimaryKeyRelatedField(
        queryset=ConferenceMember.objects.none(), required=False, allow_null=True
    )
    responsible_user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(), required=False, allow_null=True
    )
    responsible_name = serializers.SerializerMethodField()
    conference = serializers.IntegerField(source="session.conference_id", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "session",
            "conference",
            "what",
            "responsible_member",
            "responsible_user",
            "responsible_name",
            "due",
            "status",
            "is_overdue",
            "last_reminder_sent",
        ]
        read_only_fields = ["last_reminder_sent"]

    def get_fields(self):
        fields = super().get_fields()
        municipality = self.context.get("municipality")
        if municipality is not None:
            fields["session"].queryset = Session.objects.filter(
                conference__municipality=municipality
            )
            fields["responsible_member"].queryset = ConferenceMember.objects.filter(
                conference__municipality=municipality
            )
            fields["responsible_user"].queryset = _users_of(municipality)
        return fields

    def get_responsible_name(self, item) -> str:
        return selectors.responsible_name(item)

    def get_is_overdue(self, item) -> bool:
        return bool(item.is_open and item.due and item.due < timezone.localdate())


class SessionSerializer(serializers.ModelSerializer):
    conference = serializers.PrimaryKeyRelatedField(queryset=Conference.objects.none())
    agenda_count = serializers.IntegerField(read_only=True)
    action_item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "conference",
            "starts_at",
            "ends_at",
            "place",
            "invitation_sent_at",
            "agenda_count",
            "action_item_count",
        ]
        read_only_fields = ["invitation_sent_at"]

    def get_fields(self):
        fields = super().get_fields()
        municipality = self.context.get("municipality")
        if municipality is not None:
            fields["conference"].queryset = Conference.objects.filter(municipality=municipality)
        return fields


class SessionDetailSerializer(SessionSerializer):
    """A session with everything recorded. On writes `agenda` and `attendance` change only the
    rows they list (an agenda row without id is added, one with "delete": true removed)."""

    agenda = AgendaItemSerializer(many=True, required=False)
    attendance = AttendanceSerializer(many=True, required=False)
    action_items = ActionItemSerializer(many=True, read_only=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version of the session's record you read. Send it back with a change of "
        "agenda, minutes, attendance or decisions: if the record was saved since, the change "
        "is refused with HTTP 409 and the current session. Without it the change is not "
        "checked (last write wins).",
    )

    class Meta(SessionSerializer.Meta):
        fields = [
            "id",
            "conference",
            "starts_at",
            "ends_at",
            "place",
            "invitation_sent_at",
            "decisions",
            "agenda",
            "attendance",
            "action_items",
            "version",
        ]
        read_only_fields = ["invitation_sent_at"]

    RECORDED = ("agenda", "attendance", "action_items")

    @property
    def _readable_fields(self):
        # The recorded parts come from one SessionRecord (a fixed number of queries), not from
        # the model's related managers of the same names.
        for field in super()._readable_fields:
            if field.field_name not in self.RECORDED:
                yield field

    def to_representation(self, session):
        record = selectors.session_record(session)
        data = super().to_representation(session)
        context = self.context
        data["agenda"] = AgendaItemSerializer(record.agenda, many=True, context=context).data
        data["attendance"] = [
            {"member": row.member.pk, "name": row.member.name, "status": row.status}
            for row in record.attendance
        ]
        data["action_items"] = ActionItemSerializer(
            record.action_items, many=True, context=context
        ).data
        return data


def _agenda_changes(rows) -> list[services.AgendaChange]:
    return [
        services.AgendaChange(
            pk=row.get("id"),
            title=row.get("title", ""),
            description=row.get("description", ""),
            minutes=row.get("minutes", ""),
            bookmark=row.get("bookmark"),
            order=row.get("order"),
            delete=row.get("delete", False),
        )
        for row in rows
    ]


@extend_schema_view(
    update=extend_schema(responses={200: SessionDetailSerializer, 409: ConflictSerializer}),
    partial_update=extend_schema(responses={200: SessionDetailSerializer, 409: ConflictSerializer}),
)
class SessionViewSet(
    MunicipalityScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Sessions (Sitzungen). Creating one puts the open action items of the conference's earlier
    sessions on its agenda; writes of agenda, attendance and decisions record the session."""

    queryset = Session.objects.none()
    serializer_class = SessionDetailSerializer

    def get_serializer_class(self):
        return SessionSerializer if self.action == "list" else SessionDetailSerializer

    def get_queryset(self):
        if self._fake():
            return Session.objects.none()
        conference = self.request.query_params.get("conference")
        if conference is not None and not conference.isdigit():
            raise ValidationError({"conference": _("The conference must be given by its id.")})
        return selectors.sessions_for(
            user=self.request.user,
            municipality=self.municipality,
            conference=int(conference) if conference else None,
        )

    @extend_schema(
        parameters=[OpenApiParameter("conference", int, description="Only this conference")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        changes = _agenda_changes(data.get("agenda", []))
        for change in changes:
            change.pk = None
        with refused_as_400():
            session = services.create_session(
                user=self.request.user,
                conference=data["conference"],
                starts_at=data["starts_at"],
                ends_at=data.get("ends_at"),
                place=data.get("place", ""),
                agenda=[change for change in changes if not change.delete],
            )
            services.record_session(
                user=self.request.user,
                session=session,
                attendance={row["member"]: row["status"] for row in data.get("attendance", [])},
                agenda=[],
                decisions=data.get("decisions", ""),
                action_items=[],
            )
        serializer.instance = session

    def perform_update(self, serializer):
        session, data = serializer.instance, serializer.validated_data
        if "conference" in data and data["conference"].pk != session.conference_id:
            raise ValidationError({"conference": _("A session cannot move to another conference.")})
        try:
            self._update(session, data)
        except services.RecordConflict as exc:
            current = None
            if not exc.deleted:
                session.refresh_from_db()
                current = SessionDetailSerializer(session, context=self.get_serializer_context())
            raise ConflictResponse(exc, current.data if current else None) from exc
        session.refresh_from_db()

    @transaction.atomic
    def _update(self, session, data):
        """Date, place and record together: a refused record leaves the date unchanged too."""
        with refused_as_400():
            if {"starts_at", "ends_at", "place"} & set(data):
                services.update_session(
                    user=self.request.user,
                    session=session,
                    starts_at=data.get("starts_at", session.starts_at),
                    ends_at=data.get("ends_at", session.ends_at),
                    place=data.get("place", session.place),
                )
            services.record_session(
                user=self.request.user,
                session=session,
                attendance={row["member"]: row["status"] for row in data.get("attendance", [])},
                agenda=_agenda_changes(data.get("agenda", [])),
                decisions=data.get("decisions", session.decisions),
                action_items=[],
                version=data.get("version"),
            )

    def perform_destroy(self, instance):
        services.delete_session(user=self.request.user, session=instance)


# --------------------------------------------------------------------------------------------
# Action items


def _date_param(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(
            {name: _("Not a date (YYYY-MM-DD): %(value)s") % {"value": raw}}
        ) from exc


def _id_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({name: _("Must be a number: %(value)s") % {"value": raw}})
    return int(raw)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="Comma-separated: open, in_progress, done, dropped",
            ),
            OpenApiParameter("due_before", datetime.date, description="Due on or before"),
            OpenApiParameter("due_after", datetime.date, description="Due on or after"),
            OpenApiParameter("overdue", bool, description="Only open items past their date"),
            OpenApiParameter(
                "responsible",
                str,
                description="'me' or a user id: items of that user (directly or as a member)",
            ),
            OpenApiParameter("responsible_member", int, description="A conference member id"),
            OpenApiParameter("conference", int),
            OpenApiParameter("session", int),
        ]
    )
)
class ActionItemViewSet(
    MunicipalityScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Action items: who (member or user) does what by when, with status."""

    queryset = ActionItem.objects.none()
    serializer_class = ActionItemSerializer

    def get_queryset(self):
        if self._fake():
            return ActionItem.objects.none()
        request = self.request
        if self.action != "list":
            return selectors.action_items_for(user=request.user, municipality=self.municipality)
        statuses = [s for s in request.query_params.get("status", "").split(",") if s]
        unknown = [s for s in statuses if s not in ActionItem.Status.values]
        if unknown:
            raise ValidationError(
                {"status": _("Unknown status: %(status)s.") % {"status": unknown[0]}}
            )
        responsible = request.query_params.get("responsible", "")
        responsible_user = None
        if responsible == "me":
            responsible_user = request.user
        elif responsible:
            if not responsible.isdigit():
                raise ValidationError({"responsible": _("Use 'me' or a user id.")})
            responsible_user = int(responsible)
        return selectors.action_items_for(
            user=request.user,
            municipality=self.municipality,
            status=statuses or None,
            due_before=_date_param(request, "due_before"),
            due_after=_date_param(request, "due_after"),
            overdue=request.query_params.get("overdue", "").lower() in ("1", "true", "yes"),
            responsible_user=responsible_user,
            responsible_member=_id_param(request, "responsible_member"),
            conference=_id_param(request, "conference"),
            session=_id_param(request, "session"),
        )

    def _fields(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        data.pop("session", None)
        return data

    def perform_create(self, serializer):
        with refused_as_400():
            serializer.instance = services.create_action_item(
                user=self.request.user,
                session=serializer.validated_data["session"],
                **self._fields(serializer),
            )

    def perform_update(self, serializer):
        item = serializer.instance
        session = serializer.validated_data.get("session")
        if session is not None and session.pk != item.session_id:
            raise ValidationError({"session": _("An action item cannot move to another session.")})
        with refused_as_400():
            serializer.instance = services.update_action_item(
                user=self.request.user, item=item, **self._fields(serializer)
            )

    def perform_destroy(self, instance):
        services.delete_action_item(user=self.request.user, item=instance)


def _routes(viewset, prefix: str, name: str, lookup: str = "pk"):
    return [
        path(
            f"{prefix}/",
            viewset.as_view({"get": "list", "post": "create"}),
            name=f"api-{name}-list",
        ),
        path(
            f"{prefix}/<int:{lookup}>/",
            viewset.as_view(
                {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
            ),
            name=f"api-{name}-detail",
        ),
    ]


BASE = "municipalities/<slug:slug>"
urlpatterns = [
    *_routes(ConferenceViewSet, f"{BASE}/conferences", "conferences"),
    *_routes(MemberViewSet, f"{BASE}/conferences/<int:conference_pk>/members", "members"),
    *_routes(SessionViewSet, f"{BASE}/sessions", "sessions"),
    *_routes(ActionItemViewSet, f"{BASE}/action-items", "action-items"),
]
