"""The KECK control cycle as two viewflow flows (domain.md §4): `CycleFlow`, one process per
cycle of a municipality, and `AreaFlow`, one process per prioritised area, started by the impulse
of step 4 of the Sozialplanungskonferenz.

The flows only say what follows what and who may do a step; every write goes through
`workflow.services` (complete_step, skip_step, give_impulse …), which drives the tasks.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from accounts import permissions
from conferences.models import ConferenceStep

from .models import AreaCycle, AreaProcess, Cycle, CycleProcess


class Step(flow.View):
    """A step people complete. `rule(user, conference)` from accounts.permissions decides who
    may complete, assign and unassign it; `catalogue_step` names the step of the conferences'
    step catalogue whose working questions the step's form shows."""

    def __init__(self, rule, *, catalogue_step: str = "", **kwargs):
        super().__init__(this.step_page, **kwargs)
        self.rule = rule
        self.catalogue_step = catalogue_step

    def conference_of(self, process):
        return self.flow_class.instance.conference_of(process)

    def may_complete(self, user, process) -> bool:
        return bool(user) and self.rule(user, self.conference_of(process))

    def can_execute(self, user, task):
        return self.may_complete(user, task.process)

    def can_assign(self, user, task):
        return task.owner_id is None and self.may_complete(user, task.process)

    def can_unassign(self, user, task):
        if task.owner_id is None or user is None or not user.is_authenticated:
            return False
        return task.owner_id == user.pk or self.may_complete(user, task.process)


class _KeckFlow(flow.Flow):
    """What both flows share: access through accounts.permissions, never Django permissions
    (superusers get no implicit access to a municipality's cycle). Each flow defines
    `conference_of(process)`: the conference whose coordinator runs the process."""

    @property
    def step_page(self):
        # The page that completes a step belongs to the pages of the workflow app; it is
        # looked up only when the flow's own viewflow URLs are built.
        from . import views

        return views.step_page

    def has_view_permission(self, user, obj=None):
        if obj is None:
            return bool(user and user.is_authenticated)
        return permissions.can_read_cycles(user, self.conference_of(obj).municipality)

    def has_manage_permission(self, user, obj=None):
        # Undo, revive and cancel run through workflow.services (reopen_step, close_area),
        # which keep the cycle's history; viewflow's own buttons stay hidden.
        return False

    def coordinator(self, activation):
        return self.conference_of(activation.process).coordinator

    def notify_assignee(self, activation):
        from . import services

        services.notify_assignment(activation.task)


