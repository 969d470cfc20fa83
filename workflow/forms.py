"""Forms of the control cycle pages: they parse the input; workflow.services checks it and does
the writing. Each step has its output form (STEP_FORMS); choices are scoped as the services
scope them, so a form never offers what the step would refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from atlas_data.models import Area, Indicator
from atlas_data.selectors import indicators_for
from conferences.models import (
    Conference,
    FieldOfAction,
    Finding,
    NeedForAction,
    Prioritisation,
    Session,
    SwotEntry,
)
from measures.models import Goal, ImpactHypothesis, Measure

from .models import Cycle
from .services import INVENTORY_STATUSES, WorkflowError

YES_NO = (("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No")))
INVENTORY_LABELS = {"available": gettext_lazy("available"), "to_obtain": gettext_lazy("to obtain")}


class ServiceForm(forms.Form):
    """Shows a service's refusal at the field it names (or above the form)."""

    def add_service_error(self, error: WorkflowError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class _Choices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, label, label_of=str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(queryset=kwargs.pop("queryset", None), label=label, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj):
        return self.label_of(obj)


class _Choice(forms.ModelChoiceField):
    def __init__(self, *, label, label_of=str, **kwargs):
        super().__init__(queryset=kwargs.pop("queryset", None), label=label, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj):
        return self.label_of(obj)


def _session_label(session: Session) -> str:
    return f"{session.starts_at:%d.%m.%Y} – {session.conference.name}"


def _swot_label(entry: SwotEntry) -> str:
    where = f" ({entry.area.name})" if entry.area_id else ""
    return f"{entry.get_quadrant_display()}{where}: {entry.text[:120]}"


def _finding_label(finding: Finding) -> str:
    return f"{finding.area.name} {finding.year}: {finding.current_text[:140]}"


def _need_label(need: NeedForAction) -> str:
    return need.text[:160]


def _prioritisation_label(prioritisation: Prioritisation) -> str:
    urgent = ", ".join(area.name for area in prioritisation.urgent_areas.all())
    return f"{prioritisation.title} – {urgent}" if urgent else prioritisation.title


def _indicator_label(indicator: Indicator) -> str:
    return f"{indicator.topic.name}: {indicator.name}" if indicator.topic_id else indicator.name


# --- the cycle ------------------------------------------------------------------------------


class CycleForm(ServiceForm):
    """Title, topic and period of a new cycle (the next cycle has no conference to choose)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    topic = forms.CharField(
        label=gettext_lazy("Topic"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. childcare, youth work, transition from school to work"),
    )
    period_start = forms.DateField(
        label=gettext_lazy("Period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=gettext_lazy("to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OpenCycleForm(CycleForm):
    conference = _Choice(
        label=gettext_lazy("Social planning conference"),
        queryset=Conference.objects.none(),
        required=False,
        label_of=lambda conference: conference.name,
    )
    field_order = ["conference", "title", "topic", "period_start", "period_end"]

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        conferences = list(conferences)
        self.fields["conference"].queryset = Conference.objects.filter(
            pk__in=[conference.pk for conference in conferences]
        ).order_by("name")
        if len(conferences) == 1:
            self.fields["conference"].initial = conferences[0].pk


class CycleSettingsForm(forms.Form):
    allow_overlapping_cycles = forms.BooleanField(
        label=gettext_lazy("Cycles may overlap"),
        required=False,
        help_text=gettext_lazy("Allow a new cycle to start while another one is still running."),
    )


class ReasonForm(ServiceForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )


class ReopenForm(ReasonForm):
    node = forms.ChoiceField(label=gettext_lazy("Step"), choices=())
    field_order = ["node", "reason"]

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = [(step.node, step.title) for step in steps]
        self.fields["reason"].help_text = gettext_lazy(
            "Kept in the history. The steps after it follow again."
        )


class ImpulseForm(ServiceForm):
    text = forms.CharField(
        label=gettext_lazy("Impulse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy(
            "An impulse, not an order: what the social planning conference asks the social "
            "area conference to look at."
        ),
    )
    goals = _Choices(
        label=gettext_lazy("Municipal goals to refine"),
        queryset=Goal.objects.none(),
        label_of=lambda goal: goal.title,
    )
    conference = _Choice(
        label=gettext_lazy("Social area conference"),
        queryset=Conference.objects.none(),
        required=False,
        label_of=lambda conference: conference.name,
    )

    def __init__(self, *args, cycle: Cycle, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.filter(
            municipality=cycle.municipality, level=Goal.Level.MUNICIPAL
        ).order_by("title", "pk")
        self.fields["conference"].queryset = Conference.objects.filter(
            municipality=cycle.municipality, kind=Conference.Kind.AREA, is_active=True, areas=area
        ).order_by("name")


# --- deadlines --------------------------------------------------------------------------------


class DeadlinesForm(ServiceForm):
    """One date field per step row: `rows` are (key, label, due) with key "node" for a step of
    the cycle and "<area cycle id>-node" for a step of an area process."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for key, label, due in rows:
            self.fields[f"due-{key}"] = forms.DateField(
                label=label,
                required=False,
                initial=due,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def changed_rows(self) -> list[tuple[str, object]]:
        """(key, new due date or None) of the rows whose date changed."""
        return [
            (key, self.cleaned_data[f"due-{key}"])
            for key, _label, due in self.rows
            if self.cleaned_data[f"due-{key}"] != due
        ]


# --- tasks ------------------------------------------------------------------------------------


class AssignForm(ServiceForm):
    assignee = _Choice(
        label=gettext_lazy("Assign to"),
        queryset=None,
        required=False,
        label_of=lambda user: user.get_full_name() or user.username,
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(pk__in=[user.pk for user in users])
            .order_by("last_name", "first_name", "username")
        )


class SkipForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = gettext_lazy(
            "Why the step is skipped; kept in the history of the cycle."
        )


class SendBackForm(ServiceForm):
    comment = forms.CharField(
        label=gettext_lazy("Comment for the coordinator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text=gettext_lazy("What is missing or should be clarified in the preliminary phase."),
    )


# --- the output form of each step ---------------------------------------------------------------


class StepForm(ServiceForm):
    """What every step takes: the session where it was discussed and a note."""

    session = _Choice(
        label=gettext_lazy("Discussed in the session"),
        queryset=Session.objects.none(),
        required=False,
        label_of=_session_label,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 70}),
    )

    def __init__(self, *args, ctx, user, **kwargs):
        self.ctx = ctx
        self.user = user
        kwargs.setdefault("initial", self.initial_of(ctx))
        super().__init__(*args, **kwargs)
        sessions = (
            Session.objects.filter(conference=ctx.conference)
            if ctx.node.catalogue_step
            else Session.objects.filter(conference__municipality=ctx.municipality)
        )
        self.fields["session"].queryset = sessions.select_related("conference").order_by(
            "-starts_at"
        )
        self.setup()
        # The common fields come last, below the step's own outputs.
        self.order_fields([name for name in self.fields if name not in ("session", "note")])

    def setup(self) -> None:
        """Scope the step's own fields."""

    def initial_of(self, ctx) -> dict:
        return {}

    def data_for_service(self) -> dict:
        return dict(self.cleaned_data)


class VorphaseForm(StepForm):
    pass


class NachphaseForm(StepForm):
    pass


class MandateForm(StepForm):
    political_decision = forms.ChoiceField(
        label=gettext_lazy("Is there a political decision (a committee decision)?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference of the decision"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. the committee and the number of the submission"),
    )
    date = forms.DateField(
        label=gettext_lazy("Date of the decision"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["political_decision"] = {"yes": True, "no": False}.get(data["political_decision"])
        return data


class InventoryRowForm(forms.Form):
    data = forms.CharField(label=gettext_lazy("Data"), max_length=300, required=False)
    holder = forms.CharField(label=gettext_lazy("Held by"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(status, INVENTORY_LABELS[status]) for status in INVENTORY_STATUSES],
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=1000, required=False)


InventoryFormSet = forms.formset_factory(InventoryRowForm, extra=3, max_num=100)


class Planning1Form(StepForm):
    """Indicator selection and data inventory; the inventory rows are a formset."""

    indicators = _Choices(
        label=gettext_lazy("Indicators"),
        queryset=Indicator.objects.none(),
        label_of=_indicator_label,
    )

    def __init__(self, *args, **kwargs):
        data = args[0] if args else kwargs.get("data")
        super().__init__(*args, **kwargs)
        self.inventory = InventoryFormSet(
            data, prefix="inventory", initial=list(self.ctx.cycle.data_inventory or [])
        )

    def setup(self):
        self.fields["indicators"].queryset = indicators_for(
            user=self.user, municipality=self.ctx.municipality
        )

    def initial_of(self, ctx):
        return {"indicators": list(ctx.cycle.indicators.values_list("pk", flat=True))}

    def is_valid(self):
        return super().is_valid() and self.inventory.is_valid()

    def data_for_service(self):
        data = dict(self.cleaned_data)
        data["data_inventory"] = [
            row
            for row in (form.cleaned_data for form in self.inventory.forms)
            if any((row.get(name) or "").strip() for name in ("data", "holder", "note"))
        ]
        return data


class Planning2Form(StepForm):
    prioritisation = _Choice(
        label=gettext_lazy("Confirmed prioritisation of the areas"),
        queryset=Prioritisation.objects.none(),
        required=False,
        label_of=_prioritisation_label,
        help_text=gettext_lazy(
            "Its areas with urgent need are the prioritised areas of the cycle."
        ),
    )
    swot_entries = _Choices(
        label=gettext_lazy("SWOT entries"), queryset=SwotEntry.objects.none(), label_of=_swot_label
    )
    findings = _Choices(
        label=gettext_lazy("Accepted findings"),
        queryset=Finding.objects.none(),
        label_of=_finding_label,
    )

    def setup(self):
        conference = self.ctx.conference
        self.fields["prioritisation"].queryset = (
            Prioritisation.objects.filter(conference=conference, confirmed_at__isnull=False)
            .prefetch_related("urgent_areas")
            .order_by("-confirmed_at", "-pk")
        )
        self.fields["swot_entries"].queryset = SwotEntry.objects.filter(
            conference=conference
        ).select_related("area")
        self.fields["findings"].queryset = Finding.objects.filter(
            conference=conference, state=Finding.State.ACCEPTED
        ).select_related("area")

    def initial_of(self, ctx):
        cycle = ctx.cycle
        return {
            "prioritisation": cycle.prioritisation_id,
            "swot_entries": list(cycle.swot_entries.values_list("pk", flat=True)),
            "findings": list(cycle.findings.values_list("pk", flat=True)),
        }


class Planning3Form(StepForm):
    goals = _Choices(
        label=gettext_lazy("Municipal goals (SMART)"),
        queryset=Goal.objects.none(),
        label_of=lambda goal: goal.title,
    )
    needs = _Choices(
        label=gettext_lazy("Needs for action"),
        queryset=NeedForAction.objects.none(),
        label_of=_need_label,
    )
    hypotheses = _Choices(
        label=gettext_lazy("Impact hypotheses"), queryset=ImpactHypothesis.objects.none()
    )

    def setup(self):
        conference = self.ctx.conference
        self.fields["goals"].queryset = Goal.objects.filter(
            conference=conference, level=Goal.Level.MUNICIPAL
        ).order_by("title", "pk")
        self.fields["needs"].queryset = NeedForAction.objects.filter(conference=conference)
        self.fields["hypotheses"].queryset = ImpactHypothesis.objects.filter(
            conference=conference
        ).order_by("pk")

    def initial_of(self, ctx):
        cycle = ctx.cycle
        return {
            name: list(getattr(cycle, name).values_list("pk", flat=True))
            for name in ("goals", "needs", "hypotheses")
        }


class _MeasuresForm(StepForm):
    measures = _Choices(
        label=gettext_lazy("Measures"),
        queryset=Measure.objects.none(),
        label_of=lambda measure: measure.title,
    )

    def setup(self):
        self.fields["measures"].queryset = Measure.objects.filter(
            conference=self.ctx.conference
        ).order_by("title", "pk")

    def initial_of(self, ctx):
        target = ctx.area_cycle or ctx.cycle
        return {"measures": list(target.measures.values_list("pk", flat=True))}


class Planning4Form(_MeasuresForm):
    def setup(self):
        super().setup()
        self.fields["measures"].label = gettext_lazy("Strategic measures")


class Planning5Form(StepForm):
    impact_analysis = forms.CharField(
        label=gettext_lazy("Impact analysis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=gettext_lazy(
            "Which activities were started, what did they achieve, what do the goals' "
            "measurements show?"
        ),
    )
    reality_check = forms.CharField(
        label=gettext_lazy("Reality check"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy("Are the goals and measurement criteria still right? What follows?"),
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=Cycle.Decision.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def initial_of(self, ctx):
        cycle = ctx.cycle
        return {"impact_analysis": cycle.impact_analysis, "reality_check": cycle.reality_check}


class Area1Form(StepForm):
    pass


class Area2Form(StepForm):
    swot_entries = _Choices(
        label=gettext_lazy("SWOT of the area"),
        queryset=SwotEntry.objects.none(),
        label_of=_swot_label,
    )

    def setup(self):
        self.fields["swot_entries"].queryset = SwotEntry.objects.filter(
            conference=self.ctx.conference
        ).select_related("area")

    def initial_of(self, ctx):
        return {"swot_entries": list(ctx.area_cycle.swot_entries.values_list("pk", flat=True))}


class Area3Form(StepForm):
    fields_of_action = _Choices(
        label=gettext_lazy("Fields of action"),
        queryset=FieldOfAction.objects.none(),
        label_of=lambda field: field.title,
    )
    goals = _Choices(
        label=gettext_lazy("Area goals (SMART)"),
        queryset=Goal.objects.none(),
        label_of=lambda goal: goal.title,
    )

    def setup(self):
        conference = self.ctx.conference
        self.fields["fields_of_action"].queryset = FieldOfAction.objects.filter(
            conference=conference
        )
        self.fields["goals"].queryset = Goal.objects.filter(
            conference=conference, level=Goal.Level.AREA
        ).order_by("title", "pk")

    def initial_of(self, ctx):
        area_cycle = ctx.area_cycle
        return {
            "fields_of_action": list(area_cycle.fields_of_action.values_list("pk", flat=True)),
            "goals": list(area_cycle.goals.values_list("pk", flat=True)),
        }


class Area4Form(_MeasuresForm):
    pass


class Area5Form(StepForm):
    reflection = forms.CharField(
        label=gettext_lazy("Reflection of the effects"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy("Which measures worked and why, which did not, where to improve?"),
    )
    recommendation = forms.CharField(
        label=gettext_lazy("Recommendation to the social planning conference"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=gettext_lazy(
            "e.g. additions to the data analysis, widening or focusing fields of action, "
            "actors to involve"
        ),
    )

    def initial_of(self, ctx):
        area_cycle = ctx.area_cycle
        return {
            "reflection": area_cycle.reflection,
            "recommendation": area_cycle.recommendation,
        }


STEP_FORMS: dict[str, type[StepForm]] = {
    "vorphase": VorphaseForm,
    "mandate": MandateForm,
    "planning_1": Planning1Form,
    "planning_2": Planning2Form,
    "planning_3": Planning3Form,
    "planning_4": Planning4Form,
    "planning_5": Planning5Form,
    "nachphase": NachphaseForm,
    "area_1": Area1Form,
    "area_2": Area2Form,
    "area_3": Area3Form,
    "area_4": Area4Form,
    "area_5": Area5Form,
}
