"""API of the accounts app: the municipalities the caller may see; the support grants of a
municipality and their access log (operator access only by consent, issue 11)."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from . import services
from .models import Municipality, SupportAccess, SupportGrant
from .permissions import Action, actions_of, can, municipalities_for
from .selectors import support_accesses_of, support_grants_of


class MunicipalitySerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField(help_text="What the caller may do here.")

    class Meta:
        model = Municipality
        fields = ["slug", "name", "kind", "official_key", "actions"]

    def get_actions(self, municipality) -> list[str]:
        user = self.context["request"].user
        return sorted(action.value for action in actions_of(user, municipality))


class MunicipalityList(generics.ListAPIView):
    """Municipalities the caller may see: their own, and every one with a public atlas."""

    serializer_class = MunicipalitySerializer

    def get_queryset(self):
        return municipalities_for(self.request.user, Action.VIEW_PUBLIC)


# --- operator access only by consent (issue 11) ------------------------------------------------


def _municipality_for_support(request, slug: str) -> Municipality:
    """The municipality of the URL for its support grants: a call without login is refused,
    whoever may not read its internal data gets 404, a member who does not manage members 403."""
    if not request.user.is_authenticated:
        raise NotAuthenticated
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None or not can(request.user, Action.VIEW_INTERNAL, municipality):
        raise Http404
    if not can(request.user, Action.MANAGE_MEMBERS, municipality):
        raise PermissionDenied(_("Only municipal administrators manage support access."))
    return municipality


class SupportGrantSerializer(serializers.ModelSerializer):
    grantee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.none(),
        help_text="User name of the operator account (an active staff account).",
    )
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    revoked_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="scheduled, active, ended (by its end date) or revoked."
    )
    days = serializers.IntegerField(
        write_only=True,
        min_value=1,
        max_value=SupportGrant.MAX_DAYS,
        default=SupportGrant.DEFAULT_DAYS,
        help_text="How long the access lasts from its start.",
    )
    starts_at = serializers.DateTimeField(
        required=False, help_text="When the access starts; now when left out."
    )
    access_count = serializers.IntegerField(
        read_only=True, help_text="How many requests the operator made under this grant."
    )

    class Meta:
        model = SupportGrant
        fields = [
            "id",
            "grantee",
            "reason",
            "days",
            "starts_at",
            "ends_at",
            "status",
            "granted_by",
            "revoked_at",
            "revoked_by",
            "access_count",
        ]
        read_only_fields = ["ends_at", "revoked_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any user name that is no operator is refused by the service with a clear message.
        self.fields["grantee"].queryset = get_user_model().objects.all()

    def get_status(self, grant) -> str:
        return str(grant.status())


class SupportGrants(GenericAPIView):
    """The support grants of the municipality (municipal administrators only): who among the
    platform operators may read its internal data, from when to when, and how often they did.
    POST grants a new one: read-only access for 1–30 days (7 by default)."""

    serializer_class = SupportGrantSerializer

    @extend_schema(operation_id="municipality_support_grants")
    def get(self, request, slug):
        municipality = _municipality_for_support(request, slug)
        grants = support_grants_of(user=request.user, municipality=municipality)
        return Response(SupportGrantSerializer(grants, many=True).data)

    @extend_schema(operation_id="municipality_support_grant_create")
    def post(self, request, slug):
        municipality = _municipality_for_support(request, slug)
        serializer = SupportGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            grant = services.grant_support_access(
                user=request.user,
                municipality=municipality,
                grantee=data["grantee"],
                reason=data["reason"],
                days=data["days"],
                starts_at=data.get("starts_at"),
            )
        except services.AccountsError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        grant.access_count = 0
        return Response(SupportGrantSerializer(grant).data, status=status.HTTP_201_CREATED)


class SupportGrantRevoke(GenericAPIView):
    """End a support grant at once (or cancel a scheduled one); its access log stays."""

    serializer_class = SupportGrantSerializer

    @extend_schema(operation_id="municipality_support_grant_revoke", request=None)
    def post(self, request, slug, pk):
        municipality = _municipality_for_support(request, slug)
        grant = support_grants_of(user=request.user, municipality=municipality).filter(pk=pk)
        grant = grant.first()
        if grant is None:
            raise Http404
        try:
            services.revoke_support_grant(user=request.user, grant=grant)
        except services.AccountsError as exc:
            raise ValidationError({"detail": [str(exc)]}) from exc
        grant.refresh_from_db()
        return Response(SupportGrantSerializer(grant).data)


class SupportAccessSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SupportAccess
        fields = ["id", "grant", "user", "at", "method", "path", "status_code"]


class SupportAccessPagination(LimitOffsetPagination):
    default_limit = 500
    max_limit = 5000


class SupportAccessLog(GenericAPIView):
    """The access log (municipal administrators only): every request an operator made to the
    municipality's internal pages and API under a support grant, newest first."""

    serializer_class = SupportAccessSerializer
    pagination_class = SupportAccessPagination

    @extend_schema(
        operation_id="municipality_support_access",
        parameters=[
            OpenApiParameter(
                "grant", OpenApiTypes.INT, description="Only the requests under this grant."
            )
        ],
    )
    def get(self, request, slug):
        municipality = _municipality_for_support(request, slug)
        accesses = support_accesses_of(user=request.user, municipality=municipality)
        raw = request.query_params.get("grant", "")
        if raw:
            if not raw.isdigit():
                raise ValidationError({"grant": [_("Give the number of a grant.")]})
            accesses = accesses.filter(grant_id=int(raw))
        page = self.paginate_queryset(accesses)
        return self.get_paginated_response(SupportAccessSerializer(page, many=True).data)


_S = "municipalities/<slug:slug>/"

urlpatterns = [
    path("municipalities/", MunicipalityList.as_view(), name="api-municipalities"),
    path(_S + "support-grants/", SupportGrants.as_view(), name="api-support-grants"),
    path(
        _S + "support-grants/<int:pk>/revoke/",
        SupportGrantRevoke.as_view(),
        name="api-support-grant-revoke",
    ),
    path(_S + "support-access/", SupportAccessLog.as_view(), name="api-support-access"),
]
