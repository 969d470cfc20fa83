"""The reports page under /app/measures/reports/: measure plan downloads (DOCX, XLSX) for every
member, interim reports generated in the background for leadership and coordinators, and the
municipality's own Word template of the interim report. Thin: reads through measures.reports.data,
writes through measures.reports.runs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import (
    Action,
    can,
    can_generate_reports,
    current_municipality,
    require_report_access,
)
from conferences.selectors_analysis import conferences_for

from .models import ReportRun
from .reports import (
    DOCX_CONTENT_TYPE,
    INTERIM_REPORT_TEMPLATE,
    PDF_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    interim,
    measure_plan,
    runs,
)
from .reports.data import map_choices
from .reports.data import measure_plan as measure_plan_data
from .reports.forms import InterimReportForm, PlanFilterForm, TemplateForm
from .services import MeasuresError

RECENT_RUNS = 10


def _run(request, pk: int) -> ReportRun:
    municipality = current_municipality(request)
    try:
        return runs.run_for(user=request.user, municipality=municipality, pk=pk)
    except ReportRun.DoesNotExist as exc:
        raise Http404 from exc


def _page(request, municipality, *, interim_form=None, template_form=None, status=200):
    conferences = conferences_for(user=request.user, municipality=municipality)
    may_generate = can_generate_reports(request.user, municipality)
    may_edit_template = can(request.user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    if may_generate and interim_form is None:
        interim_form = InterimReportForm(
            conferences=conferences,
            map_choices=map_choices(user=request.user, municipality=municipality),
        )
    context = {
        "municipality": municipality,
        "plan_form": PlanFilterForm(request.GET or None, conferences=conferences),
        "may_generate": may_generate,
        "interim_form": interim_form,
        "runs": (
            runs.runs_for(user=request.user, municipality=municipality)[:RECENT_RUNS]
            if may_generate
            else []
        ),
        "may_edit_template": may_edit_template,
        "template_form": template_form or (TemplateForm() if may_edit_template else None),
        "own_template": interim.own_template_path(municipality).is_file(),
    }
    return render(request, "measures/reports.html", context, status=status)


@login_required
def reports(request):
    return _page(request, current_municipality(request))


# --------------------------------------------------------------------------------------------
# The measure plan


def _plan(request):
    municipality = current_municipality(request)
    try:
        return measure_plan_data(
            user=request.user,
            municipality=municipality,
            conference_id=request.GET.get("conference") or None,
        )
    except MeasuresError as exc:
        raise Http404(exc.message) from exc


def _download(content: bytes, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def measure_plan_docx(request):
    plan = _plan(request)
    return _download(
        measure_plan.render_docx(plan),
        name=measure_plan.file_name(plan, "docx"),
        content_type=DOCX_CONTENT_TYPE,
    )


@login_required
def measure_plan_xlsx(request):
    plan = _plan(request)
    return _download(
        measure_plan.render_xlsx(plan),
        name=measure_plan.file_name(plan, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


# --------------------------------------------------------------------------------------------
# Interim reports


@login_required
@require_POST
def interim_report_new(request):
    municipality = current_municipality(request)
    require_report_access(request.user, municipality)
    form = InterimReportForm(
        request.POST,
        conferences=conferences_for(user=request.user, municipality=municipality),
        map_choices=map_choices(user=request.user, municipality=municipality),
    )
    if form.is_valid():
        conference = form.cleaned_data["conference"]
        try:
            run = runs.start_interim_report(
                user=request.user,
                municipality=municipality,
                fmt=form.cleaned_data["format"],
                conference_id=conference.pk if conference else None,
                maps=form.cleaned_data["maps"],
            )
        except MeasuresError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("measures:interim_report_run", pk=run.pk)
    return _page(request, municipality, interim_form=form, status=400)


def _status(run: ReportRun) -> dict:
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": str(run.get_state_display()),
        "progress": run.progress,
        "step": run.step,
        "error": run.error,
        "download_url": (
            reverse("measures:interim_report_file", kwargs={"pk": run.pk})
            if run.state == ReportRun.State.DONE and run.file
            else None
        ),
    }


@login_required
def interim_report_run(request, pk: int):
    run = _run(request, pk)
    return render(
        request,
        "measures/report_run.html",
        {
            "municipality": run.municipality,
            "run": run,
            "status": _status(run),
            "finished": run.state in (ReportRun.State.DONE, ReportRun.State.FAILED),
            "status_url": reverse("measures:interim_report_status", kwargs={"pk": run.pk}),
        },
    )


@login_required
def interim_report_status(request, pk: int):
    return JsonResponse(_status(_run(request, pk)))


@login_required
def interim_report_file(request, pk: int):
    run = _run(request, pk)
    if run.state != ReportRun.State.DONE or not run.file:
        raise Http404
    content_type = PDF_CONTENT_TYPE if run.format == ReportRun.Format.PDF else DOCX_CONTENT_TYPE
    name = run.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        run.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


# --------------------------------------------------------------------------------------------
# The municipality's Word template of the interim report


@login_required
@require_POST
def interim_template(request):
    municipality = current_municipality(request)
    if "reset" in request.POST:
        runs.reset_interim_template(user=request.user, municipality=municipality)
        messages.success(request, _("The interim report uses the default template again."))
        return redirect("measures:reports")
    form = TemplateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            runs.upload_interim_template(
                user=request.user, municipality=municipality, upload=form.cleaned_data["file"]
            )
        except MeasuresError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The template was checked and is used from now on."))
            return redirect("measures:reports")
    elif not can(request.user, Action.EDIT_GOALS_AND_MEASURES, municipality):
        raise PermissionDenied(_("Only coordinators change the report template."))
    return _page(request, municipality, template_form=form, status=400)


@login_required
def interim_template_file(request, which: str):
    """Download the default template (to start from) or the municipality's own one."""
    municipality = current_municipality(request)
    if which == "default":
        source = INTERIM_REPORT_TEMPLATE
    elif which == "current" and interim.own_template_path(municipality).is_file():
        source = interim.own_template_path(municipality)
    else:
        raise Http404
    return FileResponse(
        open(source, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename="zwischenbericht-vorlage.docx",
        content_type=DOCX_CONTENT_TYPE,
    )


urlpatterns = [
    path("reports/", reports, name="reports"),
    path("reports/plan.docx", measure_plan_docx, name="measure_plan_docx"),
    path("reports/plan.xlsx", measure_plan_xlsx, name="measure_plan_xlsx"),
    path("reports/interim/", interim_report_new, name="interim_report_new"),
    path("reports/interim/<int:pk>/", interim_report_run, name="interim_report_run"),
    path("reports/interim/<int:pk>/status/", interim_report_status, name="interim_report_status"),
    path("reports/interim/<int:pk>/file/", interim_report_file, name="interim_report_file"),
    path("reports/template/", interim_template, name="interim_template"),
    path("reports/template/<str:which>.docx", interim_template_file, name="interim_template_file"),
]
