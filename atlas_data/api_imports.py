"""Write API for data admins: upload an import and poll its progress (thin, calls services)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from . import import_selectors
from .models import ImportRun
from .services import AtlasError, is_interrupted, retry_import, start_import


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Row in the file (header = 1).")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    errors = ProblemSerializer(many=True, read_only=True)
    warnings = ProblemSerializer(many=True, read_only=True)
    summary = serializers.DictField(
        read_only=True, help_text="Counts of the finished import, new indicators, …"
    )
    options = serializers.DictField(read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )
    interrupted = serializers.SerializerMethodField(
        help_text="Running, but its worker is gone: nothing was written; POST …/retry/ to rerun."
    )

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "state",
            "file_name",
            "options",
            "progress",
            "total",
            "percent",
            "errors",
            "warnings",
            "summary",
            "created_by",
            "created",
            "finished",
            "interrupted",
        ]
        read_only_fields = fields

    def get_interrupted(self, run: ImportRun) -> bool:
        return is_interrupted(run)


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportRun.Kind.choices)
    level = serializers.CharField(max_length=100)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    parent_level = serializers.CharField(required=False, allow_blank=True, max_length=100)
    key_field = serializers.CharField(required=False, allow_blank=True, max_length=60)
    name_field = serializers.CharField(required=False, allow_blank=True, max_length=60)
    layer = serializers.CharField(required=False, allow_blank=True, max_length=100)
    key_prefix = serializers.CharField(required=False, allow_blank=True, max_length=40)
    source_note = serializers.CharField(required=False, allow_blank=True, max_length=200)


def _municipality(request, slug: str) -> Municipality:
    """The municipality of the URL; 404 unless the caller is one of its members.

    Imports are internal: a municipality's outsiders learn nothing about them, not even that
    the endpoint exists; members without the data admin role get 403 from the selectors.
    """
    if not request.user.is_authenticated:
        raise NotAuthenticated
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_INTERNAL, municipality):
        raise Http404
    return municipality


class ImportListCreate(generics.GenericAPIView):
    """The municipality's latest imports; POST uploads a file and starts its import."""

    serializer_class = ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser]
    # Only for the schema generator (path parameter types); the methods scope the rows.
    queryset = ImportRun.objects.none()

    @extend_schema(responses={200: ImportRunSerializer(many=True)})
    def get(self, request, slug: str):
        municipality = _municipality(request, slug)
        runs = import_selectors.import_runs_for(user=request.user, municipality=municipality)
        return Response(ImportRunSerializer(runs, many=True).data)

    @extend_schema(request=ImportCreateSerializer, responses={201: ImportRunSerializer})
    def post(self, request, slug: str):
        """Small files are imported at once (state done/failed); larger ones are queued."""
        municipality = _municipality(request, slug)
        # Permission before validation: only data admins learn what a valid upload is.
        require(request.user, Action.EDIT_ATLAS_DATA, municipality)
        upload = ImportCreateSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        options = dict(upload.validated_data)
        uploaded_file, kind = options.pop("file"), options.pop("kind")
        try:
            run = start_import(
                municipality=municipality,
                user=request.user,
                uploaded_file=uploaded_file,
                kind=kind,
                options=options,
            )
        except AtlasError as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        location = reverse("api-import-detail", kwargs={"slug": slug, "pk": run.pk})
        return Response(
            ImportRunSerializer(run).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class ImportDetail(generics.RetrieveAPIView):
    """State and progress of one import, with every problem (row, column, message)."""

    serializer_class = ImportRunSerializer
    queryset = ImportRun.objects.none()  # for the schema generator; get_object scopes the row

    def get_object(self):
        municipality = _municipality(self.request, self.kwargs["slug"])
        return import_selectors.import_run_for(
            user=self.request.user, municipality=municipality, pk=self.kwargs["pk"]
        )


class ImportRetry(generics.GenericAPIView):
    """Start an interrupted import again (its worker died; nothing of it was written)."""

    serializer_class = ImportRunSerializer
    queryset = ImportRun.objects.none()  # for the schema generator; post scopes the row

    @extend_schema(request=None, responses={200: ImportRunSerializer})
    def post(self, request, slug: str, pk: int):
        municipality = _municipality(request, slug)
        run = import_selectors.import_run_for(user=request.user, municipality=municipality, pk=pk)
        try:
            run = retry_import(user=request.user, run=run)
        except AtlasError as exc:
            raise ValidationError({"state": [str(exc)]}) from exc
        return Response(ImportRunSerializer(run).data)


urlpatterns = [
    path(
        "municipalities/<slug:slug>/imports/",
        ImportListCreate.as_view(),
        name="api-imports",
    ),
    path(
        "municipalities/<slug:slug>/imports/<int:pk>/",
        ImportDetail.as_view(),
        name="api-import-detail",
    ),
    path(
        "municipalities/<slug:slug>/imports/<int:pk>/retry/",
        ImportRetry.as_view(),
        name="api-import-retry",
    ),
]
