"""Read API of bookmarks: the public gets published bookmarks whose data is released; members
also their own drafts (data admins every bookmark, to review them before publishing).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Action, can

from . import bookmark_selectors
from .api import municipality_for_request
from .models import Bookmark


class BookmarkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    interpretation = serializers.CharField()
    view = serializers.ChoiceField(choices=Bookmark.View.choices)
    state = serializers.DictField(
        child=serializers.JSONField(),
        help_text="The query parameters of the view (level, indicator, year, …).",
    )
    url = serializers.SerializerMethodField(help_text="The view with exactly this state.")
    is_published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    updated = serializers.DateTimeField()

    def get_url(self, bookmark) -> str | None:
        request = self.context["request"]
        if self.context["public"]:
            target = bookmark_selectors.public_target(bookmark).url
        else:
            target = bookmark_selectors.internal_url(bookmark)
        return request.build_absolute_uri(target) if target else None


class MemberBookmarkSerializer(BookmarkSerializer):
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    is_own = serializers.SerializerMethodField()
    unreleased = serializers.SerializerMethodField(
        help_text="Indicator years the bookmark shows that are not released (public only "
        "when empty)."
    )

    def get_is_own(self, bookmark) -> bool:
        return bookmark.created_by_id == self.context["request"].user.pk

    def get_unreleased(self, bookmark) -> list[str]:
        return self.context["unreleased"][bookmark.pk]


class BookmarkList(APIView):
    """Bookmarks of a municipality.

    The public (and non-members) get published bookmarks whose indicator years are all
    released. Members get their own and the published ones; data admins every bookmark.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "scope",
                str,
                enum=list(bookmark_selectors.SCOPES),
                description="Members: all (default), own, published or drafts",
            ),
            OpenApiParameter("view", str, enum=list(Bookmark.View.values)),
        ],
        responses=MemberBookmarkSerializer(many=True),
    )
    def get(self, request, slug):
        municipality = municipality_for_request(request, slug)
        view = request.query_params.get("view", "")
        if not can(request.user, Action.VIEW_INTERNAL, municipality):
            bookmarks = bookmark_selectors.public_bookmarks(municipality=municipality)
            if view:
                bookmarks = [b for b in bookmarks if b.view == view]
            context = {"request": request, "public": True}
            return Response(BookmarkSerializer(bookmarks, many=True, context=context).data)
        bookmarks = list(
            bookmark_selectors.bookmarks_for(
                user=request.user,
                municipality=municipality,
                scope=request.query_params.get("scope", "all"),
                view=view,
            )
        )
        context = {
            "request": request,
            "public": False,
            "unreleased": bookmark_selectors.unreleased_parts(bookmarks),
        }
        return Response(MemberBookmarkSerializer(bookmarks, many=True, context=context).data)


urlpatterns = [
    path(
        "municipalities/<slug:slug>/bookmarks/",
        BookmarkList.as_view(),
        name="api-bookmarks",
    ),
]
