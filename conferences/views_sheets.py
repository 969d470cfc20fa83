"""Pages of the reflection sheets (under /app/conferences/): sheets (list, create, overview,
fill, consolidate, compare, DOCX/XLSX) and question catalogues (list, detail, editor).

Thin: reads go through selectors_sheets, writes through services_sheets; every page works
without JavaScript, sheets.js adds autosave through the API.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, require

from . import selectors_sheets as selectors
from . import services_sheets as services
from .exports_sheets import DOCX_TYPE, XLSX_TYPE, file_name, render_docx, render_xlsx
from .forms_sheets import (
    CatalogueForm,
    QuestionForm,
    SectionForm,
    SheetCreateForm,
    answers_from_post,
    versions_from_post,
)
from .models import Answer, Catalogue, Conference, Question, Section, Session, Sheet


def _sheet(request, municipality: Municipality, pk: int) -> Sheet:
    try:
        return selectors.sheet_for(user=request.user, municipality=municipality, pk=pk)
    except Sheet.DoesNotExist as exc:
        raise Http404 from exc


def _catalogue(request, municipality: Municipality, pk: int) -> Catalogue:
    try:
        return selectors.catalogue_for(user=request.user, municipality=municipality, pk=pk)
    except Catalogue.DoesNotExist as exc:
        raise Http404 from exc


def _section(request, municipality: Municipality, pk: int) -> Section:
    try:
        return selectors.section_for(user=request.user, municipality=municipality, pk=pk)
    except Section.DoesNotExist as exc:
        raise Http404 from exc


def _question(request, municipality: Municipality, pk: int) -> Question:
    try:
        return selectors.question_for(user=request.user, municipality=municipality, pk=pk)
    except Question.DoesNotExist as exc:
        raise Http404 from exc


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in Catalogue.Kind.values else ""


# --- sheets --------------------------------------------------------------------------------


@login_required
def sheet_list(request):
    municipality = current_municipality(request)
    kind = _kind(request)
    state = request.GET.get("state", "")
    state = state if state in Sheet.State.values else ""
    sheets = selectors.sheets_for(
        user=request.user, municipality=municipality, kind=kind, state=state
    )
    return render(
        request,
        "conferences/sheet_list.html",
        {
            "municipality": municipality,
            "sheets": sheets,
            "kinds": Catalogue.Kind.choices,
            "states": Sheet.State.choices,
            "kind": kind,
            "state": state,
            "may_create": can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


@login_required
def sheet_new(request):
    municipality = current_municipality(request)
    require(request.user, Action.MANAGE_CONFERENCES, municipality)
    catalogues = selectors.catalogues_for(user=request.user, municipality=municipality)
    sessions = Session.objects.filter(conference__municipality=municipality).select_related(
        "conference"
    )
    initial = {}
    if request.GET.get("catalogue", "").isdigit():
        initial["catalogue"] = int(request.GET["catalogue"])
    form = SheetCreateForm(
        request.POST or None,
        catalogues=catalogues,
        conferences=Conference.objects.filter(municipality=municipality),
        sessions=sessions,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sheet = services.create_sheet(
                user=request.user,
                municipality=municipality,
                catalogue=data["catalogue"],
                title=data["title"],
                cycle_number=data["cycle_number"],
                cycle_label=data["cycle_label"],
                conference=data["conference"],
                session=data["session"],
            )
        except services.SheetError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The sheet was created. Members can fill it now."))
            return redirect("conferences:sheet", pk=sheet.pk)
    return render(
        request,
        "conferences/sheet_form.html",
        {"form": form, "title": _("New reflection sheet"), "cancel": reverse("conferences:sheets")},
    )


def _content(request, sheet: Sheet, *, individual: bool = True):
    return selectors.sheet_content(user=request.user, sheet=sheet, individual=individual)


@login_required
def sheet_detail(request, pk):
    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    content = _content(request, sheet)
    return render(
        request,
        "conferences/sheet_detail.html",
        {
            "sheet": sheet,
            "content": content,
            "may_manage": can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


def _with_versions(content, *, agreed: bool, posted=None, versions=None, conflicts=None):
    """Each row with the version of its answer for the form (0: none yet); after refused
    conflicts also the user's posted input, the version stored now and the conflict."""
    for row in content.rows:
        answer = row.agreed if agreed else row.mine
        row.version = answer.version if answer is not None else 0
        row.posted = None
        row.conflict = None
        if posted is not None:
            row.posted = posted.get(row.question.pk)
            row.version = (versions or {}).get(row.question.pk, row.version)
        conflict = (conflicts or {}).get(row.question.pk)
        if conflict is not None:
            row.conflict = conflict
            row.version = conflict.version
    return content


def _refused(request, exc: services.AnswerConflicts, template_page, **posted):
    messages.error(request, str(exc))
    return template_page(**posted, conflicts=exc.conflicts)


