"""Every write of goals, impact hypotheses and measures: validated first, then one transaction.

Input comes as a dict of cleaned form or API data (model instances for links); anything that
cannot be saved raises `MeasuresError` with a German message and the field at fault, and
changes nothing. The baseline of a goal is read from the atlas as a member reads it
(`accounts.permissions.file_reader`), so a goal never stores a suppressed number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    Action,
    can_update_measure,
    can_update_substep,
    file_reader,
    require,
    require_measure_update,
)
from atlas_data.suppression import STATUS_OK, indicator_values
from conferences.models import Conference
from keck.locking import ConflictError, bump, claim

from .models import Goal, ImpactHypothesis, Measure, MeasureUpdate, SubStep


class MeasuresError(Exception):
    """A write that cannot be done; `field` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class MeasuresConflict(ConflictError, MeasuresError):
    """A save based on an outdated version of a goal, measure or sub-step: nothing was saved."""


def _own(obj, municipality, *, field_name: str):
    """`obj` unless it belongs to another municipality (checked for every link)."""
    if obj is None:
        return None
    owner = getattr(obj, "municipality_id", None)
    if owner is None and hasattr(obj, "conference"):
        owner = obj.conference.municipality_id
    if owner != municipality.pk:
        raise MeasuresError(_("This choice belongs to another municipality."), field=field_name)
    return obj


def _own_all(objects, municipality, *, field_name: str) -> list:
    return [_own(obj, municipality, field_name=field_name) for obj in objects or []]


def _text(data: dict, name: str, label: str) -> str:
    text = (data.get(name) or "").strip()
    if not text:
        raise MeasuresError(_("Please fill in: %(field)s.") % {"field": label}, field=name)
    return text


# --------------------------------------------------------------------------------------------
# Goals


def baseline_from_atlas(*, user, municipality, indicator, area, year: int) -> float | None:
    """The value of `indicator` in `area` and `year` as a member sees it; None when it is
    missing or suppressed."""
    reader = file_reader(user, municipality)
    if reader is None:
        raise PermissionDenied(_("You are not allowed to do this in this municipality."))
    shown = indicator_values(user=reader, indicator=indicator, year=year).shown.get(area.pk)
    if shown is None or shown.status != STATUS_OK:
        return None
    return shown.value


GOAL_FIELDS = (
    "conference",
    "level",
    "parent",
    "field_of_action",
    "title",
    "target_group",
    "indicator",
    "measurement_area",
    "baseline_year",
    "target_value",
    "direction",
    "qualitative_criterion",
    "acceptance",
    "realism",
    "deadline",
)


