"""Every operation of the control cycle: opening a cycle, completing, skipping and reopening
steps, impulses to the social area conferences, assignments, deadlines and the next cycle.

The functions drive the tasks of `workflow.flows`; each checks its input first and raises a
WorkflowError (or PermissionDenied) before anything is written, and writes in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts import permissions
from accounts.models import Municipality
from atlas_data.models import Area, Indicator
from conferences.models import (
    Catalogue,
    Conference,
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    Session,
    Sheet,
    SwotEntry,
)
from conferences.services_sheets import SheetError, close_sheet, create_sheet, unresolved_questions
from measures.attainment import REACHED
from measures.models import Goal, ImpactHypothesis, Measure

from .flows import AreaFlow, CycleFlow, Step
from .models import AreaCycle, Cycle, CycleSettings, StepDeadline, StepRecord
from .selectors import active_task

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
INVENTORY_STATUSES = ("available", "to_obtain")


class WorkflowError(Exception):
    """An operation that cannot be done; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- small helpers --------------------------------------------------------------------------


@dataclass
class StepContext:
    """Where a task stands: its flow, node, cycle, area cycle (area steps) and conference."""

    task: Task
    node: object
    flow_class: type
    cycle: Cycle
    area_cycle: AreaCycle | None
    conference: Conference

    @property
    def municipality(self) -> Municipality:
        return self.cycle.municipality


def context_of(task: Task) -> StepContext:
    flow_class = task.flow_task.flow_class
    if flow_class is CycleFlow:
        cycle = CycleFlow.instance.cycle_of(task.process)
        return StepContext(task, task.flow_task, flow_class, cycle, None, cycle.conference)
    area_cycle = AreaFlow.instance.area_cycle_of(task.process)
    cycle = Cycle.objects.select_related("conference", "municipality").get(pk=area_cycle.cycle_id)
    return StepContext(task, task.flow_task, flow_class, cycle, area_cycle, area_cycle.conference)


def _flow_and_process(target: Cycle | AreaCycle):
    if isinstance(target, AreaCycle):
        return AreaFlow, target.process, target.conference
    return CycleFlow, target.process, target.conference


def _record(
    ctx_or_cycle, node: str, action: str, *, user=None, area_cycle=None, **fields
) -> StepRecord:
    if isinstance(ctx_or_cycle, StepContext):
        cycle, area_cycle = ctx_or_cycle.cycle, ctx_or_cycle.area_cycle
        fields.setdefault("task", ctx_or_cycle.task)
    else:
        cycle = ctx_or_cycle
    return StepRecord.objects.create(
        cycle=cycle, area_cycle=area_cycle, node=node, action=action, user=user, **fields
    )


def _text(value, *, field: str, label: str, required: bool = False, max_length=None) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not text:
        raise WorkflowError(_("Please fill in: %(label)s.") % {"label": label}, field)
    if max_length and len(text) > max_length:
        raise WorkflowError(
            _("%(label)s: at most %(count)s characters.") % {"label": label, "count": max_length},
            field,
        )
    return text


def _date(value, *, field: str, label: str, required: bool = False) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise WorkflowError(_("Please fill in: %(label)s.") % {"label": label}, field)
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise WorkflowError(_("%(label)s: not a valid date.") % {"label": label}, field) from None


def _pk(value):
    return getattr(value, "pk", value)


def _objects(values, queryset, *, field: str, label: str, minimum: int = 0) -> list:
    """The objects of `queryset` named by `values` (instances or primary keys); an unknown or
    foreign one is an error, so that no step links another conference's objects."""
    if values is None:
        values = []
    if isinstance(values, (str, int)) or hasattr(values, "pk"):
        values = [values]
    try:
        ids = list(dict.fromkeys(int(_pk(value)) for value in values))
    except (TypeError, ValueError):
        raise WorkflowError(_("%(label)s: invalid choice.") % {"label": label}, field) from None
    found = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise WorkflowError(
            _("%(label)s: some of the chosen entries do not belong to this step.")
            % {"label": label},
            field,
        )
    if len(ids) < minimum:
        raise WorkflowError(
            _("%(label)s: choose at least %(count)s.") % {"label": label, "count": minimum},
            field,
        )
    return [found[pk] for pk in ids]


def _one(value, queryset, *, field: str, label: str, required: bool = False):
    if value in (None, ""):
        if required:
            raise WorkflowError(_("Please choose: %(label)s.") % {"label": label}, field)
        return None
    return _objects([value], queryset, field=field, label=label)[0]


def _ids(objects: Iterable) -> list[int]:
    return [obj.pk for obj in objects]


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_manage(user, cycle: Cycle) -> None:
    """The coordinator of the cycle's social planning conference (or a municipal admin)
    manages the cycle: skips, reopens, closes area processes, assigns and sets deadlines."""
    _require(
        permissions.can_complete_conference_step(user, cycle.conference),
        _("Only the coordinator of the social planning conference manages this cycle."),
    )


def _require_step(user, ctx: StepContext) -> None:
    _require(
        ctx.node.rule(user, ctx.conference),
        _("You are not allowed to complete this step."),
    )


def _open_task(task: Task) -> Task:
    task = Task.objects.select_related("process").get(pk=task.pk)
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED) or not isinstance(task.flow_task, Step):
        raise WorkflowError(_("This step is not open."), None)
    return task


def _task_of(target: Cycle | AreaCycle, node: str) -> Task:
    task = active_task(target, node)
    if task is None:
        raise WorkflowError(_("This step is not open."), None)
    return task