@login_required
def sheet_fill(request, pk):
    """The user's own answers: one form for the whole sheet; sheets.js saves each change."""
    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    require(request.user, Action.FILL_SHEETS, municipality)

    def page(**kwargs):
        content = _with_versions(_content(request, sheet, individual=False), agreed=False, **kwargs)
        return _fill_page(request, sheet, municipality, content)

    if request.method == "POST":
        questions = Question.objects.filter(section__catalogue_id=sheet.catalogue_id)
        posted = answers_from_post(request.POST, questions)
        versions = versions_from_post(request.POST, questions)
        try:
            services.save_responses(
                user=request.user, sheet=sheet, answers=posted, versions=versions
            )
        except services.AnswerConflicts as exc:
            return _refused(request, exc, page, posted=posted, versions=versions)
        except services.SheetError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your answers were saved."))
        return redirect("conferences:sheet_fill", pk=sheet.pk)
    return page()


def _fill_page(request, sheet, municipality, content):
    return render(
        request,
        "conferences/sheet_fill.html",
        {
            "sheet": sheet,
            "content": content,
            "answer_choices": Answer.choices,
            "readonly": not content.may_fill,
            "agreed": False,
            "autosave_url": reverse(
                "api-sheet-responses", kwargs={"slug": municipality.slug, "pk": sheet.pk}
            ),
        },
    )


@login_required
def sheet_consolidate(request, pk):
    """Individual answers beside the agreed one; proposals from the individual answers until
    the coordinator saves. "Save and close" saves everything shown, then closes the sheet."""
    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    require(request.user, Action.MANAGE_CONFERENCES, municipality)

    def page(**kwargs):
        content = _with_versions(_content(request, sheet), agreed=True, **kwargs)
        return _consolidate_page(request, sheet, municipality, content)

    if request.method == "POST":
        questions = Question.objects.filter(section__catalogue_id=sheet.catalogue_id)
        posted = answers_from_post(request.POST, questions, agreed=True)
        versions = versions_from_post(request.POST, questions)
        try:
            services.save_agreed_answers(
                user=request.user, sheet=sheet, answers=posted, versions=versions
            )
            if "close" in request.POST:
                services.close_sheet(user=request.user, sheet=sheet)
                messages.success(request, _("The sheet is consolidated and closed."))
                return redirect("conferences:sheet", pk=sheet.pk)
        except services.AnswerConflicts as exc:
            return _refused(request, exc, page, posted=posted, versions=versions)
        except services.SheetError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The agreed answers were saved."))
        return redirect("conferences:sheet_consolidate", pk=sheet.pk)
    return page()


def _consolidate_page(request, sheet, municipality, content):
    return render(
        request,
        "conferences/sheet_consolidate.html",
        {
            "sheet": sheet,
            "content": content,
            "answer_choices": Answer.choices,
            "readonly": not content.may_consolidate,
            "agreed": True,
            "autosave_url": reverse(
                "api-sheet-agreed", kwargs={"slug": municipality.slug, "pk": sheet.pk}
            ),
        },
    )


@require_POST
@login_required
def sheet_prefill(request, pk):
    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    try:
        count = services.prefill_agreed(user=request.user, sheet=sheet)
    except services.SheetError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(count)s agreed answers were filled in from the individual answers.")
            % {"count": count},
        )
    return redirect("conferences:sheet_consolidate", pk=sheet.pk)


@require_POST
@login_required
def sheet_reopen(request, pk):
    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    try:
        services.reopen_sheet(user=request.user, sheet=sheet)
    except services.SheetError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The sheet is open again."))
    return redirect("conferences:sheet", pk=sheet.pk)


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def sheet_docx(request, pk):
    from atlas_data.exports import created_note

    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    content = _content(request, sheet)
    data = render_docx(content, created_note=created_note(municipality.name))
    return _download(data, DOCX_TYPE, file_name(content, "docx"))


@login_required
def sheet_xlsx(request, pk):
    municipality = current_municipality(request)
    sheet = _sheet(request, municipality, pk)
    content = _content(request, sheet)
    return _download(render_xlsx(content), XLSX_TYPE, file_name(content, "xlsx"))


@login_required
def sheet_compare(request):
    municipality = current_municipality(request)
    kind = _kind(request) or Catalogue.Kind.VORPHASE
    sheet_ids = [int(v) for v in request.GET.getlist("sheet") if v.isdigit()]
    comparison = selectors.compare_sheets(
        user=request.user, municipality=municipality, kind=kind, sheet_ids=sheet_ids
    )
    return render(
        request,
        "conferences/sheet_compare.html",
        {
            "comparison": comparison,
            "kinds": Catalogue.Kind.choices,
            "kind": kind,
            "kind_label": Catalogue.Kind(kind).label,
            "chosen": {sheet.pk for sheet in comparison.sheets},
        },
    )


