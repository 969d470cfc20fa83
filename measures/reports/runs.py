"""Interim reports in the background: start a `ReportRun`, perform it in a Celery worker with
progress, store the file or a German message; and the municipality's own Word template.

Who may generate reports: leadership and coordinators (VIEW_DASHBOARD or
EDIT_GOALS_AND_MEASURES). The run is checked again when the worker performs it, so a report
queued by someone who has since lost the role is not written.
"""

from __future__ import annotations

import datetime
import io
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, require_report_access
from atlas_data.selectors_exports import ExportError, NotVisible
from keck.uploads import UploadRejected, check_upload

from ..attainment import Attainment, Point, attainment
from ..models import ReportRun
from ..services import MeasuresError
from . import charts, interim
from .data import (
    Figure,
    GoalEntry,
    InterimReport,
    MapChoice,
    MapEntry,
    MeasureEntry,
    PlanRow,
    PlanStep,
    Reflection,
    UpdateEntry,
    conference_of,
    day,
    interim_report,
    map_choices,
    parse_map_key,
)

logger = logging.getLogger(__name__)

MAX_MAPS = 12  # each map is a page; more would bury the report


def runs_for(*, user, municipality: Municipality):
    require_report_access(user, municipality)
    return ReportRun.objects.filter(municipality=municipality).select_related("created_by")


def run_for(*, user, municipality: Municipality, pk: int) -> ReportRun:
    """A run of the municipality (ReportRun.DoesNotExist for any other)."""
    return runs_for(user=user, municipality=municipality).get(pk=pk)


def _clean_maps(*, user, municipality, keys) -> list[dict]:
    keys = list(dict.fromkeys(str(key) for key in keys or []))
    if len(keys) > MAX_MAPS:
        raise MeasuresError(_("Choose at most %(count)d maps.") % {"count": MAX_MAPS}, field="maps")
    offered = {choice.key for choice in map_choices(user=user, municipality=municipality)}
    maps = []
    for key in keys:
        indicator_id, year, level = parse_map_key(key)
        if key not in offered:
            raise MeasuresError(_("Unknown map: %(map)s.") % {"map": key}, field="maps")
        maps.append({"indicator": indicator_id, "year": year, "level": level})
    return maps