def _clean_goal(*, user, municipality, data: dict, goal: Goal | None = None) -> tuple[dict, dict]:
    conference = data.get("conference")
    if conference is None:
        raise MeasuresError(
            _("Please choose the conference that sets the goal."), field="conference"
        )
    _own(conference, municipality, field_name="conference")
    level = data.get("level") or (
        Goal.Level.MUNICIPAL if conference.kind == Conference.Kind.PLANNING else Goal.Level.AREA
    )
    if level not in Goal.Level.values:
        raise MeasuresError(_("Unknown goal level."), field="level")
    parent = _own(data.get("parent"), municipality, field_name="parent")
    if parent is not None:
        if level != Goal.Level.AREA:
            raise MeasuresError(_("Only an area goal refines a municipal goal."), field="parent")
        if parent.level != Goal.Level.MUNICIPAL or (goal is not None and parent.pk == goal.pk):
            raise MeasuresError(_("An area goal refines a municipal goal."), field="parent")
    field_of_action = data.get("field_of_action")
    if (
        field_of_action is not None
        and field_of_action.conference.municipality_id != municipality.pk
    ):
        raise MeasuresError(
            _("This choice belongs to another municipality."), field="field_of_action"
        )
    indicator = _own(data.get("indicator"), municipality, field_name="indicator")
    area = _own(data.get("measurement_area"), municipality, field_name="measurement_area")
    baseline_year = data.get("baseline_year")
    target = data.get("target_value")
    direction = data.get("direction") or ""
    qualitative = (data.get("qualitative_criterion") or "").strip()
    baseline_value = None
    if indicator is not None:
        if area is None:
            raise MeasuresError(
                _("Please choose the area in which the indicator is measured."),
                field="measurement_area",
            )
        if baseline_year is None:
            raise MeasuresError(_("Please choose the baseline year."), field="baseline_year")
        baseline_value = baseline_from_atlas(
            user=user, municipality=municipality, indicator=indicator, area=area, year=baseline_year
        )
        if target is not None and baseline_value is not None and not direction:
            direction = (
                Goal.Direction.INCREASE if target > baseline_value else Goal.Direction.DECREASE
            )
    elif area is not None or target is not None or baseline_year is not None:
        raise MeasuresError(
            _("Area, baseline year and target value belong to an indicator: please choose one."),
            field="indicator",
        )
    elif not qualitative:
        raise MeasuresError(
            _("Please choose an indicator or describe a qualitative criterion."),
            field="indicator",
        )
    if direction and direction not in Goal.Direction.values:
        raise MeasuresError(_("Unknown direction."), field="direction")
    cleaned = {
        "conference": conference,
        "level": level,
        "parent": parent,
        "field_of_action": field_of_action,
        "title": _text(data, "title", _("goal")),
        "target_group": (data.get("target_group") or "").strip(),
        "indicator": indicator,
        "measurement_area": area,
        "baseline_year": baseline_year if indicator else None,
        "baseline_value": baseline_value,
        "target_value": target if indicator else None,
        "direction": direction if indicator else "",
        "qualitative_criterion": qualitative,
        "acceptance": (data.get("acceptance") or "").strip(),
        "realism": (data.get("realism") or "").strip(),
        "deadline": data.get("deadline"),
    }
    links = {}
    if "areas" in data:
        links["areas"] = _own_all(data["areas"], municipality, field_name="areas")
    if "needs" in data:
        needs = list(data["needs"] or [])
        if any(need.conference.municipality_id != municipality.pk for need in needs):
            raise MeasuresError(_("This choice belongs to another municipality."), field="needs")
        links["needs"] = needs
    if "agenda_items" in data:
        items = list(data["agenda_items"] or [])
        if any(i.session.conference.municipality_id != municipality.pk for i in items):
            raise MeasuresError(
                _("This choice belongs to another municipality."), field="agenda_items"
            )
        links["agenda_items"] = items
    return cleaned, links


def _save(obj, cleaned: dict, links: dict, *, user):
    """Write the cleaned fields and the many-to-many links of `obj`, with `user` in its
    history. Call inside a transaction."""
    for name, value in cleaned.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    for name, objects in links.items():
        getattr(obj, name).set(objects)
    return obj


def create_goal(*, user, municipality, data: dict) -> Goal:
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    cleaned, links = _clean_goal(user=user, municipality=municipality, data=data)
    with transaction.atomic():
        goal = _save(Goal(municipality=municipality, created_by=user), cleaned, links, user=user)
    return goal


def _mine(cleaned: dict, links: dict, data: dict) -> dict:
    """What the caller stated (the fields of `data`), cleaned: shown beside a conflict."""
    return {name: value for name, value in (cleaned | links).items() if name in data}


def update_goal(*, user, goal: Goal, data: dict, version: int | None = None) -> Goal:
    """Change a goal. `version` is the version the caller read (None: not checked); when the
    goal was saved since, MeasuresConflict and nothing changes."""
    municipality = goal.municipality
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    merged = {name: getattr(goal, name) for name in GOAL_FIELDS}
    merged.update(data)
    cleaned, links = _clean_goal(user=user, municipality=municipality, data=merged, goal=goal)
    with transaction.atomic():
        claim(goal, version=version, conflict=MeasuresConflict, mine=_mine(cleaned, links, data))
        _save(goal, cleaned, links, user=user)
    return goal


def delete_goal(*, user, goal: Goal) -> None:
    require(user, Action.EDIT_GOALS_AND_MEASURES, goal.municipality)
    if goal.refinements.exists():
        raise MeasuresError(
            _("Area goals refine this goal: delete or re-link them first."), field=None
        )
    goal.delete()


# --------------------------------------------------------------------------------------------
# Impact hypotheses


def _clean_hypothesis(municipality, data: dict) -> tuple[dict, dict]:
    conference = data.get("conference")
    if conference is None:
        raise MeasuresError(_("Please choose the conference."), field="conference")
    _own(conference, municipality, field_name="conference")
    evidence = data.get("evidence") or ImpactHypothesis.Evidence.ASSUMPTION
    if evidence not in ImpactHypothesis.Evidence.values:
        raise MeasuresError(_("Unknown kind of evidence."), field="evidence")
    cleaned = {
        "conference": conference,
        "if_text": _text(data, "if_text", _("if we do …")),
        "then_text": _text(data, "then_text", _("then …")),
        "because_text": (data.get("because_text") or "").strip(),
        "evidence": evidence,
        "source": (data.get("source") or "").strip(),
    }
    links = {}
    for name in ("goals", "measures"):
        if name in data:
            links[name] = _own_all(data[name], municipality, field_name=name)
    return cleaned, links


