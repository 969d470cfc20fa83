"""Pages of the analysis steps (SWOT, findings, needs, fields of action, prioritisation of areas)
under /app/conferences/<id>/analysis/. Thin: reads through selectors_analysis, writes through
services_analysis. Members and leadership read; coordinators (MANAGE_CONFERENCES) edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import Action, current_municipality, require
from atlas_data.models import Area

from . import selectors_analysis as selectors
from . import services_analysis as services
from .forms_analysis import (
    FieldOfActionForm,
    FindingTextForm,
    NeedForm,
    PrioritisationForm,
    ProposeFindingsForm,
    SwotEntryForm,
    input_formset,
)
from .models import Conference, FieldOfAction, Finding, NeedForAction, Prioritisation, SwotEntry


def _conference(request, conference_pk: int, *, manage: bool = False) -> Conference:
    municipality = current_municipality(request)
    try:
        conference = selectors.conference_for(
            user=request.user, municipality=municipality, pk=conference_pk
        )
    except Conference.DoesNotExist as exc:
        raise Http404 from exc
    if manage:
        require(request.user, Action.MANAGE_CONFERENCES, municipality)
    return conference


def _get(queryset, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def _page_url(conference: Conference, anchor: str = "", **query) -> str:
    url = reverse("conferences:analysis_conference", kwargs={"conference_pk": conference.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url + (f"#{anchor}" if anchor else "")


def _form_page(request, conference, form, *, title, back, template="analysis_form.html", **extra):
    return render(
        request,
        f"conferences/{template}",
        {"conference": conference, "form": form, "title": title, "back": back, **extra},
    )


# ---------------------------------------------------------------------------------------------
# Overview and the analysis page of one conference


@login_required
def analysis_index(request):
    municipality = current_municipality(request)
    conferences = selectors.conferences_for(user=request.user, municipality=municipality)
    return render(
        request,
        "conferences/analysis_index.html",
        {"municipality": municipality, "conferences": conferences},
    )


@login_required
def analysis_page(request, conference_pk: int):
    conference = _conference(request, conference_pk)
    user = request.user
    areas = selectors.swot_areas(conference=conference)
    swot_area = None
    if request.GET.get("area", "").isdigit():
        swot_area = next((a for a in areas if a.pk == int(request.GET["area"])), None)
    board = selectors.swot_board(user=user, conference=conference, area=swot_area)
    findings = list(selectors.findings_for(user=user, conference=conference))
    return render(
        request,
        "conferences/analysis_page.html",
        {
            "conference": conference,
            "may_edit": selectors.may_edit(user, conference.municipality),
            "quadrants": [
                (value, label, board[value]) for value, label in SwotEntry.Quadrant.choices
            ],
            "swot_areas": areas,
            "swot_area": swot_area,
            "proposed": [f for f in findings if f.state == Finding.State.PROPOSED],
            "accepted": [f for f in findings if f.state == Finding.State.ACCEPTED],
            "dismissed": [f for f in findings if f.state == Finding.State.DISMISSED],
            "needs": selectors.needs_for(user=user, conference=conference),
            "fields": selectors.fields_for(user=user, conference=conference),
            "prioritisations": selectors.prioritisations_for(user=user, conference=conference),
        },
    )


# ---------------------------------------------------------------------------------------------
# SWOT


def _swot_back(conference, area_id) -> str:
    return _page_url(conference, "swot", **({"area": area_id} if area_id else {}))


@login_required
def swot_new(request, conference_pk: int):
    conference = _conference(request, conference_pk, manage=True)
    initial = {
        "quadrant": request.GET.get("quadrant") or SwotEntry.Quadrant.STRENGTH,
        "area": request.GET.get("area") or None,
    }
    form = SwotEntryForm(
        request.POST or None, initial=initial, user=request.user, conference=conference
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_swot_entry(
                user=request.user, conference=conference, data=form.cleaned_data
            )
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The SWOT entry was added."))
            return redirect(_swot_back(conference, entry.area_id))
    return _form_page(
        request,
        conference,
        form,
        title=_("New SWOT entry"),
        back=_swot_back(conference, initial["area"]),
        template="analysis_swot_form.html",
    )


@login_required
def swot_edit(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    entry = _get(
        selectors.swot_entries_for(user=request.user, conference=conference, all_areas=True), pk
    )
    form = SwotEntryForm(
        request.POST or None,
        initial=SwotEntryForm.initial_for(entry),
        user=request.user,
        conference=conference,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_swot_entry(user=request.user, entry=entry, data=form.cleaned_data)
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The SWOT entry was saved."))
            return redirect(_swot_back(conference, entry.area_id))
    return _form_page(
        request,
        conference,
        form,
        title=_("Edit SWOT entry"),
        back=_swot_back(conference, entry.area_id),
        template="analysis_swot_form.html",
    )


@login_required
def swot_delete(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    entry = _get(
        selectors.swot_entries_for(user=request.user, conference=conference, all_areas=True), pk
    )
    back = _swot_back(conference, entry.area_id)
    if request.method == "POST":
        services.delete_swot_entry(user=request.user, entry=entry)
        messages.success(request, _("The SWOT entry was deleted."))
        return redirect(back)
    return render(
        request,
        "conferences/analysis_confirm_delete.html",
        {"conference": conference, "what": entry.text, "back": back},
    )


# ---------------------------------------------------------------------------------------------
# Findings


@login_required
def findings_propose(request, conference_pk: int):
    conference = _conference(request, conference_pk, manage=True)
    form = ProposeFindingsForm(request.POST or None, user=request.user, conference=conference)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.propose_findings(
                user=request.user,
                conference=conference,
                level=data["level"],
                year=data["year"],
                indicators=list(data["indicators"]),
                k=float(data["k"]),
                top=data["top"],
                kinds=data["kinds"],
            )
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d finding proposed.",
                    "%(count)d findings proposed.",
                    len(result.created),
                )
                % {"count": len(result.created)},
            )
            if result.already_there or result.dismissed_before:
                messages.info(
                    request,
                    _(
                        "Not proposed again: %(there)d already in the list, %(dismissed)d "
                        "dismissed before."
                    )
                    % {"there": result.already_there, "dismissed": result.dismissed_before},
                )
            for note in result.notes:
                messages.info(request, note)
            return redirect(_page_url(conference, "findings"))
    return _form_page(
        request,
        conference,
        form,
        title=_("Propose findings from the data"),
        back=_page_url(conference, "findings"),
        template="analysis_propose.html",
    )


def _finding(request, conference, pk) -> Finding:
    return _get(selectors.findings_for(user=request.user, conference=conference), pk)


@login_required
def finding_edit(request, conference_pk: int, pk: int):
    """Edit the wording; `accept` in the POST accepts with the edited text."""
    conference = _conference(request, conference_pk, manage=True)
    finding = _finding(request, conference, pk)
    form = FindingTextForm(request.POST or None, initial={"text": finding.current_text})
    if request.method == "POST" and form.is_valid():
        try:
            if "accept" in request.POST:
                services.accept_finding(
                    user=request.user, finding=finding, text=form.cleaned_data["text"]
                )
                messages.success(request, _("The finding was accepted."))
            else:
                services.edit_finding(
                    user=request.user, finding=finding, text=form.cleaned_data["text"]
                )
                messages.success(request, _("The finding was saved."))
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            return redirect(_page_url(conference, "findings"))
    return _form_page(
        request,
        conference,
        form,
        title=_("Edit finding"),
        back=_page_url(conference, "findings"),
        template="analysis_finding_form.html",
        finding=finding,
    )


@require_POST
@login_required
def finding_decide(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    finding = _finding(request, conference, pk)
    action = request.POST.get("action")
    if action == "accept":
        services.accept_finding(user=request.user, finding=finding)
        messages.success(request, _("The finding was accepted."))
    elif action == "dismiss":
        services.dismiss_finding(user=request.user, finding=finding)
        messages.success(request, _("The finding was dismissed; it will not be proposed again."))
    else:
        raise Http404
    return redirect(_page_url(conference, "findings"))


# ---------------------------------------------------------------------------------------------
# Needs and fields of action


def _need_initial(need: NeedForAction) -> dict:
    return {
        "text": need.text,
        "area": need.area_id,
        "priority": need.priority,
        "room_for_manoeuvre": need.room_for_manoeuvre,
        "findings": [f.pk for f in need.findings.all()],
        "swot_entries": [e.pk for e in need.swot_entries.all()],
    }


@login_required
def need_form(request, conference_pk: int, pk: int | None = None):
    conference = _conference(request, conference_pk, manage=True)
    need = _get(selectors.needs_for(user=request.user, conference=conference), pk) if pk else None
    form = NeedForm(
        request.POST or None,
        initial=_need_initial(need) if need else {"area": request.GET.get("area") or None},
        user=request.user,
        conference=conference,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if need is None:
                services.create_need(
                    user=request.user, conference=conference, data=form.cleaned_data
                )
            else:
                services.update_need(user=request.user, need=need, data=form.cleaned_data)
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The need for action was saved."))
            return redirect(_page_url(conference, "needs"))
    return _form_page(
        request,
        conference,
        form,
        title=_("New need for action") if need is None else _("Edit need for action"),
        back=_page_url(conference, "needs"),
    )


@login_required
def need_delete(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    need = _get(selectors.needs_for(user=request.user, conference=conference), pk)
    back = _page_url(conference, "needs")
    if request.method == "POST":
        services.delete_need(user=request.user, need=need)
        messages.success(request, _("The need for action was deleted."))
        return redirect(back)
    return render(
        request,
        "conferences/analysis_confirm_delete.html",
        {"conference": conference, "what": need.text, "back": back},
    )


def _field_initial(item: FieldOfAction) -> dict:
    return {
        "title": item.title,
        "description": item.description,
        "priority": item.priority,
        "derived_from": item.derived_from_id,
        "needs": [n.pk for n in item.needs.all()],
    }


@login_required
def field_form(request, conference_pk: int, pk: int | None = None):
    conference = _conference(request, conference_pk, manage=True)
    item = _get(selectors.fields_for(user=request.user, conference=conference), pk) if pk else None
    form = FieldOfActionForm(
        request.POST or None,
        initial=_field_initial(item) if item else None,
        user=request.user,
        conference=conference,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                services.create_field_of_action(
                    user=request.user, conference=conference, data=form.cleaned_data
                )
            else:
                services.update_field_of_action(
                    user=request.user, item=item, data=form.cleaned_data
                )
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The field of action was saved."))
            return redirect(_page_url(conference, "fields"))
    return _form_page(
        request,
        conference,
        form,
        title=_("New field of action") if item is None else _("Edit field of action"),
        back=_page_url(conference, "fields"),
    )


@login_required
def field_delete(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    item = _get(selectors.fields_for(user=request.user, conference=conference), pk)
    back = _page_url(conference, "fields")
    if request.method == "POST":
        services.delete_field_of_action(user=request.user, item=item)
        messages.success(request, _("The field of action was deleted."))
        return redirect(back)
    return render(
        request,
        "conferences/analysis_confirm_delete.html",
        {"conference": conference, "what": item.title, "back": back},
    )


# ---------------------------------------------------------------------------------------------
# Prioritisation


def _prioritisation(request, conference, pk) -> Prioritisation:
    return _get(selectors.prioritisations_for(user=request.user, conference=conference), pk)


def _prioritisation_url(conference, prioritisation) -> str:
    return reverse(
        "conferences:analysis_prioritisation",
        kwargs={"conference_pk": conference.pk, "pk": prioritisation.pk},
    )


@login_required
def prioritisation_form(request, conference_pk: int, pk: int | None = None):
    conference = _conference(request, conference_pk, manage=True)
    prioritisation = _prioritisation(request, conference, pk) if pk else None
    if prioritisation is not None and prioritisation.is_confirmed:
        messages.error(request, _("A confirmed prioritisation cannot be changed."))
        return redirect(_prioritisation_url(conference, prioritisation))
    initial, rows = None, None
    if prioritisation is not None:
        initial = {
            "title": prioritisation.title,
            "level": prioritisation.level_id,
            "year": prioritisation.year,
            "method": prioritisation.method,
        }
        rows = [
            {"indicator": i.indicator_id, "weight": i.weight, "direction": i.direction}
            for i in prioritisation.inputs.all()
        ]
    data = request.POST or None
    form = PrioritisationForm(data, initial=initial, user=request.user, conference=conference)
    formset = input_formset(user=request.user, conference=conference, data=data, initial=rows)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        inputs = [
            services.InputSpec(row["indicator"], row.get("weight") or 1, row.get("direction") or "")
            for row in formset.chosen()
        ]
        fields = form.cleaned_data
        try:
            if prioritisation is None:
                prioritisation = services.create_prioritisation(
                    user=request.user, conference=conference, inputs=inputs, **fields
                )
            else:
                services.update_prioritisation(
                    user=request.user, prioritisation=prioritisation, inputs=inputs, **fields
                )
        except services.AnalysisError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The ranking was computed."))
            return redirect(_prioritisation_url(conference, prioritisation))
    return _form_page(
        request,
        conference,
        form,
        title=_("New prioritisation of areas")
        if prioritisation is None
        else _("Change the prioritisation"),
        back=_page_url(conference, "prioritisation"),
        template="analysis_prioritisation_form.html",
        formset=formset,
        input_errors=form.errors.get("inputs"),
    )


@login_required
def prioritisation_detail(request, conference_pk: int, pk: int):
    """The computed table; coordinators confirm the two lists here (POST)."""
    conference = _conference(request, conference_pk)
    prioritisation = _prioritisation(request, conference, pk)
    may_edit = selectors.may_edit(request.user, conference.municipality)
    error = None
    if request.method == "POST":
        require(request.user, Action.MANAGE_CONFERENCES, conference.municipality)
        ids = {
            name: [int(v) for v in request.POST.getlist(name) if v.isdigit()]
            for name in ("urgent_areas", "good_areas")
        }
        areas = Area.objects.filter(
            municipality=conference.municipality, pk__in=ids["urgent_areas"] + ids["good_areas"]
        ).in_bulk()
        try:
            services.confirm_prioritisation(
                user=request.user,
                prioritisation=prioritisation,
                urgent=[areas[i] for i in ids["urgent_areas"] if i in areas],
                good=[areas[i] for i in ids["good_areas"] if i in areas],
                note=request.POST.get("note", ""),
            )
        except services.AnalysisError as exc:
            error = exc.message
        else:
            messages.success(request, _("The conference's lists were confirmed."))
            return redirect(_prioritisation_url(conference, prioritisation))
    snapshot = prioritisation.snapshot
    if prioritisation.is_confirmed:
        urgent = {a.pk for a in prioritisation.urgent_areas.all()}
        good = {a.pk for a in prioritisation.good_areas.all()}
        drift = services.ranking_drift(user=request.user, prioritisation=prioritisation)
    elif request.method == "POST":
        urgent = set(ids["urgent_areas"])
        good = set(ids["good_areas"])
        drift = None
    else:
        suggested = services.suggested_lists(snapshot)
        urgent, good = set(suggested[0]), set(suggested[1])
        drift = None
    indicators = snapshot.get("indicators", [])
    return render(
        request,
        "conferences/analysis_prioritisation.html",
        {
            "conference": conference,
            "prioritisation": prioritisation,
            "snapshot": snapshot,
            "indicators": indicators,
            "rows": [
                {
                    **row,
                    "cells": list(zip(indicators, row["cells"], strict=True)),
                    "urgent": row["area_id"] in urgent,
                    "good": row["area_id"] in good,
                }
                for row in snapshot.get("rows", [])
            ],
            "may_edit": may_edit,
            "error": error,
            "drift": drift,
            "note": request.POST.get("note", "") if request.method == "POST" else "",
        },
    )


@require_POST
@login_required
def prioritisation_recompute(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    prioritisation = _prioritisation(request, conference, pk)
    try:
        services.recompute_prioritisation(user=request.user, prioritisation=prioritisation)
    except services.AnalysisError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The ranking was computed again from the current data."))
    return redirect(_prioritisation_url(conference, prioritisation))


@login_required
def prioritisation_delete(request, conference_pk: int, pk: int):
    conference = _conference(request, conference_pk, manage=True)
    prioritisation = _prioritisation(request, conference, pk)
    back = _page_url(conference, "prioritisation")
    if request.method == "POST":
        try:
            services.delete_prioritisation(user=request.user, prioritisation=prioritisation)
        except services.AnalysisError as exc:
            messages.error(request, exc.message)
            return redirect(_prioritisation_url(conference, prioritisation))
        messages.success(request, _("The prioritisation was deleted."))
        return redirect(back)
    return render(
        request,
        "conferences/analysis_confirm_delete.html",
        {"conference": conference, "what": prioritisation.title, "back": back},
    )


_C = "<int:conference_pk>/analysis/"

# Included into ConferencesApp (namespace "conferences") with one line.
urlpatterns = [
    path("analysis/", analysis_index, name="analysis"),
    path(_C, analysis_page, name="analysis_conference"),
    path(_C + "swot/new/", swot_new, name="analysis_swot_new"),
    path(_C + "swot/<int:pk>/", swot_edit, name="analysis_swot_edit"),
    path(_C + "swot/<int:pk>/delete/", swot_delete, name="analysis_swot_delete"),
    path(_C + "findings/propose/", findings_propose, name="analysis_findings_propose"),
    path(_C + "findings/<int:pk>/", finding_edit, name="analysis_finding_edit"),
    path(_C + "findings/<int:pk>/decide/", finding_decide, name="analysis_finding_decide"),
    path(_C + "needs/new/", need_form, name="analysis_need_new"),
    path(_C + "needs/<int:pk>/", need_form, name="analysis_need_edit"),
    path(_C + "needs/<int:pk>/delete/", need_delete, name="analysis_need_delete"),
    path(_C + "fields/new/", field_form, name="analysis_field_new"),
    path(_C + "fields/<int:pk>/", field_form, name="analysis_field_edit"),
    path(_C + "fields/<int:pk>/delete/", field_delete, name="analysis_field_delete"),
    path(_C + "prioritisations/new/", prioritisation_form, name="analysis_prioritisation_new"),
    path(
        _C + "prioritisations/<int:pk>/",
        prioritisation_detail,
        name="analysis_prioritisation",
    ),
    path(
        _C + "prioritisations/<int:pk>/edit/",
        prioritisation_form,
        name="analysis_prioritisation_edit",
    ),
    path(
        _C + "prioritisations/<int:pk>/recompute/",
        prioritisation_recompute,
        name="analysis_prioritisation_recompute",
    ),
    path(
        _C + "prioritisations/<int:pk>/delete/",
        prioritisation_delete,
        name="analysis_prioritisation_delete",
    ),
]