def start_interim_report(
    *,
    user,
    municipality: Municipality,
    fmt: str,
    conference_id=None,
    maps=(),
) -> ReportRun:
    """Record a run and queue it for a worker (after the commit, so that it finds the run).

    `maps` are keys of `data.map_choices` (`indicator:year:level`). Raises PermissionDenied or
    MeasuresError (nothing is recorded then).
    """
    require_report_access(user, municipality)
    if fmt not in ReportRun.Format.values:
        raise MeasuresError(_("Unknown format: %(format)s.") % {"format": fmt}, field="format")
    conference = conference_of(municipality=municipality, conference_id=conference_id)
    options = {
        "conference": conference.pk if conference is not None else None,
        "maps": _clean_maps(user=user, municipality=municipality, keys=maps),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    run = ReportRun.objects.create(
        municipality=municipality,
        format=fmt,
        options=options,
        step=_("Waiting for a free worker"),
        created_by=user,
    )
    from ..tasks import build_interim_report  # the task module imports this one

    transaction.on_commit(lambda: build_interim_report.delay(run.pk))
    return run


def _progress(run: ReportRun):
    def report(percent: int, step: str) -> None:
        run.progress, run.step = percent, step[:200]
        # An update, not save(): the page polls the row while the worker writes it.
        ReportRun.objects.filter(pk=run.pk).update(progress=run.progress, step=run.step)

    return report


def perform_interim_report(*, report_run_id: int) -> ReportRun:
    """Build the report of a run and record the outcome (DONE with the file, or FAILED)."""
    run = ReportRun.objects.select_related("municipality", "created_by").get(pk=report_run_id)
    # A task delivered twice (workers acknowledge late) must not build the report twice.
    if not ReportRun.objects.filter(pk=run.pk, state=ReportRun.State.PENDING).update(
        state=ReportRun.State.RUNNING
    ):
        return run
    run.state = ReportRun.State.RUNNING
    with translation.override(run.options.get("language") or settings.LANGUAGE_CODE):
        try:
            content = _build(run, _progress(run))
        except (MeasuresError, PermissionDenied, ExportError) as exc:
            run.state, run.error = ReportRun.State.FAILED, str(exc)
        except NotVisible:
            run.state = ReportRun.State.FAILED
            run.error = _(
                "A chosen map is no longer in the atlas (indicator, year or level removed). "
                "Please start the report again."
            )
        except Exception:
            logger.exception("Interim report %s failed", run.pk)
            run.state = ReportRun.State.FAILED
            run.error = _(
                "The report stopped with an unexpected error. The error was logged for the "
                "operators."
            )
        else:
            name = f"zwischenbericht-{run.municipality.slug}-{timezone.localdate():%Y-%m-%d}"
            run.file.save(f"{name}.{run.format}", ContentFile(content), save=False)
            run.state, run.progress, run.step = ReportRun.State.DONE, 100, _("Done")
    run.finished = timezone.now()
    run.save(update_fields=["state", "error", "file", "progress", "step", "finished"])
    return run


def _build(run: ReportRun, progress) -> bytes:
    user, municipality = run.created_by, run.municipality
    # A queued report may run minutes later: the permission is checked again.
    require_report_access(user, municipality)
    report = interim_report(
        user=user,
        municipality=municipality,
        conference_id=run.options.get("conference"),
        progress=progress,
    )
    maps = run.options.get("maps") or []
    steps = max(1, len(report.goals) + len(maps))
    done = 0
    for goal in report.goals:
        progress(
            10 + 70 * done // steps, _("Drawing the chart of “%(goal)s”") % {"goal": goal.title}
        )
        goal.chart = charts.goal_chart(goal)
        done += 1
    for item in maps:
        choice = MapChoice(
            indicator_id=item["indicator"], year=item["year"], level=item["level"], label=""
        )
        progress(
            10 + 70 * done // steps,
            _("Rendering map %(number)d of %(count)d")
            % {
                "number": done - len(report.goals) + 1,
                "count": len(maps),
            },
        )
        title, image = charts.map_image(user=user, municipality=municipality, choice=choice)
        report.maps.append(MapEntry(title=title, image=image))
        done += 1
    progress(85, _("Writing the document"))
    if run.format == ReportRun.Format.PDF:
        return interim.render_pdf(report)
    return render_docx_for(report)


def render_docx_for(report: InterimReport) -> bytes:
    """The DOCX from the municipality's own template, or the default one if it cannot be used."""
    template = interim.template_for(report.municipality)
    if template != interim.INTERIM_REPORT_TEMPLATE:
        try:
            return interim.render_docx(report, template=template)
        except Exception:
            # It rendered once on upload; if it fails now, the report still comes.
            logger.exception("interim report template of %s failed", report.municipality.slug)
    return interim.render_docx(report)


# --------------------------------------------------------------------------------------------
# The municipality's own Word template


def sample_report(municipality: Municipality) -> InterimReport:
    """A small made-up report that exercises every variable of the template (upload check)."""
    today = timezone.localdate()
    points = [
        Point(2022, 18.4, "18,4 %"),
        Point(2023, None, "k. A.", suppressed=True),
        Point(2024, 16.9, "16,9 %"),
    ]
    result: Attainment = attainment(
        baseline_year=2022,
        baseline=18.4,
        target=15.0,
        deadline=datetime.date(today.year + 2, 12, 31),
        points=points,
        today=today,
    )
    goal = GoalEntry(
        pk=0,
        title=_("Sample goal"),
        meta=_("Municipal goal"),
        figures=[Figure(_("Status"), result.label)],
        status=result.label,
        status_code=result.status,
        reason="",
        attainment=result,
        indicator_name=_("Indicator"),
        unit="%",
        decimals=1,
        kind="share",
        deadline=datetime.date(today.year + 2, 12, 31),
        measures=[_("Sample measure")],
    )
    goal.chart = charts.goal_chart(goal)
    row = PlanRow(
        pk=0,
        title=_("Sample measure"),
        description="",
        status=_("Running"),
        status_code="running",
        progress=40,
        overdue=False,
        responsible="Alex Muster",
        support="",
        deadline="",
        deadline_date=None,
        start="",
        goals=[_("Sample goal")],
        areas=[],
        field_of_action="",
        conference="",
        resources=[],
        continues_existing_offer="",
        substeps=[PlanStep(_("Sample sub-step"), "Alex Muster", "", False, 40, False)],
        outcome="",
        outcome_reason="",
        lessons="",
    )
    return InterimReport(
        municipality=municipality,
        conference=None,
        created=today,
        goals=[goal],
        measures=[
            MeasureEntry(row=row, updates=[UpdateEntry(day(today), _("Sample entry"), "", "", "")])
        ],
        reflections=[Reflection(_("Sample measure"), _("successful"), "", "")],
        maps=[MapEntry(title=_("Sample map"), image=goal.chart)],
    )


def upload_interim_template(*, user, municipality: Municipality, upload) -> None:
    """Use a municipality's own Word template, if it renders a sample report; else
    MeasuresError and the current template stays."""
    if not can(user, Action.EDIT_GOALS_AND_MEASURES, municipality):
        raise PermissionDenied(_("Only coordinators change the report template."))
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".docx"):
        raise MeasuresError(_("Please upload a Word file (.docx)."), field="file")
    try:
        check_upload(upload, allowed=[".docx"], max_mb=settings.KECK_MAX_TEMPLATE_MB)
    except UploadRejected as exc:
        raise MeasuresError(str(exc), field="file") from exc
    content = upload.read()
    try:
        interim.render_docx(sample_report(municipality), template=io.BytesIO(content))
    except Exception as exc:  # docxtpl raises zip, XML and Jinja errors alike
        detail = str(exc).strip() or exc.__class__.__name__
        raise MeasuresError(
            _(
                "The template cannot be used: %(detail)s. Start from the default template and "
                "keep its {{ … }} and {%% … %%} tags intact."
            )
            % {"detail": detail},
            field="file",
        ) from exc
    path = interim.own_template_path(municipality)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".upload")
    temporary.write_bytes(content)
    temporary.replace(path)  # atomic: a running report reads the old or the new file


def reset_interim_template(*, user, municipality: Municipality) -> bool:
    """Back to the default template; True if there was an own one."""
    if not can(user, Action.EDIT_GOALS_AND_MEASURES, municipality):
        raise PermissionDenied(_("Only coordinators change the report template."))
    path = interim.own_template_path(municipality)
    if path.is_file():
        path.unlink()
        return True
    return False
