"""API of the reflection sheets, members only: catalogues (read; copy and edit for catalogue
editors, copy-on-write versions), sheets, individual answers (the autosave endpoint of the fill
page), agreed answers, closing and the comparison over cycles.

Thin: reads go through selectors_sheets, writes through services_sheets. The public and
members of other municipalities get nothing (404; 401/403 without login).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Municipality
from accounts.permissions import Action, can, require
from keck.locking import ConflictResponse, ConflictSerializer

from . import selectors_sheets as selectors
from . import services_sheets as services
from .models import Answer, Catalogue, Conference, ConferenceStep, Question, Section, Session, Sheet
from .models import Response as SheetResponse


def _municipality(request, slug: str) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not can(request.user, Action.VIEW_INTERNAL, municipality):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        raise Http404
    return municipality


def _get(getter, **kwargs):
    try:
        return getter(**kwargs)
    except (
        Catalogue.DoesNotExist,
        Section.DoesNotExist,
        Question.DoesNotExist,
        Sheet.DoesNotExist,
    ) as exc:
        raise Http404 from exc


def _refuse(exc: services.SheetError):
    raise ValidationError({"detail": str(exc)}) from exc


# --- serializers ---------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    catalogue = serializers.IntegerField(source="section.catalogue_id", read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "key",
            "order",
            "text",
            "help",
            "has_yes_no",
            "has_explanation",
            "explanation_label",
            "options",
            "allow_other",
            "catalogue",
        ]


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "key", "order", "title", "intro", "step", "catalogue", "questions"]


class CatalogueSerializer(serializers.ModelSerializer):
    is_default = serializers.BooleanField(read_only=True)
    # None for the catalogues KECK ships.
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    section_count = serializers.IntegerField(read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    sheet_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Catalogue
        fields = [
            "id",
            "lineage",
            "kind",
            "title",
            "description",
            "version",
            "is_current",
            "is_default",
            "municipality",
            "based_on",
            "section_count",
            "question_count",
            "sheet_count",
        ]


class CatalogueDetailSerializer(CatalogueSerializer):
    sections = serializers.SerializerMethodField()

    class Meta(CatalogueSerializer.Meta):
        fields = [
            f
            for f in CatalogueSerializer.Meta.fields
            if f not in ("section_count", "question_count", "sheet_count")
        ] + ["sections"]

    def get_sections(self, catalogue) -> list[dict]:
        return SectionSerializer(selectors.sections_of(catalogue), many=True).data


class CatalogueWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SectionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    intro = serializers.CharField(required=False, allow_blank=True, default="")
    step = serializers.ChoiceField(
        choices=ConferenceStep.choices, required=False, allow_blank=True, default=""
    )


class QuestionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(required=False)
    help = serializers.CharField(required=False, allow_blank=True)
    has_yes_no = serializers.BooleanField(required=False)
    has_explanation = serializers.BooleanField(required=False)
    explanation_label = serializers.CharField(required=False, allow_blank=True, max_length=200)
    options = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, max_length=100
    )
    allow_other = serializers.BooleanField(required=False)


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class SheetSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="catalogue.kind", read_only=True)
    catalogue_title = serializers.CharField(source="catalogue.title", read_only=True)
    catalogue_version = serializers.IntegerField(source="catalogue.version", read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )
    respondent_count = serializers.IntegerField(read_only=True)
    agreed_count = serializers.IntegerField(read_only=True)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Sheet
        fields = [
            "id",
            "title",
            "catalogue",
            "catalogue_title",
            "catalogue_version",
            "kind",
            "cycle_number",
            "cycle_label",
            "conference",
            "session",
            "state",
            "created",
            "created_by",
            "closed_at",
            "respondent_count",
            "agreed_count",
            "question_count",
        ]


class SheetCreateSerializer(serializers.Serializer):
    catalogue = serializers.IntegerField(help_text="A current catalogue version")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    cycle_number = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    cycle_label = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default=""
    )
    conference = serializers.IntegerField(required=False, allow_null=True)
    session = serializers.IntegerField(required=False, allow_null=True)


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    answer = serializers.ChoiceField(choices=Answer.choices, allow_blank=True)
    explanation = serializers.CharField(allow_blank=True)
    choices = serializers.ListField(child=serializers.CharField())
    other_text = serializers.CharField(allow_blank=True)
    updated = serializers.DateTimeField()
    version = serializers.IntegerField()


class ResponseSerializer(AnswerSerializer):
    respondent = serializers.CharField(source="respondent.username")
    respondent_name = serializers.SerializerMethodField()

    def get_respondent_name(self, response) -> str:
        return services.display_name(response.respondent)


class AgreedSerializer(AnswerSerializer):
    updated_by = serializers.CharField(source="updated_by.username", allow_null=True, default=None)


class AnswerWriteSerializer(serializers.Serializer):
    """Fields left out stay as they are: the autosave sends one question at a time."""

    question = serializers.IntegerField()
    answer = serializers.ChoiceField(
        choices=Answer.choices,
        allow_blank=True,
        required=False,
        help_text="yes, no, not_discussed or empty",
    )
    explanation = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    other_text = serializers.CharField(allow_blank=True, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version of the answer you read (0: there was none). If it was saved "
        "since, the save is refused with HTTP 409, the message and the current answer. "
        "Without it the save is not checked (last write wins).",
    )


class SheetDetailSerializer(SheetSerializer):
    sections = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField(help_text="The caller's own answers")
    agreed = serializers.SerializerMethodField()
    may_fill = serializers.SerializerMethodField()
    may_consolidate = serializers.SerializerMethodField()

    class Meta(SheetSerializer.Meta):
        fields = [
            f
            for f in SheetSerializer.Meta.fields
            if f not in ("respondent_count", "agreed_count", "question_count")
        ] + ["may_fill", "may_consolidate", "sections", "mine", "agreed"]

    def get_sections(self, sheet) -> list[dict]:
        content = self.context["content"]
        return SectionSerializer([group.section for group in content.sections], many=True).data

    def get_mine(self, sheet) -> list[dict]:
        rows = [row.mine for row in self.context["content"].rows if row.mine is not None]
        return AnswerSerializer(rows, many=True).data

    def get_agreed(self, sheet) -> list[dict]:
        rows = [row.agreed for row in self.context["content"].rows if row.agreed is not None]
        return AgreedSerializer(rows, many=True).data

    def get_may_fill(self, sheet) -> bool:
        return self.context["content"].may_fill

    def get_may_consolidate(self, sheet) -> bool:
        return self.context["content"].may_consolidate


class CloseRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    unresolved = serializers.ListField(child=serializers.IntegerField())


class CompareCellSerializer(serializers.Serializer):
    sheet = serializers.IntegerField(source="sheet.pk")
    answer = serializers.CharField()
    explanation = serializers.SerializerMethodField()
    changed = serializers.BooleanField(help_text="Ja/Nein differs from the previous sheet")
    previous_answer = serializers.CharField()
    length = serializers.IntegerField()
    growth = serializers.IntegerField(allow_null=True, help_text="Characters since the last one")
    present = serializers.BooleanField(help_text="The sheet's catalogue version has the question")

    def get_explanation(self, cell) -> str:
        return cell.agreed.explanation if cell.agreed else ""


class CompareRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    section = serializers.CharField(source="section_title")
    cells = CompareCellSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    kind = serializers.CharField()
    sheets = SheetSerializer(many=True)
    rows = serializers.SerializerMethodField()

    def get_rows(self, comparison) -> list[dict]:
        rows = [row for group in comparison.groups for row in group.rows]
        return CompareRowSerializer(rows, many=True).data


# --- catalogues ----------------------------------------------------------------------------


class CatalogueList(APIView):
    """Question catalogues: the ones KECK ships and the municipality's own (current versions;
    `all=1`: every version)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("all", bool, description="Also old versions"),
            OpenApiParameter("kind", str, enum=list(Catalogue.Kind.values)),
        ],
        responses=CatalogueSerializer(many=True),
    )
    def get(self, request, slug):
        municipality = _municipality(request, slug)
        kind = request.query_params.get("kind", "")
        catalogues = selectors.catalogues_for(
            user=request.user,
            municipality=municipality,
            include_old=request.query_params.get("all") in ("1", "true"),
            kind=kind if kind in Catalogue.Kind.values else "",
        )
        return Response(CatalogueSerializer(catalogues, many=True).data)