def _execute(task: Task, user) -> None:
    """Complete a View task as `user` (who becomes its owner) and let the flow go on."""
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id):
        task.refresh_from_db()
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(user)
        elif task.owner_id != user.pk:
            activation.reassign(user)
        activation.start(None)
        activation.execute()


# --- e-mail ---------------------------------------------------------------------------------


def notify_assignment(task: Task) -> None:
    """E-mail the owner of `task` that the step is theirs, once the transaction commits."""
    owner = task.owner
    if owner is None or not owner.email:
        return
    ctx = context_of(task)
    deadline = StepDeadline.objects.filter(
        cycle=ctx.cycle, area_cycle=ctx.area_cycle, node=ctx.node.name
    ).first()
    context = {
        "name": owner.get_full_name() or owner.username,
        "step": str(ctx.node.task_title),
        "cycle": ctx.cycle,
        "area": ctx.area_cycle.area if ctx.area_cycle else None,
        "conference": ctx.conference,
        "due": deadline.due if deadline else None,
    }
    email = owner.email

    def send():
        # E-mails go out in the site language, whatever language the request had.
        with translation.override(settings.LANGUAGE_CODE):
            EmailMultiAlternatives(
                subject=_("KECK: a step is assigned to you: %(step)s") % {"step": context["step"]},
                body=render_to_string("workflow/task_assigned_email.txt", context),
                to=[email],
            ).send()

    transaction.on_commit(send)


# --- opening a cycle ------------------------------------------------------------------------


def allows_overlapping_cycles(municipality: Municipality) -> bool:
    return CycleSettings.objects.filter(
        municipality=municipality, allow_overlapping_cycles=True
    ).exists()


def set_cycle_settings(*, user, municipality: Municipality, allow_overlapping_cycles: bool):
    permissions.require(user, permissions.Action.MANAGE_MUNICIPALITY, municipality)
    settings_row, _created = CycleSettings.objects.update_or_create(
        municipality=municipality,
        defaults={"allow_overlapping_cycles": bool(allow_overlapping_cycles)},
    )
    return settings_row


def _clean_cycle_fields(*, conference, title, topic, period_start, period_end) -> dict:
    if conference is None or conference.kind != Conference.Kind.PLANNING:
        raise WorkflowError(_("A cycle is run by a social planning conference."), "conference")
    if not conference.is_active:
        raise WorkflowError(_("This conference is no longer active."), "conference")
    cleaned = {
        "title": _text(title, field="title", label=_("title"), required=True, max_length=200),
        "topic": _text(topic, field="topic", label=_("topic"), required=True, max_length=200),
        "period_start": _date(
            period_start, field="period_start", label=_("start of the period"), required=True
        ),
        "period_end": _date(
            period_end, field="period_end", label=_("end of the period"), required=True
        ),
    }
    if cleaned["period_end"] < cleaned["period_start"]:
        raise WorkflowError(_("The period ends before it starts."), "period_end")
    return cleaned


def open_cycle(
    *,
    user,
    conference: Conference,
    title: str,
    topic: str,
    period_start,
    period_end,
    carried_over_from: Cycle | None = None,
) -> Cycle:
    """Open the next cycle of the conference's municipality and start its process: the
    preliminary phase is the coordinator's first task."""
    cleaned = _clean_cycle_fields(
        conference=conference,
        title=title,
        topic=topic,
        period_start=period_start,
        period_end=period_end,
    )
    municipality = conference.municipality
    _require(
        permissions.can_open_cycle(user, conference),
        _("Only the coordinator of this conference opens a cycle."),
    )
    with transaction.atomic():
        # Serialises the numbering and the overlap check per municipality.
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        running = (
            Cycle.objects.filter(municipality=municipality)
            .exclude(state=Cycle.State.FINISHED)
            .order_by("number")
            .first()
        )
        if running is not None and not allows_overlapping_cycles(municipality):
            raise WorkflowError(
                _(
                    "Cycle %(number)s is still running, and this municipality does not allow "
                    "overlapping cycles."
                )
                % {"number": running.number},
                None,
            )
        number = (
            Cycle.objects.filter(municipality=municipality).aggregate(last=Max("number"))["last"]
            or 0
        ) + 1
        cycle = Cycle.objects.create(
            municipality=municipality,
            number=number,
            conference=conference,
            carried_over_from=carried_over_from,
            created_by=user,
            **cleaned,
        )
        _record(cycle, "start", StepRecord.Action.STARTED, user=user)
        CycleFlow.start.run(cycle=cycle)
        cycle.refresh_from_db()
    return cycle


# --- reflection sheets of the Vorphase and the Nachphase ------------------------------------


def _current_catalogue(municipality: Municipality, kind: str) -> Catalogue:
    catalogue = (
        Catalogue.objects.filter(kind=kind, is_current=True)
        .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
        # The municipality's own version before the one KECK ships.
        .order_by(F("municipality_id").desc(nulls_last=True), "-version")
        .first()
    )
    if catalogue is None:
        raise WorkflowError(_("There is no question catalogue for this sheet."), None)
    return catalogue