def save_hypothesis(
    *, user, municipality, data: dict, hypothesis: ImpactHypothesis | None = None
) -> ImpactHypothesis:
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    if hypothesis is not None:
        merged = {
            "conference": hypothesis.conference,
            "if_text": hypothesis.if_text,
            "then_text": hypothesis.then_text,
            "because_text": hypothesis.because_text,
            "evidence": hypothesis.evidence,
            "source": hypothesis.source,
        }
        merged.update(data)
        data = merged
    cleaned, links = _clean_hypothesis(municipality, data)
    with transaction.atomic():
        if hypothesis is None:
            hypothesis = ImpactHypothesis(municipality=municipality, created_by=user)
        _save(hypothesis, cleaned, links, user=user)
    return hypothesis


def delete_hypothesis(*, user, hypothesis: ImpactHypothesis) -> None:
    require(user, Action.EDIT_GOALS_AND_MEASURES, hypothesis.municipality)
    hypothesis._history_user = user
    hypothesis.delete()


# --------------------------------------------------------------------------------------------
# Measures

MEASURE_FIELDS = (
    "conference",
    "title",
    "description",
    "responsible_user",
    "responsible_member",
    "responsible_institution",
    "support",
    "deadline",
    "start",
    "field_of_action",
    "resources_time",
    "resources_staff",
    "resources_money",
    "resources_note",
    "own_contribution",
    "continues_existing_offer",
    "existing_offer",
    "status",
    "progress",
)
TEXT_FIELDS = (
    "description",
    "responsible_institution",
    "support",
    "resources_time",
    "resources_staff",
    "resources_note",
    "own_contribution",
)


def _responsible_user(user_obj, municipality, field_name: str):
    if user_obj is None:
        return None
    from accounts.models import Membership

    if not Membership.objects.filter(user=user_obj, municipality=municipality).exists():
        raise MeasuresError(
            _("The responsible person must be a member of the municipality."), field=field_name
        )
    return user_obj


def _clean_measure(*, municipality, data: dict) -> tuple[dict, dict]:
    conference = data.get("conference")
    if conference is None:
        raise MeasuresError(_("Please choose the conference."), field="conference")
    _own(conference, municipality, field_name="conference")
    member = data.get("responsible_member")
    if member is not None and member.conference.municipality_id != municipality.pk:
        raise MeasuresError(
            _("This choice belongs to another municipality."), field="responsible_member"
        )
    field_of_action = data.get("field_of_action")
    if (
        field_of_action is not None
        and field_of_action.conference.municipality_id != municipality.pk
    ):
        raise MeasuresError(
            _("This choice belongs to another municipality."), field="field_of_action"
        )
    status = data.get("status") or Measure.Status.PLANNED
    if status not in Measure.Status.values:
        raise MeasuresError(_("Unknown status."), field="status")
    progress = data.get("progress") or 0
    if not 0 <= progress <= 100:
        raise MeasuresError(_("The progress lies between 0 and 100 %."), field="progress")
    money = data.get("resources_money")
    if money is not None and money < 0:
        raise MeasuresError(_("The amount of money cannot be negative."), field="resources_money")
    start, deadline = data.get("start"), data.get("deadline")
    if start and deadline and deadline < start:
        raise MeasuresError(_("The deadline lies before the start."), field="deadline")
    cleaned = {
        "conference": conference,
        "title": _text(data, "title", _("measure")),
        "responsible_user": _responsible_user(
            data.get("responsible_user"), municipality, "responsible_user"
        ),
        "responsible_member": member,
        "deadline": deadline,
        "start": start,
        "field_of_action": field_of_action,
        "resources_money": money,
        "continues_existing_offer": bool(data.get("continues_existing_offer")),
        "existing_offer": _own(
            data.get("existing_offer"), municipality, field_name="existing_offer"
        ),
        "status": status,
        "progress": progress,
    }
    for name in TEXT_FIELDS:
        cleaned[name] = (data.get(name) or "").strip()
    if not (cleaned["responsible_user"] or member or cleaned["responsible_institution"]):
        raise MeasuresError(
            _("Who is responsible? Please choose a person or name an institution."),
            field="responsible_user",
        )
    links = {}
    for name in ("goals", "areas"):
        if name in data:
            links[name] = _own_all(data[name], municipality, field_name=name)
    if "supporters" in data:
        supporters = list(data["supporters"] or [])
        if any(s.conference.municipality_id != municipality.pk for s in supporters):
            raise MeasuresError(
                _("This choice belongs to another municipality."), field="supporters"
            )
        links["supporters"] = supporters
    if "agenda_items" in data:
        items = list(data["agenda_items"] or [])
        if any(i.session.conference.municipality_id != municipality.pk for i in items):
            raise MeasuresError(
                _("This choice belongs to another municipality."), field="agenda_items"
            )
        links["agenda_items"] = items
    return cleaned, links