def _catalogue_result(catalogue: Catalogue, code=status.HTTP_200_OK) -> Response:
    return Response(CatalogueDetailSerializer(catalogue).data, status=code)


class CatalogueDetail(APIView):
    """One catalogue version with its sections and questions; PATCH its title and description
    (editing a catalogue that sheets use creates a new version: see `id` in the answer);
    DELETE an own catalogue with all its versions while no sheet uses it."""

    @extend_schema(responses=CatalogueDetailSerializer)
    def get(self, request, slug, pk):
        municipality = _municipality(request, slug)
        catalogue = _get(
            selectors.catalogue_for, user=request.user, municipality=municipality, pk=pk
        )
        return _catalogue_result(catalogue)

    @extend_schema(request=CatalogueWriteSerializer, responses=CatalogueDetailSerializer)
    def patch(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        catalogue = _get(
            selectors.catalogue_for, user=request.user, municipality=municipality, pk=pk
        )
        data = CatalogueWriteSerializer(
            data=request.data,
            partial=True,
            context={"request": request},
        )
        data.is_valid(raise_exception=True)
        fields = {"title": catalogue.title, "description": catalogue.description}
        fields |= data.validated_data
        try:
            result = services.update_catalogue(user=request.user, catalogue=catalogue, **fields)
        except services.SheetError as exc:
            _refuse(exc)
        return _catalogue_result(result)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        catalogue = _get(
            selectors.catalogue_for, user=request.user, municipality=municipality, pk=pk
        )
        try:
            services.delete_catalogue(user=request.user, catalogue=catalogue)
        except services.SheetError as exc:
            _refuse(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CatalogueCopy(APIView):
    """Copy a catalogue (e.g. one KECK ships) into the municipality as its own, editable one."""

    @extend_schema(request=None, responses={201: CatalogueDetailSerializer})
    def post(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        catalogue = _get(
            selectors.catalogue_for, user=request.user, municipality=municipality, pk=pk
        )
        try:
            copy = services.copy_catalogue(
                user=request.user, municipality=municipality, catalogue=catalogue
            )
        except services.SheetError as exc:
            _refuse(exc)
        return _catalogue_result(copy, status.HTTP_201_CREATED)


class SectionCreate(APIView):
    """Add a section at the end of a catalogue (in a new version if sheets use it)."""

    @extend_schema(request=SectionWriteSerializer, responses={201: SectionSerializer})
    def post(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        catalogue = _get(
            selectors.catalogue_for, user=request.user, municipality=municipality, pk=pk
        )
        data = SectionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            section = services.add_section(
                user=request.user, catalogue=catalogue, **data.validated_data
            )
        except services.SheetError as exc:
            _refuse(exc)
        return Response(SectionSerializer(section).data, status=status.HTTP_201_CREATED)


class SectionDetail(APIView):
    """Change or delete a section; the answer names the catalogue version that changed."""

    def _section(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        return _get(selectors.section_for, user=request.user, municipality=municipality, pk=pk)

    @extend_schema(request=SectionWriteSerializer, responses=SectionSerializer)
    def patch(self, request, slug, pk):
        section = self._section(request, slug, pk)
        data = SectionWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {"title": section.title, "intro": section.intro, "step": section.step}
        fields |= data.validated_data
        try:
            result = services.update_section(user=request.user, section=section, **fields)
        except services.SheetError as exc:
            _refuse(exc)
        return Response(SectionSerializer(result).data)

    @extend_schema(request=None, responses=CatalogueDetailSerializer)
    def delete(self, request, slug, pk):
        section = self._section(request, slug, pk)
        try:
            catalogue = services.delete_section(user=request.user, section=section)
        except services.SheetError as exc:
            _refuse(exc)
        return _catalogue_result(catalogue)


class SectionMove(APIView):
    @extend_schema(request=MoveSerializer, responses=SectionSerializer)
    def post(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        section = _get(selectors.section_for, user=request.user, municipality=municipality, pk=pk)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.move_section(
                user=request.user, section=section, direction=data.validated_data["direction"]
            )
        except services.SheetError as exc:
            _refuse(exc)
        return Response(SectionSerializer(result).data)


class QuestionCreate(APIView):
    """Add a question at the end of a section."""

    @extend_schema(request=QuestionWriteSerializer, responses={201: QuestionSerializer})
    def post(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        section = _get(selectors.section_for, user=request.user, municipality=municipality, pk=pk)
        data = QuestionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            question = services.add_question(
                user=request.user, section=section, **data.validated_data
            )
        except services.SheetError as exc:
            _refuse(exc)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetail(APIView):
    """Change (only the given fields) or delete a question."""

    def _question(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        return _get(selectors.question_for, user=request.user, municipality=municipality, pk=pk)

    @extend_schema(request=QuestionWriteSerializer, responses=QuestionSerializer)
    def patch(self, request, slug, pk):
        question = self._question(request, slug, pk)
        data = QuestionWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            result = services.update_question(
                user=request.user, question=question, **data.validated_data
            )
        except services.SheetError as exc:
            _refuse(exc)
        return Response(QuestionSerializer(result).data)

    @extend_schema(request=None, responses=CatalogueDetailSerializer)
    def delete(self, request, slug, pk):
        question = self._question(request, slug, pk)
        try:
            catalogue = services.delete_question(user=request.user, question=question)
        except services.SheetError as exc:
            _refuse(exc)
        return _catalogue_result(catalogue)


class QuestionMove(APIView):
    @extend_schema(request=MoveSerializer, responses=QuestionSerializer)
    def post(self, request, slug, pk):
        municipality = _municipality(request, slug)
        require(request.user, Action.EDIT_CATALOGUES, municipality)
        question = _get(selectors.question_for, user=request.user, municipality=municipality, pk=pk)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.move_question(
                user=request.user, question=question, direction=data.validated_data["direction"]
            )
        except services.SheetError as exc:
            _refuse(exc)
        return Response(QuestionSerializer(result).data)


# --- sheets --------------------------------------------------------------------------------


class SheetList(APIView):
    """The municipality's sheets (newest first); coordinators create new ones."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=list(Catalogue.Kind.values)),
            OpenApiParameter("state", str, enum=list(Sheet.State.values)),
        ],
        responses=SheetSerializer(many=True),
    )
    def get(self, request, slug):
        municipality = _municipality(request, slug)
        kind = request.query_params.get("kind", "")
        state = request.query_params.get("state", "")
        sheets = selectors.sheets_for(
            user=request.user,
            municipality=municipality,
            kind=kind if kind in Catalogue.Kind.values else "",
            state=state if state in Sheet.State.values else "",
        )
        return Response(SheetSerializer(sheets, many=True).data)

    @extend_schema(request=SheetCreateSerializer, responses={201: SheetSerializer})
    def post(self, request, slug):
        municipality = _municipality(request, slug)
        require(request.user, Action.MANAGE_CONFERENCES, municipality)
        data = SheetCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        catalogue = _get(
            selectors.catalogue_for,
            user=request.user,
            municipality=municipality,
            pk=values["catalogue"],
        )
        conference = session = None
        if values.get("conference"):
            conference = Conference.objects.filter(
                municipality=municipality, pk=values["conference"]
            ).first()
            if conference is None:
                raise ValidationError({"conference": _("Unknown conference.")})
        if values.get("session"):
            session = (
                Session.objects.filter(conference__municipality=municipality, pk=values["session"])
                .select_related("conference")
                .first()
            )
            if session is None:
                raise ValidationError({"session": _("Unknown session.")})
        try:
            sheet = services.create_sheet(
                user=request.user,
                municipality=municipality,
                catalogue=catalogue,
                title=values["title"],
                cycle_number=values.get("cycle_number"),
                cycle_label=values["cycle_label"],
                conference=conference,
                session=session,
            )
        except services.SheetError as exc:
            _refuse(exc)
        sheet = selectors.sheets_for(user=request.user, municipality=municipality).get(pk=sheet.pk)
        return Response(SheetSerializer(sheet).data, status=status.HTTP_201_CREATED)


def _sheet(request, slug, pk) -> Sheet:
    municipality = _municipality(request, slug)
    return _get(selectors.sheet_for, user=request.user, municipality=municipality, pk=pk)


class SheetDetail(APIView):
    """A sheet with its questions, the caller's own answers and the agreed answers."""

    @extend_schema(responses=SheetDetailSerializer)
    def get(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        content = selectors.sheet_content(user=request.user, sheet=sheet, individual=False)
        return Response(SheetDetailSerializer(sheet, context={"content": content}).data)


class SheetResponses(APIView):
    """Individual answers. POST saves (part of) the caller's own answer to one question: the
    autosave of the fill page; fields left out stay as they are."""

    @extend_schema(
        parameters=[OpenApiParameter("mine", bool, description="Only the caller's answers")],
        responses=ResponseSerializer(many=True),
    )
    def get(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        responses = SheetResponse.objects.filter(sheet=sheet).select_related("respondent")
        if request.query_params.get("mine") in ("1", "true"):
            responses = responses.filter(respondent=request.user)
        responses = responses.order_by("question__section__order", "question__order", "pk")
        return Response(ResponseSerializer(responses, many=True).data)

    @extend_schema(
        request=AnswerWriteSerializer,
        responses={200: AnswerSerializer, 204: None, 409: ConflictSerializer},
    )
    def post(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        require(request.user, Action.FILL_SHEETS, sheet.municipality)
        data = AnswerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        question = fields.pop("question")
        try:
            saved = services.save_response(
                user=request.user, sheet=sheet, question=question, **fields
            )
        except services.AnswerConflict as exc:
            current = AnswerSerializer(exc.current).data if exc.current else None
            raise ConflictResponse(exc, current) from exc
        except services.SheetError as exc:
            _refuse(exc)
        if saved is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(AnswerSerializer(saved).data)


class SheetAgreed(APIView):
    """Agreed answers (one per question). POST saves (part of) one agreed answer
    (coordinators); the autosave of the consolidation page."""

    @extend_schema(responses=AgreedSerializer(many=True))
    def get(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        agreed = sheet.agreed_answers.select_related("updated_by").order_by(
            "question__section__order", "question__order"
        )
        return Response(AgreedSerializer(agreed, many=True).data)

    @extend_schema(
        request=AnswerWriteSerializer,
        responses={200: AgreedSerializer, 204: None, 409: ConflictSerializer},
    )
    def post(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        require(request.user, Action.MANAGE_CONFERENCES, sheet.municipality)
        data = AnswerWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        question = fields.pop("question")
        try:
            saved = services.save_agreed(
                user=request.user, sheet=sheet, question=question, **fields
            )
        except services.AnswerConflict as exc:
            current = AgreedSerializer(exc.current).data if exc.current else None
            raise ConflictResponse(exc, current) from exc
        except services.SheetError as exc:
            _refuse(exc)
        if saved is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(AgreedSerializer(saved).data)


class PrefillResultSerializer(serializers.Serializer):
    filled = serializers.IntegerField()


class SheetPrefill(APIView):
    """Fill the agreed answers still missing with proposals from the individual answers."""

    @extend_schema(request=None, responses=PrefillResultSerializer)
    def post(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        try:
            filled = services.prefill_agreed(user=request.user, sheet=sheet)
        except services.SheetError as exc:
            _refuse(exc)
        return Response({"filled": filled})


class SheetClose(APIView):
    """Close a consolidated sheet (every question agreed or marked "not yet discussed")."""

    @extend_schema(request=None, responses={200: SheetSerializer, 400: CloseRefusedSerializer})
    def post(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        try:
            services.close_sheet(user=request.user, sheet=sheet)
        except services.SheetError as exc:
            unresolved = [q.pk for q in services.unresolved_questions(sheet)]
            return Response(
                {"detail": str(exc), "unresolved": unresolved}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(
            SheetSerializer(
                selectors.sheets_for(user=request.user, municipality=sheet.municipality).get(
                    pk=sheet.pk
                )
            ).data
        )


class SheetReopen(APIView):
    @extend_schema(request=None, responses=SheetSerializer)
    def post(self, request, slug, pk):
        sheet = _sheet(request, slug, pk)
        try:
            services.reopen_sheet(user=request.user, sheet=sheet)
        except services.SheetError as exc:
            _refuse(exc)
        return Response(
            SheetSerializer(
                selectors.sheets_for(user=request.user, municipality=sheet.municipality).get(
                    pk=sheet.pk
                )
            ).data
        )


class SheetCompare(APIView):
    """The agreed answers of the sheets of one catalogue kind across cycles, matched by
    question key; changed Ja/Nein answers and the growth of explanations."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=list(Catalogue.Kind.values), required=True),
            OpenApiParameter("sheet", int, many=True, description="Only these sheets"),
        ],
        responses=ComparisonSerializer,
    )
    def get(self, request, slug):
        municipality = _municipality(request, slug)
        kind = request.query_params.get("kind", "")
        if kind not in Catalogue.Kind.values:
            raise ValidationError(
                {
                    "kind": _("Please choose a kind: %(kinds)s")
                    % {"kinds": ", ".join(Catalogue.Kind.values)}
                }
            )
        sheet_ids = [int(v) for v in request.query_params.getlist("sheet") if v.isdigit()]
        comparison = selectors.compare_sheets(
            user=request.user, municipality=municipality, kind=kind, sheet_ids=sheet_ids
        )
        return Response(ComparisonSerializer(comparison).data)


PREFIX = "municipalities/<slug:slug>/"
urlpatterns = [
    path(PREFIX + "catalogues/", CatalogueList.as_view(), name="api-catalogues"),
    path(PREFIX + "catalogues/<int:pk>/", CatalogueDetail.as_view(), name="api-catalogue"),
    path(PREFIX + "catalogues/<int:pk>/copy/", CatalogueCopy.as_view(), name="api-catalogue-copy"),
    path(
        PREFIX + "catalogues/<int:pk>/sections/",
        SectionCreate.as_view(),
        name="api-catalogue-sections",
    ),
    path(
        PREFIX + "catalogue-sections/<int:pk>/",
        SectionDetail.as_view(),
        name="api-catalogue-section",
    ),
    path(
        PREFIX + "catalogue-sections/<int:pk>/move/",
        SectionMove.as_view(),
        name="api-catalogue-section-move",
    ),
    path(
        PREFIX + "catalogue-sections/<int:pk>/questions/",
        QuestionCreate.as_view(),
        name="api-catalogue-questions",
    ),
    path(
        PREFIX + "catalogue-questions/<int:pk>/",
        QuestionDetail.as_view(),
        name="api-catalogue-question",
    ),
    path(
        PREFIX + "catalogue-questions/<int:pk>/move/",
        QuestionMove.as_view(),
        name="api-catalogue-question-move",
    ),
    path(PREFIX + "sheets/", SheetList.as_view(), name="api-sheets"),
    path(PREFIX + "sheets/compare/", SheetCompare.as_view(), name="api-sheet-compare"),
    path(PREFIX + "sheets/<int:pk>/", SheetDetail.as_view(), name="api-sheet"),
    path(
        PREFIX + "sheets/<int:pk>/responses/",
        SheetResponses.as_view(),
        name="api-sheet-responses",
    ),
    path(PREFIX + "sheets/<int:pk>/agreed/", SheetAgreed.as_view(), name="api-sheet-agreed"),
    path(PREFIX + "sheets/<int:pk>/prefill/", SheetPrefill.as_view(), name="api-sheet-prefill"),
    path(PREFIX + "sheets/<int:pk>/close/", SheetClose.as_view(), name="api-sheet-close"),
    path(PREFIX + "sheets/<int:pk>/reopen/", SheetReopen.as_view(), name="api-sheet-reopen"),
]