def _create_cycle_sheet(*, user, cycle: Cycle, kind: str, field: str, state: str) -> Sheet:
    _require_manage(user, cycle)
    cycle.refresh_from_db()
    if cycle.state != state:
        raise WorkflowError(_("This sheet belongs to another phase of the cycle."), None)
    if getattr(cycle, f"{field}_id") is not None:
        raise WorkflowError(_("The cycle has this sheet already."), None)
    catalogue = _current_catalogue(cycle.municipality, kind)
    with transaction.atomic():
        try:
            sheet = create_sheet(
                user=user,
                municipality=cycle.municipality,
                catalogue=catalogue,
                cycle_number=cycle.number,
                cycle_label=cycle.title[:100],
                conference=cycle.conference,
            )
        except SheetError as error:
            raise WorkflowError(str(error), None) from error
        setattr(cycle, field, sheet)
        cycle.save(update_fields=[field])
    return sheet


def create_vorphase_sheet(*, user, cycle: Cycle) -> Sheet:
    """The reflection sheet on the focus of the work (Vorphase) for this cycle, to fill in."""
    return _create_cycle_sheet(
        user=user,
        cycle=cycle,
        kind=Catalogue.Kind.VORPHASE,
        field="vorphase_sheet",
        state=Cycle.State.VORPHASE,
    )


def create_evaluation_sheet(*, user, cycle: Cycle) -> Sheet:
    """The process-evaluation sheet (Nachphase) for this cycle, to fill in."""
    return _create_cycle_sheet(
        user=user,
        cycle=cycle,
        kind=Catalogue.Kind.PROCESS_EVALUATION,
        field="evaluation_sheet",
        state=Cycle.State.NACHPHASE,
    )


def consolidate_vorphase(*, user, cycle: Cycle, session=None, note: str = "") -> Cycle:
    """Close the consolidated Vorphase sheet and pass the cycle to leadership for the
    mandate."""
    complete_step(
        user=user, task=_task_of(cycle, "vorphase"), data={"session": session, "note": note}
    )
    cycle.refresh_from_db()
    return cycle


def _clean_sheet(ctx: StepContext, data: dict, *, field: str, kind: str, user) -> Sheet:
    label = _("reflection sheet")
    sheet = _one(
        data.get("sheet") or getattr(ctx.cycle, f"{field}_id"),
        Sheet.objects.filter(municipality=ctx.municipality, catalogue__kind=kind),
        field="sheet",
        label=label,
    )
    if sheet is None:
        raise WorkflowError(_("Create and fill in the reflection sheet first."), "sheet")
    if sheet.is_open:
        if not permissions.can(user, permissions.Action.MANAGE_CONFERENCES, ctx.municipality):
            raise WorkflowError(_("The coordinator closes the consolidated sheet first."), "sheet")
        missing = unresolved_questions(sheet)
        if missing:
            raise WorkflowError(
                _(
                    "The sheet is not consolidated yet: %(count)s questions have no agreed "
                    "answer. First: “%(question)s”"
                )
                % {"count": len(missing), "question": missing[0].text[:120]},
                "sheet",
            )
    return sheet


def _apply_sheet(ctx: StepContext, cleaned: dict, *, field: str, user) -> None:
    sheet = cleaned["sheet"]
    if sheet.is_open:
        close_sheet(user=user, sheet=sheet)
    setattr(ctx.cycle, field, sheet)
    ctx.cycle.save(update_fields=[field])


# --- the outputs of each step ---------------------------------------------------------------


def _clean_vorphase(ctx, data, user):
    return {
        "sheet": _clean_sheet(
            ctx, data, field="vorphase_sheet", kind=Catalogue.Kind.VORPHASE, user=user
        )
    }


def _apply_vorphase(ctx, cleaned, user):
    _apply_sheet(ctx, cleaned, field="vorphase_sheet", user=user)
    return {"sheet": cleaned["sheet"].pk}


def _clean_mandate(ctx, data, user):
    decision = data.get("political_decision")
    if isinstance(decision, str):
        decision = {"yes": True, "true": True, "no": False, "false": False}.get(decision.lower())
    if decision not in (True, False):
        raise WorkflowError(
            _("Please state whether there is a political decision."), "political_decision"
        )
    cleaned = {
        "political_decision": decision,
        "mandate_reference": _text(
            data.get("reference"),
            field="reference",
            label=_("reference of the decision"),
            required=decision,
            max_length=200,
        ),
        "mandate_date": _date(
            data.get("date"), field="date", label=_("date of the decision"), required=decision
        ),
    }
    return cleaned


def _apply_mandate(ctx, cleaned, user):
    cycle = ctx.cycle
    for name, value in cleaned.items():
        setattr(cycle, name, value)
    cycle.mandate = Cycle.Mandate.CONFIRMED
    cycle.mandate_by = user
    cycle.mandate_at = timezone.now()
    cycle.state = Cycle.State.MAIN
    cycle.save()
    return {
        "political_decision": cleaned["political_decision"],
        "reference": cleaned["mandate_reference"],
        "date": cleaned["mandate_date"].isoformat() if cleaned["mandate_date"] else None,
    }


def _clean_inventory(rows) -> list[dict]:
    if rows in (None, ""):
        return []
    if not isinstance(rows, (list, tuple)):
        raise WorkflowError(_("The data inventory is a list of rows."), "data_inventory")
    cleaned = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise WorkflowError(_("The data inventory is a list of rows."), "data_inventory")
        what = (row.get("data") or "").strip()
        status = row.get("status") or "available"
        if not what:
            raise WorkflowError(
                _("Row %(row)s of the data inventory: which data?") % {"row": number},
                "data_inventory",
            )
        if status not in INVENTORY_STATUSES:
            raise WorkflowError(
                _("Row %(row)s of the data inventory: the status is “available” or “to obtain”.")
                % {"row": number},
                "data_inventory",
            )
        cleaned.append(
            {
                "data": what[:300],
                "holder": (row.get("holder") or "").strip()[:200],
                "status": status,
                "note": (row.get("note") or "").strip()[:1000],
            }
        )
    return cleaned