class CycleFlow(_KeckFlow):
    """KECK cycle

    One run of the control cycle of a municipality: the preliminary phase with the mandate,
    the five steps of the social planning conference with the social area conferences of the
    prioritised areas, and the follow-up phase.
    """

    process_class = CycleProcess
    # The nodes in the order of the chart, for step states and "reopen only backwards".
    sequence = (
        "start",
        "vorphase",
        "mandate",
        "check_mandate",
        "planning_1",
        "planning_2",
        "planning_3",
        "planning_4",
        "wait_areas",
        "planning_5",
        "review",
        "nachphase",
        "end",
    )

    start = flow.StartHandle(this.start_process).Next(this.vorphase)

    vorphase = (
        Step(permissions.can_complete_conference_step)
        .Annotation(title=_("Preliminary phase: clarify the mandate"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.mandate)
    )
    mandate = (
        Step(permissions.can_confirm_mandate)
        .Annotation(title=_("Confirm the mandate"))
        .Next(this.check_mandate)
    )
    check_mandate = (
        flow.If(this.is_mandate_confirmed)
        .Annotation(title=_("Mandate confirmed?"))
        .Then(this.planning_1)
        .Else(this.vorphase)
    )
    planning_1 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.PLANNING_1)
        .Annotation(title=_("Social planning conference 1: Create transparency"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.planning_2)
    )
    planning_2 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.PLANNING_2)
        .Annotation(title=_("Social planning conference 2: Analyse data for the municipality"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.planning_3)
    )
    planning_3 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.PLANNING_3)
        .Annotation(title=_("Social planning conference 3: Name needs and define goals"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.planning_4)
    )
    planning_4 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.PLANNING_4)
        .Annotation(title=_("Social planning conference 4: Work out measures and activities"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.wait_areas)
    )
    wait_areas = (
        flow.Handle()
        .Annotation(title=_("Wait for the recommendations of the social area conferences"))
        .Next(this.planning_5)
    )
    planning_5 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.PLANNING_5)
        .Annotation(title=_("Social planning conference 5: Measure progress and results"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.review)
    )
    review = (
        flow.Switch()
        .Annotation(title=_("Continue or loop back?"))
        .Case(this.planning_2, this.is_back_to_2)
        .Case(this.planning_3, this.is_back_to_3)
        .Default(this.nachphase)
    )
    nachphase = (
        Step(permissions.can_evaluate_cycle)
        .Annotation(title=_("Follow-up phase: evaluate the process"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Cycle finished"))

    def start_process(self, activation, cycle: Cycle):
        # Saved here so that the first task, created before StartHandle saves the process,
        # already finds its cycle.
        activation.process.save()
        cycle.process = activation.process
        cycle.save(update_fields=["process"])
        return activation.process

    def cycle_of(self, process) -> Cycle:
        return Cycle.objects.select_related("conference", "municipality").get(process_id=process.pk)

    def conference_of(self, process):
        return self.cycle_of(process).conference

    def is_mandate_confirmed(self, activation) -> bool:
        return self.cycle_of(activation.process).mandate == Cycle.Mandate.CONFIRMED

    def is_back_to_2(self, activation) -> bool:
        return self.cycle_of(activation.process).decision == Cycle.Decision.BACK_TO_2

    def is_back_to_3(self, activation) -> bool:
        return self.cycle_of(activation.process).decision == Cycle.Decision.BACK_TO_3


class AreaFlow(_KeckFlow):
    """Social area conference

    The five steps of a social area conference for one prioritised area of a cycle, from the
    impulse of the social planning conference to the recommendation back to it.
    """

    process_class = AreaProcess
    sequence = ("start", "area_1", "area_2", "area_3", "area_4", "area_5", "report_back", "end")

    start = flow.StartHandle(this.start_process).Next(this.area_1)

    area_1 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.AREA_1)
        .Annotation(title=_("Social area conference 1: Create transparency"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.area_2)
    )
    area_2 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.AREA_2)
        .Annotation(title=_("Social area conference 2: Analyse data for the area"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.area_3)
    )
    area_3 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.AREA_3)
        .Annotation(title=_("Social area conference 3: Define fields of action and derive goals"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.area_4)
    )
    area_4 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.AREA_4)
        .Annotation(title=_("Social area conference 4: Carry out measures and activities"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.area_5)
    )
    area_5 = (
        Step(permissions.can_complete_conference_step, catalogue_step=ConferenceStep.AREA_5)
        .Annotation(title=_("Social area conference 5: Reflect on the effects"))
        .Assign(this.coordinator)
        .onCreate(this.notify_assignee)
        .Next(this.report_back)
    )
    report_back = (
        flow.Function(this.deliver_recommendation)
        .Annotation(title=_("Report back to the social planning conference"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Area process finished"))

    def start_process(self, activation, area_cycle: AreaCycle):
        activation.process.save()
        area_cycle.process = activation.process
        area_cycle.save(update_fields=["process"])
        return activation.process

    def area_cycle_of(self, process) -> AreaCycle:
        return AreaCycle.objects.select_related(
            "conference", "conference__municipality", "cycle", "area"
        ).get(process_id=process.pk)

    def conference_of(self, process):
        return self.area_cycle_of(process).conference

    def deliver_recommendation(self, activation):
        from . import services

        area_cycle = self.area_cycle_of(activation.process)
        services.mark_delivered(area_cycle)
        # The cycle's wait node belongs to another process: continue it once this process's
        # lock is released (viewflow's rule for work on another process).
        lock.after_lock_released(lambda: services.release_wait_if_ready(area_cycle.cycle_id))


FLOWS = (CycleFlow, AreaFlow)