# --- catalogues ----------------------------------------------------------------------------


@login_required
def catalogue_list(request):
    municipality = current_municipality(request)
    include_old = request.GET.get("all") == "1"
    catalogues = selectors.catalogues_for(
        user=request.user, municipality=municipality, include_old=include_old
    )
    return render(
        request,
        "conferences/catalogue_list.html",
        {
            "municipality": municipality,
            "catalogues": catalogues,
            "include_old": include_old,
            "may_edit": can(request.user, Action.EDIT_CATALOGUES, municipality),
            "may_create_sheet": can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


@login_required
def catalogue_detail(request, pk):
    municipality = current_municipality(request)
    catalogue = _catalogue(request, municipality, pk)
    may_edit = can(request.user, Action.EDIT_CATALOGUES, municipality)
    versions = selectors.versions_of(catalogue, municipality=municipality)
    return render(
        request,
        "conferences/catalogue_detail.html",
        {
            "catalogue": catalogue,
            "sections": selectors.sections_of(catalogue),
            "versions": versions,
            "lineage_in_use": any(version.sheet_count for version in versions),
            "may_copy": may_edit,
            "editable": may_edit and catalogue.municipality_id and catalogue.is_current,
            "in_use": services.is_in_use(catalogue),
            "may_create_sheet": catalogue.is_current
            and can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


@require_POST
@login_required
def catalogue_delete(request, pk):
    municipality = current_municipality(request)
    catalogue = _catalogue(request, municipality, pk)
    try:
        services.delete_catalogue(user=request.user, catalogue=catalogue)
    except services.SheetError as exc:
        messages.error(request, str(exc))
        return redirect("conferences:catalogue", pk=catalogue.pk)
    messages.success(request, _("The catalogue was deleted."))
    return redirect("conferences:catalogues")


@require_POST
@login_required
def catalogue_copy(request, pk):
    municipality = current_municipality(request)
    catalogue = _catalogue(request, municipality, pk)
    try:
        copy = services.copy_catalogue(
            user=request.user, municipality=municipality, catalogue=catalogue
        )
    except services.SheetError as exc:
        messages.error(request, str(exc))
        return redirect("conferences:catalogue", pk=catalogue.pk)
    messages.success(
        request,
        _("The catalogue was copied into %(municipality)s. You can edit the copy now.")
        % {"municipality": municipality.name},
    )
    return redirect("conferences:catalogue", pk=copy.pk)


def _after_edit(request, original: Catalogue, result: Catalogue):
    """Back to the editor of the catalogue the edit changed; say so when it is a new version."""
    if result.pk != original.pk:
        messages.info(
            request,
            _(
                "Sheets use version %(old)s of this catalogue, so your change created version "
                "%(new)s. Sheets filled so far keep their questions and answers."
            )
            % {"old": original.version, "new": result.version},
        )
    else:
        messages.success(request, _("The catalogue was saved."))
    return redirect("conferences:catalogue", pk=result.pk)


def _form_page(request, form, title: str, catalogue: Catalogue, **extra):
    context = {
        "form": form,
        "title": title,
        "catalogue": catalogue,
        "cancel": reverse("conferences:catalogue", kwargs={"pk": catalogue.pk}),
        "in_use": services.is_in_use(catalogue),
    }
    return render(request, "conferences/catalogue_form.html", context | extra)


@login_required
def catalogue_edit(request, pk):
    municipality = current_municipality(request)
    catalogue = _catalogue(request, municipality, pk)
    require(request.user, Action.EDIT_CATALOGUES, municipality)
    initial = {"title": catalogue.title, "description": catalogue.description}
    form = CatalogueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.update_catalogue(
                user=request.user, catalogue=catalogue, **form.cleaned_data
            )
        except services.SheetError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_edit(request, catalogue, result)
    return _form_page(request, form, _("Edit catalogue"), catalogue)


@login_required
def section_new(request, pk):
    municipality = current_municipality(request)
    catalogue = _catalogue(request, municipality, pk)
    require(request.user, Action.EDIT_CATALOGUES, municipality)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.add_section(
                user=request.user, catalogue=catalogue, **form.cleaned_data
            )
        except services.SheetError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_edit(request, catalogue, section.catalogue)
    return _form_page(request, form, _("New section"), catalogue)


@login_required
def section_edit(request, pk):
    municipality = current_municipality(request)
    section = _section(request, municipality, pk)
    require(request.user, Action.EDIT_CATALOGUES, municipality)
    initial = {"title": section.title, "intro": section.intro, "step": section.step}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.update_section(
                user=request.user, section=section, **form.cleaned_data
            )
        except services.SheetError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_edit(request, section.catalogue, result.catalogue)
    return _form_page(request, form, _("Edit section"), section.catalogue, section=section)


@require_POST
@login_required
def section_delete(request, pk):
    municipality = current_municipality(request)
    section = _section(request, municipality, pk)
    try:
        result = services.delete_section(user=request.user, section=section)
    except services.SheetError as exc:
        messages.error(request, str(exc))
        return redirect("conferences:catalogue", pk=section.catalogue_id)
    return _after_edit(request, section.catalogue, result)


@require_POST
@login_required
def section_move(request, pk):
    municipality = current_municipality(request)
    section = _section(request, municipality, pk)
    try:
        result = services.move_section(
            user=request.user, section=section, direction=request.POST.get("direction", "")
        )
    except services.SheetError as exc:
        messages.error(request, str(exc))
        return redirect("conferences:catalogue", pk=section.catalogue_id)
    return _after_edit(request, section.catalogue, result.catalogue)


@login_required
def question_new(request, pk):
    municipality = current_municipality(request)
    section = _section(request, municipality, pk)
    require(request.user, Action.EDIT_CATALOGUES, municipality)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.add_question(
                user=request.user, section=section, **form.cleaned_data
            )
        except services.SheetError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_edit(request, section.catalogue, question.section.catalogue)
    return _form_page(request, form, _("New question"), section.catalogue, section=section)


@login_required
def question_edit(request, pk):
    municipality = current_municipality(request)
    question = _question(request, municipality, pk)
    require(request.user, Action.EDIT_CATALOGUES, municipality)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    catalogue = question.section.catalogue
    if request.method == "POST" and form.is_valid():
        try:
            result = services.update_question(
                user=request.user, question=question, **form.cleaned_data
            )
        except services.SheetError as exc:
            form.add_error(None, str(exc))
        else:
            return _after_edit(request, catalogue, result.section.catalogue)
    return _form_page(
        request, form, _("Edit question"), catalogue, section=question.section, question=question
    )


@require_POST
@login_required
def question_delete(request, pk):
    municipality = current_municipality(request)
    question = _question(request, municipality, pk)
    catalogue = question.section.catalogue
    try:
        result = services.delete_question(user=request.user, question=question)
    except services.SheetError as exc:
        messages.error(request, str(exc))
        return redirect("conferences:catalogue", pk=catalogue.pk)
    return _after_edit(request, catalogue, result)


@require_POST
@login_required
def question_move(request, pk):
    municipality = current_municipality(request)
    question = _question(request, municipality, pk)
    catalogue = question.section.catalogue
    try:
        result = services.move_question(
            user=request.user, question=question, direction=request.POST.get("direction", "")
        )
    except services.SheetError as exc:
        messages.error(request, str(exc))
        return redirect("conferences:catalogue", pk=catalogue.pk)
    return _after_edit(request, catalogue, result.section.catalogue)


# Included by ConferencesApp (conferences/views.py) under /app/conferences/.
urlpatterns = [
    path("sheets/", sheet_list, name="sheets"),
    path("sheets/new/", sheet_new, name="sheet_new"),
    path("sheets/compare/", sheet_compare, name="sheet_compare"),
    path("sheets/<int:pk>/", sheet_detail, name="sheet"),
    path("sheets/<int:pk>/fill/", sheet_fill, name="sheet_fill"),
    path("sheets/<int:pk>/consolidate/", sheet_consolidate, name="sheet_consolidate"),
    path("sheets/<int:pk>/prefill/", sheet_prefill, name="sheet_prefill"),
    path("sheets/<int:pk>/reopen/", sheet_reopen, name="sheet_reopen"),
    path("sheets/<int:pk>/export.docx", sheet_docx, name="sheet_docx"),
    path("sheets/<int:pk>/export.xlsx", sheet_xlsx, name="sheet_xlsx"),
    path("catalogues/", catalogue_list, name="catalogues"),
    path("catalogues/<int:pk>/", catalogue_detail, name="catalogue"),
    path("catalogues/<int:pk>/copy/", catalogue_copy, name="catalogue_copy"),
    path("catalogues/<int:pk>/edit/", catalogue_edit, name="catalogue_edit"),
    path("catalogues/<int:pk>/delete/", catalogue_delete, name="catalogue_delete"),
    path("catalogues/<int:pk>/sections/new/", section_new, name="section_new"),
    path("catalogues/sections/<int:pk>/edit/", section_edit, name="section_edit"),
    path("catalogues/sections/<int:pk>/delete/", section_delete, name="section_delete"),
    path("catalogues/sections/<int:pk>/move/", section_move, name="section_move"),
    path("catalogues/sections/<int:pk>/questions/new/", question_new, name="question_new"),
    path("catalogues/questions/<int:pk>/edit/", question_edit, name="question_edit"),
    path("catalogues/questions/<int:pk>/delete/", question_delete, name="question_delete"),
    path("catalogues/questions/<int:pk>/move/", question_move, name="question_move"),
]