def _clean_planning_1(ctx, data, user):
    return {
        "indicators": _objects(
            data.get("indicators"),
            Indicator.objects.filter(municipality=ctx.municipality),
            field="indicators",
            label=_("indicators"),
            minimum=1,
        ),
        "data_inventory": _clean_inventory(data.get("data_inventory")),
    }


def _apply_planning_1(ctx, cleaned, user):
    ctx.cycle.indicators.set(cleaned["indicators"])
    ctx.cycle.data_inventory = cleaned["data_inventory"]
    ctx.cycle.save(update_fields=["data_inventory"])
    return {
        "indicators": _ids(cleaned["indicators"]),
        "inventory_rows": len(cleaned["data_inventory"]),
    }


def _clean_planning_2(ctx, data, user):
    conference = ctx.conference
    prioritisation = _one(
        data.get("prioritisation"),
        Prioritisation.objects.filter(conference=conference),
        field="prioritisation",
        label=_("prioritisation of areas"),
        required=True,
    )
    if not prioritisation.is_confirmed:
        raise WorkflowError(_("Confirm the prioritisation of the areas first."), "prioritisation")
    if not prioritisation.urgent_areas.exists():
        raise WorkflowError(
            _("The confirmed prioritisation names no area with urgent need."), "prioritisation"
        )
    return {
        "prioritisation": prioritisation,
        "swot_entries": _objects(
            data.get("swot_entries"),
            SwotEntry.objects.filter(conference=conference),
            field="swot_entries",
            label=_("SWOT entries"),
        ),
        "findings": _objects(
            data.get("findings"),
            Finding.objects.filter(conference=conference, state=Finding.State.ACCEPTED),
            field="findings",
            label=_("findings"),
        ),
    }


def _apply_planning_2(ctx, cleaned, user):
    cycle = ctx.cycle
    cycle.prioritisation = cleaned["prioritisation"]
    cycle.save(update_fields=["prioritisation"])
    cycle.swot_entries.set(cleaned["swot_entries"])
    cycle.findings.set(cleaned["findings"])
    return {
        "prioritisation": cleaned["prioritisation"].pk,
        "urgent_areas": list(cleaned["prioritisation"].urgent_areas.values_list("pk", flat=True)),
        "swot_entries": _ids(cleaned["swot_entries"]),
        "findings": _ids(cleaned["findings"]),
    }


def _clean_planning_3(ctx, data, user):
    conference = ctx.conference
    return {
        "goals": _objects(
            data.get("goals"),
            Goal.objects.filter(conference=conference, level=Goal.Level.MUNICIPAL),
            field="goals",
            label=_("municipal goals"),
            minimum=1,
        ),
        "needs": _objects(
            data.get("needs"),
            NeedForAction.objects.filter(conference=conference),
            field="needs",
            label=_("needs"),
        ),
        "hypotheses": _objects(
            data.get("hypotheses"),
            ImpactHypothesis.objects.filter(conference=conference),
            field="hypotheses",
            label=_("impact hypotheses"),
        ),
    }


def _apply_planning_3(ctx, cleaned, user):
    for name in ("goals", "needs", "hypotheses"):
        getattr(ctx.cycle, name).set(cleaned[name])
    return {name: _ids(cleaned[name]) for name in ("goals", "needs", "hypotheses")}


def prioritised_areas(cycle: Cycle) -> list[Area]:
    """The areas with urgent need of the prioritisation confirmed in step 2."""
    if cycle.prioritisation_id is None:
        return []
    return list(cycle.prioritisation.urgent_areas.order_by("key", "pk"))


def areas_without_impulse(cycle: Cycle) -> list[Area]:
    """The prioritised areas that have no impulse in the cycle's current round."""
    given = set(
        AreaCycle.objects.filter(cycle=cycle, round=cycle.round).values_list("area_id", flat=True)
    )
    return [area for area in prioritised_areas(cycle) if area.pk not in given]


def _conference_measures(ctx, data) -> list:
    """At least one measure of the step's conference (steps 4 of both conferences)."""
    return _objects(
        data.get("measures"),
        Measure.objects.filter(conference=ctx.conference),
        field="measures",
        label=_("measures"),
        minimum=1,
    )


def _clean_planning_4(ctx, data, user):
    missing = areas_without_impulse(ctx.cycle)
    if missing:
        raise WorkflowError(
            _("Every prioritised area needs an impulse first; missing: %(areas)s.")
            % {"areas": ", ".join(area.name for area in missing)},
            "impulses",
        )
    return {"measures": _conference_measures(ctx, data)}


def _apply_planning_4(ctx, cleaned, user):
    return _set_measures(ctx.cycle, cleaned)


def _clean_planning_5(ctx, data, user):
    decision = data.get("decision") or ""
    if decision not in Cycle.Decision.values:
        raise WorkflowError(
            _("Please decide: continue, or loop back to step 2 or step 3."), "decision"
        )
    return {
        "impact_analysis": _text(
            data.get("impact_analysis"),
            field="impact_analysis",
            label=_("impact analysis"),
            required=True,
        ),
        "reality_check": _text(data.get("reality_check"), field="reality_check", label=""),
        "decision": decision,
    }