def create_measure(*, user, municipality, data: dict, substeps: Iterable[dict] = ()) -> Measure:
    """A new row of the measure plan, with its sub-steps (coordinators)."""
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    cleaned, links = _clean_measure(municipality=municipality, data=data)
    steps = [_clean_substep(municipality, step) for step in substeps]
    if cleaned["status"] == Measure.Status.DONE and not steps:
        cleaned["progress"] = 100  # done is done; with sub-steps the roll-up decides
    with transaction.atomic():
        measure = _save(
            Measure(municipality=municipality, created_by=user), cleaned, links, user=user
        )
        for order, step in enumerate(steps):
            SubStep.objects.create(measure=measure, order=order, **step)
        roll_up(measure)
    return measure


def update_measure(*, user, measure: Measure, data: dict, version: int | None = None) -> Measure:
    """Change what the measure plan says (coordinators). `version` is the version the caller
    read (None: not checked); when the measure was saved since, MeasuresConflict."""
    municipality = measure.municipality
    require(user, Action.EDIT_GOALS_AND_MEASURES, municipality)
    merged = {name: getattr(measure, name) for name in MEASURE_FIELDS}
    merged.update(data)
    cleaned, links = _clean_measure(municipality=municipality, data=merged)
    if cleaned["status"] == Measure.Status.DONE and not measure.substeps.exists():
        cleaned["progress"] = 100  # done is done; with sub-steps the roll-up decides
    with transaction.atomic():
        mine = _mine(cleaned, links, data)
        claim(measure, version=version, conflict=MeasuresConflict, mine=mine)
        _save(measure, cleaned, links, user=user)
        roll_up(measure)
    return measure


def delete_measure(*, user, measure: Measure) -> None:
    require(user, Action.EDIT_GOALS_AND_MEASURES, measure.municipality)
    measure.delete()


def roll_up(measure: Measure) -> int:
    """Set the measure's progress from its sub-steps (mean, a done step counts 100 %)."""
    steps = list(SubStep.objects.filter(measure=measure).values_list("done", "progress"))
    if not steps:
        return measure.progress
    progress = round(sum(100 if done else p for done, p in steps) / len(steps))
    if progress != measure.progress:
        # A new version: a measure form opened before shows the changed progress as conflict.
        Measure.objects.filter(pk=measure.pk).update(progress=progress, version=F("version") + 1)
        measure.progress = progress
        measure.version = Measure.objects.values_list("version", flat=True).get(pk=measure.pk)
    return progress


def _clean_substep(municipality, data: dict) -> dict:
    member = data.get("responsible_member")
    if member is not None and member.conference.municipality_id != municipality.pk:
        raise MeasuresError(
            _("This choice belongs to another municipality."), field="responsible_member"
        )
    progress = data.get("progress") or 0
    if not 0 <= progress <= 100:
        raise MeasuresError(_("The progress lies between 0 and 100 %."), field="progress")
    done = bool(data.get("done"))
    return {
        "title": _text(data, "title", _("sub-step")),
        "responsible_user": _responsible_user(
            data.get("responsible_user"), municipality, "responsible_user"
        ),
        "responsible_member": member,
        "deadline": data.get("deadline"),
        "progress": 100 if done else progress,
        "done": done,
    }