def _apply_planning_5(ctx, cleaned, user):
    cycle = ctx.cycle
    cycle.impact_analysis = cleaned["impact_analysis"]
    cycle.reality_check = cleaned["reality_check"]
    _decide(cycle, cleaned["decision"])
    return {"decision": cleaned["decision"], "round": cycle.round}


def _decide(cycle: Cycle, decision: str) -> None:
    cycle.decision = decision
    if decision == Cycle.Decision.CONTINUE:
        cycle.state = Cycle.State.NACHPHASE
    else:
        # A loop back is a new pass through the steps: step 4 gives new impulses.
        cycle.round += 1
    cycle.save()


def _clean_nachphase(ctx, data, user):
    return {
        "sheet": _clean_sheet(
            ctx,
            data,
            field="evaluation_sheet",
            kind=Catalogue.Kind.PROCESS_EVALUATION,
            user=user,
        )
    }


def _apply_nachphase(ctx, cleaned, user):
    _apply_sheet(ctx, cleaned, field="evaluation_sheet", user=user)
    _finish(ctx.cycle)
    return {"sheet": cleaned["sheet"].pk}


def _finish(cycle: Cycle) -> None:
    cycle.state = Cycle.State.FINISHED
    cycle.finished = timezone.now()
    cycle.save(update_fields=["state", "finished"])


def _clean_nothing(ctx, data, user):
    return {}


def _apply_nothing(ctx, cleaned, user):
    return {}


def _clean_area_2(ctx, data, user):
    return {
        "swot_entries": _objects(
            data.get("swot_entries"),
            SwotEntry.objects.filter(conference=ctx.conference),
            field="swot_entries",
            label=_("SWOT entries"),
        )
    }


def _apply_area_2(ctx, cleaned, user):
    ctx.area_cycle.swot_entries.set(cleaned["swot_entries"])
    return {"swot_entries": _ids(cleaned["swot_entries"])}


def _clean_area_3(ctx, data, user):
    return {
        "fields_of_action": _objects(
            data.get("fields_of_action"),
            FieldOfAction.objects.filter(conference=ctx.conference),
            field="fields_of_action",
            label=_("fields of action"),
        ),
        "goals": _objects(
            data.get("goals"),
            Goal.objects.filter(conference=ctx.conference, level=Goal.Level.AREA),
            field="goals",
            label=_("area goals"),
            minimum=1,
        ),
    }


def _apply_area_3(ctx, cleaned, user):
    ctx.area_cycle.fields_of_action.set(cleaned["fields_of_action"])
    ctx.area_cycle.goals.set(cleaned["goals"])
    return {
        "fields_of_action": _ids(cleaned["fields_of_action"]),
        "goals": _ids(cleaned["goals"]),
    }


def _clean_area_4(ctx, data, user):
    return {"measures": _conference_measures(ctx, data)}


def _apply_area_4(ctx, cleaned, user):
    return _set_measures(ctx.area_cycle, cleaned)


def _set_measures(target, cleaned) -> dict:
    target.measures.set(cleaned["measures"])
    return {"measures": _ids(cleaned["measures"])}


def _clean_area_5(ctx, data, user):
    return {
        "recommendation": _text(
            data.get("recommendation"),
            field="recommendation",
            label=_("recommendation to the social planning conference"),
            required=True,
        ),
        "reflection": _text(data.get("reflection"), field="reflection", label=""),
    }


def _apply_area_5(ctx, cleaned, user):
    area_cycle = ctx.area_cycle
    area_cycle.recommendation = cleaned["recommendation"]
    area_cycle.reflection = cleaned["reflection"]
    area_cycle.save(update_fields=["recommendation", "reflection"])
    return {}


STEP_OUTPUTS = {
    "vorphase": (_clean_vorphase, _apply_vorphase),
    "mandate": (_clean_mandate, _apply_mandate),
    "planning_1": (_clean_planning_1, _apply_planning_1),
    "planning_2": (_clean_planning_2, _apply_planning_2),
    "planning_3": (_clean_planning_3, _apply_planning_3),
    "planning_4": (_clean_planning_4, _apply_planning_4),
    "planning_5": (_clean_planning_5, _apply_planning_5),
    "nachphase": (_clean_nachphase, _apply_nachphase),
    "area_1": (_clean_nothing, _apply_nothing),
    "area_2": (_clean_area_2, _apply_area_2),
    "area_3": (_clean_area_3, _apply_area_3),
    "area_4": (_clean_area_4, _apply_area_4),
    "area_5": (_clean_area_5, _apply_area_5),
}

# What a skipped step leaves behind, so that the flow's gateways and the cycle's state follow.
STEP_SKIPPED = {
    "planning_5": lambda ctx: _decide(ctx.cycle, Cycle.Decision.CONTINUE),
    "nachphase": lambda ctx: _finish(ctx.cycle),
}

UNSKIPPABLE = {"mandate"}


def _clean_common(ctx: StepContext, data: dict) -> dict:
    session_scope = (
        Session.objects.filter(conference=ctx.conference)
        if ctx.node.catalogue_step
        else Session.objects.filter(conference__municipality=ctx.municipality)
    )
    return {
        "session": _one(data.get("session"), session_scope, field="session", label=_("session")),
        "note": _text(data.get("note"), field="note", label=_("note")),
    }


# --- completing, skipping, reopening --------------------------------------------------------


def complete_step(*, user, task: Task, data: dict | None = None) -> Task:
    """Complete the open step `task` with its outputs (see STEP_OUTPUTS for the keys of
    `data`; every step also takes `session` and `note`) and let the flow go on."""
    data = dict(data or {})
    task = _open_task(task)
    ctx = context_of(task)
    _require_step(user, ctx)
    clean, apply = STEP_OUTPUTS[ctx.node.name]
    common = _clean_common(ctx, data)
    cleaned = clean(ctx, data, user)
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=ctx.cycle.pk)
        try:
            outputs = apply(ctx, cleaned, user)
        except SheetError as error:
            raise WorkflowError(str(error), "sheet") from error
        _record(ctx, ctx.node.name, StepRecord.Action.DONE, user=user, data=outputs, **common)
        _execute(task, user)
        if ctx.node.name == "planning_4":
            release_wait_if_ready(ctx.cycle.pk)
    task.refresh_from_db()
    return task


def confirm_mandate(
    *,
    user,
    cycle: Cycle,
    political_decision: bool,
    reference: str = "",
    date=None,
    session=None,
    note: str = "",
) -> Cycle:
    """Leadership confirms the mandate; the social planning conference starts with step 1."""
    complete_step(
        user=user,
        task=_task_of(cycle, "mandate"),
        data={
            "political_decision": political_decision,
            "reference": reference,
            "date": date,
            "session": session,
            "note": note,
        },
    )
    cycle.refresh_from_db()
    return cycle


def send_back(*, user, cycle: Cycle, comment: str) -> Cycle:
    """Leadership sends the preliminary phase back to the coordinator with a comment."""
    task = _open_task(_task_of(cycle, "mandate"))
    ctx = context_of(task)
    _require_step(user, ctx)
    comment = _text(comment, field="comment", label=_("comment"), required=True)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        cycle.mandate = Cycle.Mandate.SENT_BACK
        cycle.mandate_comment = comment
        cycle.mandate_by = user
        cycle.mandate_at = timezone.now()
        cycle.save()
        _record(ctx, "mandate", StepRecord.Action.SENT_BACK, user=user, reason=comment)
        _execute(task, user)
    cycle.refresh_from_db()
    return cycle


def skip_step(*, user, task: Task, reason: str) -> Task:
    """Skip the open step `task`, for a reason kept in the history."""
    task = _open_task(task)
    ctx = context_of(task)
    _require_step(user, ctx)
    if ctx.node.name in UNSKIPPABLE:
        raise WorkflowError(
            _("The mandate cannot be skipped: leadership confirms it or sends it back."), None
        )
    reason = _text(reason, field="reason", label=_("reason"), required=True)
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=ctx.cycle.pk)
        after_skip = STEP_SKIPPED.get(ctx.node.name)
        if after_skip:
            after_skip(ctx)
        _record(ctx, ctx.node.name, StepRecord.Action.SKIPPED, user=user, reason=reason)
        _execute(task, user)
        if ctx.node.name == "planning_4":
            release_wait_if_ready(ctx.cycle.pk)
    task.refresh_from_db()
    return task


def _node_index(flow_class, name: str) -> int:
    return flow_class.sequence.index(name)


REOPEN_STATE = {
    "vorphase": Cycle.State.VORPHASE,
    "mandate": Cycle.State.VORPHASE,
    "nachphase": Cycle.State.NACHPHASE,
}


def reopen_step(*, user, target: Cycle | AreaCycle, node: str, reason: str = "") -> Task:
    """Go back to step `node` of a cycle or an area cycle, completed before: the open step
    is cancelled and `node` gets a new task; the steps after it follow again."""
    flow_class, process, conference = _flow_and_process(target)
    flow_node = flow_class.instance.node(node, no_obsolete=True)
    if not isinstance(flow_node, Step):
        raise WorkflowError(_("Only steps can be reopened."), "node")
    _require(
        permissions.can_complete_conference_step(user, conference),
        _("Only the coordinator of the conference reopens its steps."),
    )
    if process is None or process.status != PROCESS.NEW:
        raise WorkflowError(
            _("This process has ended; its steps cannot be reopened any more."), None
        )
    tasks = Task.objects.filter(process=process)
    if not tasks.filter(flow_task=flow_node, status=STATUS.DONE).exists():
        raise WorkflowError(_("This step has not been completed yet."), "node")
    active = list(tasks.filter(status__in=ACTIVE).order_by("pk"))
    if any(task.flow_task is flow_node for task in active):
        raise WorkflowError(_("This step is open already."), "node")
    current = min((_node_index(flow_class, task.flow_task.name) for task in active), default=None)
    if current is not None and _node_index(flow_class, node) >= current:
        raise WorkflowError(_("Only a step before the current one can be reopened."), "node")
    reason = _text(reason, field="reason", label=_("reason"))
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(
            pk=target.cycle_id if isinstance(target, AreaCycle) else target.pk
        )
        with flow_class.lock(process.pk):
            for task in active:
                task.flow_task.activation_class(task).cancel()
            previous = active[-1] if active else tasks.order_by("-pk").first()
            new = flow_node._create(
                previous.flow_task.activation_class(previous), previous.token
            ).task
        if isinstance(target, Cycle):
            cycle.state = REOPEN_STATE.get(node, Cycle.State.MAIN)
            if node in ("vorphase", "mandate"):
                cycle.mandate = Cycle.Mandate.PENDING
            if node == "planning_5":
                cycle.decision = ""
            cycle.save()
        _record(
            cycle,
            node,
            StepRecord.Action.REOPENED,
            user=user,
            area_cycle=target if isinstance(target, AreaCycle) else None,
            reason=reason,
            task=new,
        )
    return new