def save_substep(
    *,
    user,
    measure: Measure,
    data: dict,
    substep: SubStep | None = None,
    version: int | None = None,
) -> SubStep:
    """Add or change a sub-step. Coordinators and the measure's responsible person change
    everything; the sub-step's own responsible person only its progress. `version` is the
    version of the sub-step the caller read (None: not checked)."""
    municipality = measure.municipality
    if substep is None:
        require_measure_update(user, measure)
        cleaned = _clean_substep(municipality, data)
        with transaction.atomic():
            order = (
                measure.substeps.order_by("-order").values_list("order", flat=True).first() or 0
            ) + 1
            substep = SubStep.objects.create(measure=measure, order=order, **cleaned)
            roll_up(measure)
        return substep
    if not can_update_substep(user, substep):
        raise PermissionDenied(_("Only the responsible person and coordinators update this step."))
    if can_update_measure(user, measure):
        merged = {
            "title": substep.title,
            "responsible_user": substep.responsible_user,
            "responsible_member": substep.responsible_member,
            "deadline": substep.deadline,
            "progress": substep.progress,
            "done": substep.done,
        }
        merged.update(data)
    else:
        # The step's own responsible person reports progress; anything else they send must
        # stay as it is, or they would believe a change was saved.
        fixed = {
            "title": substep.title,
            "responsible_user": substep.responsible_user,
            "responsible_member": substep.responsible_member,
            "deadline": substep.deadline,
        }
        given = {name: data[name] for name in fixed if name in data}
        if "title" in given:
            given["title"] = (given["title"] or "").strip()
        if any(value != fixed[name] for name, value in given.items()):
            raise PermissionDenied(
                _(
                    "As the person responsible for this step you report its progress; the "
                    "measure's responsible person and coordinators change the rest."
                )
            )
        merged = {
            "title": substep.title,
            "responsible_user": substep.responsible_user,
            "responsible_member": substep.responsible_member,
            "deadline": substep.deadline,
            "progress": data.get("progress", substep.progress),
            "done": data.get("done", substep.done),
        }
    cleaned = _clean_substep(municipality, merged)
    with transaction.atomic():
        mine = {name: value for name, value in cleaned.items() if name in data}
        claim(substep, version=version, conflict=MeasuresConflict, mine=mine)
        _save(substep, cleaned, {}, user=user)
        roll_up(measure)
    return substep


def delete_substep(*, user, substep: SubStep) -> None:
    measure = substep.measure
    require_measure_update(user, measure)
    with transaction.atomic():
        substep.delete()
        roll_up(measure)


def add_update(
    *,
    user,
    measure: Measure,
    text: str,
    status: str = "",
    progress: int | None = None,
    date: datetime.date | None = None,
) -> MeasureUpdate:
    """A timeline entry by the responsible person or a coordinator; it sets the measure's status
    and (without sub-steps) its progress."""
    require_measure_update(user, measure)
    text = (text or "").strip()
    if not text:
        raise MeasuresError(
            _("Please fill in: %(field)s.") % {"field": _("what happened")}, field="text"
        )
    if status and status not in Measure.Status.values:
        raise MeasuresError(_("Unknown status."), field="status")
    if progress is not None and not 0 <= progress <= 100:
        raise MeasuresError(_("The progress lies between 0 and 100 %."), field="progress")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise MeasuresError(_("An update cannot lie in the future."), field="date")
    has_steps = measure.substeps.exists()
    with transaction.atomic():
        update = MeasureUpdate.objects.create(
            measure=measure,
            date=date,
            text=text,
            status=status,
            progress=progress,
            author=user,
        )
        if status:
            measure.status = status
        if progress is not None and not has_steps:
            measure.progress = progress
        if status == Measure.Status.DONE and not has_steps:
            measure.progress = 100
        bump(measure)
        measure._history_user = user
        measure.save()
        if has_steps:
            roll_up(measure)
    return update


def save_reflection(*, user, measure: Measure, outcome: str, reason: str, lessons: str) -> Measure:
    """The reflection fields at the end of a measure: successful / partly / not suitable, why,
    lessons."""
    require_measure_update(user, measure)
    if outcome and outcome not in Measure.Outcome.values:
        raise MeasuresError(_("Unknown result."), field="outcome")
    if outcome and not (reason or "").strip():
        raise MeasuresError(_("Please say why."), field="outcome_reason")
    with transaction.atomic():
        bump(measure)
        measure.outcome = outcome or ""
        measure.outcome_reason = (reason or "").strip()
        measure.lessons = (lessons or "").strip()
        measure._history_user = user
        measure.save(update_fields=["outcome", "outcome_reason", "lessons", "version", "updated"])
    return measure