# --- the social area conferences ------------------------------------------------------------


def _area_conference(cycle: Cycle, area: Area, conference) -> Conference:
    candidates = Conference.objects.filter(
        municipality=cycle.municipality, kind=Conference.Kind.AREA, is_active=True, areas=area
    )
    if conference is not None:
        chosen = candidates.filter(pk=_pk(conference)).first()
        if chosen is None:
            raise WorkflowError(
                _("Choose an active social area conference that covers this area."),
                "conference",
            )
        return chosen
    found = list(candidates[:2])
    if not found:
        raise WorkflowError(
            _("No active social area conference covers this area; create one first."),
            "conference",
        )
    if len(found) > 1:
        raise WorkflowError(
            _("Several social area conferences cover this area; choose one."), "conference"
        )
    return found[0]


def give_impulse(
    *,
    user,
    cycle: Cycle,
    area: Area,
    text: str,
    goals: Iterable = (),
    conference: Conference | None = None,
) -> AreaCycle:
    """Step 4: pass an impulse (text and municipal goals to refine) to the social area
    conference of a prioritised area, which starts that area's process at once."""
    _require_manage(user, cycle)
    if active_task(cycle, "planning_4") is None:
        raise WorkflowError(
            _("Impulses are given in step 4 of the social planning conference."), None
        )
    area = _one(
        area,
        Area.objects.filter(municipality=cycle.municipality),
        field="area",
        label=_("area"),
        required=True,
    )
    if area.pk not in {a.pk for a in prioritised_areas(cycle)}:
        raise WorkflowError(_("Impulses go to the prioritised areas of step 2."), "area")
    if AreaCycle.objects.filter(cycle=cycle, round=cycle.round, area=area).exists():
        raise WorkflowError(_("This area has an impulse in this round already."), "area")
    text = _text(text, field="impulse", label=_("impulse"), required=True)
    goals = _objects(
        goals,
        Goal.objects.filter(municipality=cycle.municipality, level=Goal.Level.MUNICIPAL),
        field="goals",
        label=_("municipal goals to refine"),
    )
    area_conference = _area_conference(cycle, area, conference)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        area_cycle = AreaCycle.objects.create(
            cycle=cycle,
            round=cycle.round,
            area=area,
            conference=area_conference,
            impulse=text,
            created_by=user,
        )
        area_cycle.goals_to_refine.set(goals)
        _record(
            cycle,
            "planning_4",
            StepRecord.Action.IMPULSE,
            user=user,
            area_cycle=area_cycle,
            note=text,
            data={"area": area.pk, "goals": _ids(goals)},
        )
        AreaFlow.start.run(area_cycle=area_cycle)
        area_cycle.refresh_from_db()
    return area_cycle


def mark_delivered(area_cycle: AreaCycle) -> None:
    """The area process reached its end: its recommendation is with the planning conference."""
    AreaCycle.objects.filter(pk=area_cycle.pk, state=AreaCycle.State.RUNNING).update(
        state=AreaCycle.State.DELIVERED, finished=timezone.now()
    )


def close_area(*, user, area_cycle: AreaCycle, reason: str) -> AreaCycle:
    """The coordinator closes a running area process (for a reason) so that step 5 of the
    social planning conference need not wait for it."""
    cycle = area_cycle.cycle
    _require_manage(user, cycle)
    if not area_cycle.is_running:
        raise WorkflowError(_("This area process has ended already."), None)
    reason = _text(reason, field="reason", label=_("reason"), required=True)
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        if area_cycle.process_id is not None:
            AreaFlow.instance.cancel(area_cycle.process)
        area_cycle.state = AreaCycle.State.CLOSED
        area_cycle.closed_reason = reason
        area_cycle.finished = timezone.now()
        area_cycle.save(update_fields=["state", "closed_reason", "finished"])
        _record(
            cycle,
            "wait_areas",
            StepRecord.Action.CLOSED,
            user=user,
            area_cycle=area_cycle,
            reason=reason,
        )
        release_wait_if_ready(cycle.pk)
    return area_cycle


def release_wait_if_ready(cycle_id: int) -> bool:
    """Continue the cycle after its wait node once no area process is running any more."""
    cycle = Cycle.objects.get(pk=cycle_id)
    if cycle.process_id is None:
        return False
    task = Task.objects.filter(
        process_id=cycle.process_id, flow_task=CycleFlow.wait_areas, status=STATUS.NEW
    ).first()
    if task is None or cycle.area_cycles.filter(state=AreaCycle.State.RUNNING).exists():
        return False
    with transaction.atomic():
        CycleFlow.wait_areas.run(task)
        _record(cycle, "wait_areas", StepRecord.Action.DONE, task=task)
    return True


# --- assignments and deadlines --------------------------------------------------------------


def _require_assign(user, ctx: StepContext) -> None:
    _require(
        ctx.node.rule(user, ctx.conference)
        or permissions.can_complete_conference_step(user, ctx.cycle.conference),
        _("You are not allowed to assign this step."),
    )


def assign_task(*, user, task: Task, assignee) -> Task:
    """Give the open step to `assignee` (who must be allowed to complete it) and e-mail them."""
    task = _open_task(task)
    ctx = context_of(task)
    _require_assign(user, ctx)
    assignee = _one(
        assignee,
        get_user_model().objects.filter(is_active=True),
        field="assignee",
        label=_("assignee"),
        required=True,
    )
    if not ctx.node.rule(assignee, ctx.conference):
        raise WorkflowError(
            _("%(name)s may not complete this step.")
            % {"name": assignee.get_full_name() or assignee.username},
            "assignee",
        )
    if task.owner_id == assignee.pk:
        raise WorkflowError(_("The step is assigned to this person already."), "assignee")
    with transaction.atomic():
        with ctx.flow_class.lock(task.process_id):
            task.refresh_from_db()
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(assignee)
            else:
                activation.reassign(assignee)
            task.assigned = timezone.now()
            task.save(update_fields=["assigned"])
        _record(ctx, ctx.node.name, StepRecord.Action.ASSIGNED, user=user, assignee=assignee)
        notify_assignment(task)
    return task


def reassign_task(*, user, task: Task, assignee) -> Task:
    """Give an assigned step to someone else."""
    if _open_task(task).owner_id is None:
        raise WorkflowError(_("The step is not assigned to anybody yet."), None)
    return assign_task(user=user, task=task, assignee=assignee)


def unassign_task(*, user, task: Task) -> Task:
    """Give the step back to the group: its owner or whoever may assign it."""
    task = _open_task(task)
    ctx = context_of(task)
    if task.owner_id is None:
        raise WorkflowError(_("The step is not assigned to anybody."), None)
    if task.owner_id != user.pk:
        _require_assign(user, ctx)
    with transaction.atomic():
        with ctx.flow_class.lock(task.process_id):
            task.refresh_from_db()
            task.flow_task.activation_class(task).unassign()
            task.assigned = None
            task.save(update_fields=["assigned"])
        _record(ctx, ctx.node.name, StepRecord.Action.UNASSIGNED, user=user)
    return task


def set_deadline(
    *,
    user,
    target: Cycle | AreaCycle,
    node: str,
    due,
    today: datetime.date | None = None,
) -> StepDeadline | None:
    """Set (or, with `due` None, remove) the deadline of a step of a cycle or area cycle."""
    flow_class, _process, _conference = _flow_and_process(target)
    cycle = target.cycle if isinstance(target, AreaCycle) else target
    _require_manage(user, cycle)
    if not isinstance(flow_class.instance.node(node, no_obsolete=True), Step):
        raise WorkflowError(_("Deadlines are set for steps."), "node")
    due = _date(due, field="due", label=_("deadline"))
    area_cycle = target if isinstance(target, AreaCycle) else None
    existing = StepDeadline.objects.filter(cycle=cycle, area_cycle=area_cycle, node=node).first()
    if due is None:
        if existing is not None:
            existing.delete()
        return None
    if due < (today or timezone.localdate()):
        raise WorkflowError(_("The deadline lies in the past."), "due")
    if existing is None:
        return StepDeadline.objects.create(
            cycle=cycle, area_cycle=area_cycle, node=node, due=due, set_by=user
        )
    if existing.due != due:
        existing.due = due
        existing.last_reminder_sent = None
        existing.set_by = user
        existing.save(update_fields=["due", "last_reminder_sent", "set_by"])
    return existing


# --- the next cycle -------------------------------------------------------------------------


def carry_over_from(*, user, cycle: Cycle) -> dict[str, list]:
    """What the next cycle takes over from `cycle`: its goals not reached yet (municipal and
    area goals; attainment as measures.selectors computes it), its measures not done or dropped,
    and its findings."""
    from measures.selectors import goal_attainments

    area_cycles = AreaCycle.objects.filter(cycle=cycle)
    goals = list(
        Goal.objects.filter(Q(cycles=cycle) | Q(area_cycles__in=area_cycles))
        .distinct()
        .order_by("pk")
    )
    attainments = goal_attainments(user=user, goals=goals)
    measures = list(
        Measure.objects.filter(Q(cycles=cycle) | Q(area_cycles__in=area_cycles))
        .exclude(status__in=Measure.CLOSED)
        .distinct()
        .order_by("pk")
    )
    return {
        "goals": [goal for goal in goals if attainments[goal.pk].status != REACHED],
        "measures": measures,
        "findings": list(cycle.findings.order_by("pk")),
    }


def start_next_cycle(
    *, user, cycle: Cycle, title: str, topic: str, period_start, period_end
) -> Cycle:
    """Open the cycle after the finished `cycle`, carrying over its open goals, measures and
    findings."""
    _require_manage(user, cycle)
    if cycle.state != Cycle.State.FINISHED:
        raise WorkflowError(_("The next cycle starts once this one has finished."), None)
    if cycle.carried_into.exists():
        raise WorkflowError(_("The next cycle has been started already."), None)
    carried = carry_over_from(user=user, cycle=cycle)
    with transaction.atomic():
        new = open_cycle(
            user=user,
            conference=cycle.conference,
            title=title,
            topic=topic,
            period_start=period_start,
            period_end=period_end,
            carried_over_from=cycle,
        )
        new.goals.set(carried["goals"])
        new.measures.set(carried["measures"])
        new.findings.set(carried["findings"])
        _record(
            new,
            "start",
            StepRecord.Action.DONE,
            user=user,
            note=_("Carried over from cycle %(number)s.") % {"number": cycle.number},
            data={name: _ids(objects) for name, objects in carried.items()},
        )
    return new
