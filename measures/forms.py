"""Forms of the goal, hypothesis and measure pages: they check input; measures.services writes.

Every choice list holds only the current municipality's objects (conferences, indicators,
areas, members, goals); the services check ownership again.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Municipality
from atlas_data.models import Area, Indicator, Poi
from atlas_data.selectors import areas_for, indicator_years, indicators_for
from atlas_data.selectors_pois import pois_for
from conferences.models import Conference, ConferenceMember, FieldOfAction, NeedForAction
from conferences.selectors_analysis import conferences_for
from conferences.selectors_meetings import municipality_users
from keck.locking import version_field

from . import selectors
from .models import Goal, ImpactHypothesis, Measure
from .services import MeasuresError


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text_area(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows, "cols": 70})


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()


class MeasuresForm(forms.Form):
    """Base: shows a service's refusal at the field it names."""

    def add_service_error(self, error: MeasuresError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if isinstance(obj, Area):
            return f"{obj.name} ({obj.level.name})"
        if isinstance(obj, Indicator):
            return obj.name
        if isinstance(obj, FieldOfAction):
            return f"{obj.title} ({obj.conference.name})"
        if isinstance(obj, ConferenceMember):
            return _member_label(obj)
        if isinstance(obj, get_user_model()):
            return user_label(obj)
        return str(obj)


class _NamedMultiple(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        if isinstance(obj, Area):
            return f"{obj.name} ({obj.level.name})"
        if isinstance(obj, NeedForAction):
            return f"{obj.text[:120]} ({obj.conference.name})"
        if isinstance(obj, ConferenceMember):
            return _member_label(obj)
        if isinstance(obj, Goal):
            return obj.title
        if isinstance(obj, Measure):
            return obj.title
        return str(obj)


def _member_label(member: ConferenceMember) -> str:
    details = ", ".join(part for part in (member.institution, member.conference.name) if part)
    return f"{member.name} ({details})" if details else member.name


def _conferences(user, municipality: Municipality):
    return conferences_for(user=user, municipality=municipality)


def _fields_of_action(municipality: Municipality):
    return (
        FieldOfAction.objects.filter(conference__municipality=municipality)
        .select_related("conference")
        .order_by("conference__kind", "conference__name", "priority", "title")
    )


def _members(municipality: Municipality):
    return (
        ConferenceMember.objects.filter(conference__municipality=municipality, active=True)
        .select_related("conference", "user")
        .order_by("name", "conference__name")
    )


def _areas(user, municipality: Municipality):
    # Choices name areas: their polygons (up to megabytes each) stay in the database.
    return areas_for(user=user, municipality=municipality).defer("geometry", "web_geometry")


def atlas_years(*, user, municipality: Municipality, indicators) -> list[tuple[int, int]]:
    """Every year with values of any of the indicators, newest first."""
    years: set[int] = set()
    for info in indicator_years(
        user=user, municipality=municipality, indicators=list(indicators)
    ).values():
        years |= set(info.years)
    return [(year, year) for year in sorted(years, reverse=True)]


# --------------------------------------------------------------------------------------------
# Goals

SMART_FIELDS = {
    "S": ("target_group", "areas"),
    "M": (
        "indicator",
        "measurement_area",
        "baseline_year",
        "target_value",
        "direction",
        "qualitative_criterion",
    ),
    "A": ("acceptance",),
    "R": ("realism",),
    "T": ("deadline",),
}


class GoalForm(MeasuresForm):
    version = version_field()
    conference = _Named(label=gettext_lazy("Owner conference"), queryset=Conference.objects.none())
    level = forms.ChoiceField(
        label=pgettext_lazy("goal", "Level"),
        choices=[("", gettext_lazy("as the conference: municipal or area goal"))]
        + list(Goal.Level.choices),
        required=False,
    )
    parent = _Named(
        label=gettext_lazy("Refines the municipal goal"),
        queryset=Goal.objects.none(),
        required=False,
        help_text=gettext_lazy("Only for area goals."),
    )
    field_of_action = _Named(
        label=gettext_lazy("Field of action"),
        queryset=FieldOfAction.objects.none(),
        required=False,
    )
    needs = _NamedMultiple(
        label=gettext_lazy("Needs for action it answers"),
        queryset=NeedForAction.objects.none(),
        required=False,
    )
    title = forms.CharField(
        label=gettext_lazy("Goal"),
        max_length=300,
        help_text=gettext_lazy("A state reached in the future, e.g. “Fewer children in …”."),
    )
    # S
    target_group = forms.CharField(
        label=gettext_lazy("Target group"),
        max_length=300,
        required=False,
        help_text=Goal._meta.get_field("target_group").help_text,
    )
    areas = _NamedMultiple(
        label=gettext_lazy("Areas"), queryset=Area.objects.none(), required=False
    )
    # M
    indicator = _Named(
        label=gettext_lazy("Indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=gettext_lazy("– none: qualitative goal –"),
    )
    measurement_area = _Named(
        label=gettext_lazy("Measured in area"),
        queryset=Area.objects.none(),
        required=False,
        help_text=Goal._meta.get_field("measurement_area").help_text,
    )
    baseline_year = forms.TypedChoiceField(
        label=gettext_lazy("Baseline year"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("The baseline value is taken from the atlas for this year."),
    )
    target_value = forms.FloatField(
        label=gettext_lazy("Target value"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=[("", gettext_lazy("from baseline and target"))] + list(Goal.Direction.choices),
        required=False,
    )
    qualitative_criterion = forms.CharField(
        label=gettext_lazy("Qualitative criterion"),
        required=False,
        widget=_text_area(),
        help_text=Goal._meta.get_field("qualitative_criterion").help_text,
    )
    # A, R, T
    acceptance = forms.CharField(
        label=gettext_lazy("Acceptance"),
        required=False,
        widget=_text_area(),
        help_text=Goal._meta.get_field("acceptance").help_text,
    )
    realism = forms.CharField(
        label=gettext_lazy("Realism"),
        required=False,
        widget=_text_area(),
        help_text=Goal._meta.get_field("realism").help_text,
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"), required=False, widget=_date_widget()
    )

    def __init__(self, *args, user, municipality: Municipality, goal: Goal | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["conference"].queryset = _conferences(user, municipality)
        parents = selectors.goals_for(user=user, municipality=municipality).filter(
            level=Goal.Level.MUNICIPAL
        )
        if goal is not None:
            parents = parents.exclude(pk=goal.pk)
        self.fields["parent"].queryset = parents
        self.fields["field_of_action"].queryset = _fields_of_action(municipality)
        self.fields["needs"].queryset = NeedForAction.objects.filter(
            conference__municipality=municipality
        ).select_related("conference")
        areas = _areas(user, municipality)
        self.fields["areas"].queryset = areas
        self.fields["measurement_area"].queryset = areas
        indicators = indicators_for(user=user, municipality=municipality)
        self.fields["indicator"].queryset = indicators
        self.fields["baseline_year"].choices = [("", "–")] + atlas_years(
            user=user, municipality=municipality, indicators=indicators
        )

    def smart_groups(self) -> list[tuple[str, list]]:
        """The fields of each SMART criterion, for fieldsets."""
        return [(letter, [self[name] for name in names]) for letter, names in SMART_FIELDS.items()]

    @staticmethod
    def initial_for(goal: Goal) -> dict:
        return {
            "conference": goal.conference_id,
            "level": goal.level,
            "parent": goal.parent_id,
            "field_of_action": goal.field_of_action_id,
            "needs": [need.pk for need in goal.needs.all()],
            "title": goal.title,
            "target_group": goal.target_group,
            "areas": [area.pk for area in goal.areas.all()],
            "indicator": goal.indicator_id,
            "measurement_area": goal.measurement_area_id,
            "baseline_year": goal.baseline_year,
            "target_value": goal.target_value,
            "direction": goal.direction,
            "qualitative_criterion": goal.qualitative_criterion,
            "acceptance": goal.acceptance,
            "realism": goal.realism,
            "deadline": goal.deadline,
            "version": goal.version,
        }


class GoalFilterForm(forms.Form):
    conference = _Named(
        label=gettext_lazy("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        empty_label=gettext_lazy("all"),
    )
    field_of_action = _Named(
        label=gettext_lazy("Field of action"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        empty_label=gettext_lazy("all"),
    )

    def __init__(self, *args, user, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = _conferences(user, municipality)
        self.fields["field_of_action"].queryset = _fields_of_action(municipality)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


# --------------------------------------------------------------------------------------------
# Impact hypotheses


class HypothesisForm(MeasuresForm):
    conference = _Named(label=gettext_lazy("Conference"), queryset=Conference.objects.none())
    if_text = forms.CharField(label=gettext_lazy("If we do …"), widget=_text_area())
    then_text = forms.CharField(label=gettext_lazy("then …"), widget=_text_area())
    because_text = forms.CharField(
        label=gettext_lazy("because …"), required=False, widget=_text_area()
    )
    evidence = forms.ChoiceField(
        label=pgettext_lazy("impact hypothesis", "Evidence"),
        choices=ImpactHypothesis.Evidence.choices,
        initial=ImpactHypothesis.Evidence.ASSUMPTION,
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=300,
        required=False,
        help_text=ImpactHypothesis._meta.get_field("source").help_text,
    )
    goals = _NamedMultiple(
        label=gettext_lazy("Goals"), queryset=Goal.objects.none(), required=False
    )
    measures = _NamedMultiple(
        label=gettext_lazy("Measures"), queryset=Measure.objects.none(), required=False
    )

    def __init__(self, *args, user, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = _conferences(user, municipality)
        self.fields["goals"].queryset = selectors.goals_for(user=user, municipality=municipality)
        self.fields["measures"].queryset = Measure.objects.filter(
            pk__in=selectors.measures_for(user=user, municipality=municipality).values("pk")
        ).order_by("title")

    @staticmethod
    def initial_for(hypothesis: ImpactHypothesis) -> dict:
        return {
            "conference": hypothesis.conference_id,
            "if_text": hypothesis.if_text,
            "then_text": hypothesis.then_text,
            "because_text": hypothesis.because_text,
            "evidence": hypothesis.evidence,
            "source": hypothesis.source,
            "goals": [goal.pk for goal in hypothesis.goals.all()],
            "measures": [measure.pk for measure in hypothesis.measures.all()],
        }


# --------------------------------------------------------------------------------------------
# Measures


class MeasureForm(MeasuresForm):
    version = version_field()
    conference = _Named(label=gettext_lazy("Conference"), queryset=Conference.objects.none())
    # Was?
    title = forms.CharField(label=gettext_lazy("Measure (what?)"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=_text_area()
    )
    # Wer?
    responsible_user = _Named(
        label=gettext_lazy("Responsible person"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=gettext_lazy("A user of KECK: they can record the progress themselves."),
    )
    responsible_member = _Named(
        label=gettext_lazy("or responsible conference member"),
        queryset=ConferenceMember.objects.none(),
        required=False,
    )
    responsible_institution = forms.CharField(
        label=gettext_lazy("Responsible institution"), max_length=200, required=False
    )
    # Mit wem?
    supporters = _NamedMultiple(
        label=gettext_lazy("Support by conference members"),
        queryset=ConferenceMember.objects.none(),
        required=False,
    )
    support = forms.CharField(
        label=gettext_lazy("Further support"),
        required=False,
        widget=_text_area(2),
        help_text=Measure._meta.get_field("support").help_text,
    )
    # Bis wann?
    start = forms.DateField(label=gettext_lazy("Start"), required=False, widget=_date_widget())
    deadline = forms.DateField(
        label=gettext_lazy("Deadline (by when?)"), required=False, widget=_date_widget()
    )
    # Welches Ziel?
    goals = _NamedMultiple(
        label=gettext_lazy("Goals (which goal is pursued?)"),
        queryset=Goal.objects.none(),
        required=False,
    )
    field_of_action = _Named(
        label=gettext_lazy("Field of action"),
        queryset=FieldOfAction.objects.none(),
        required=False,
    )
    areas = _NamedMultiple(
        label=gettext_lazy("Areas"), queryset=Area.objects.none(), required=False
    )
    # resources
    resources_time = forms.CharField(
        label=pgettext_lazy("resources", "Time"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("e.g. 2 hours a week, 3 afternoons"),
    )
    resources_staff = forms.CharField(
        label=gettext_lazy("Staff"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("e.g. 0.5 full-time equivalent social worker"),
    )
    resources_money = forms.DecimalField(
        label=gettext_lazy("Money (EUR)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
    )
    resources_note = forms.CharField(
        label=gettext_lazy("Notes on resources"), required=False, widget=_text_area(2)
    )
    own_contribution = forms.CharField(
        label=gettext_lazy("What the area contributes itself"),
        required=False,
        widget=_text_area(2),
    )
    continues_existing_offer = forms.BooleanField(
        label=gettext_lazy("Continues an existing offer"), required=False
    )
    existing_offer = _Named(
        label=gettext_lazy("Existing offer"), queryset=Poi.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=Measure.Status.choices, initial="planned"
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
        help_text=Measure._meta.get_field("progress").help_text,
    )

    GROUPS = (
        (gettext_lazy("What?"), ("conference", "title", "description")),
        (
            gettext_lazy("Who? With whom?"),
            (
                "responsible_user",
                "responsible_member",
                "responsible_institution",
                "supporters",
                "support",
            ),
        ),
        (
            gettext_lazy("By when? Which goal?"),
            ("start", "deadline", "goals", "field_of_action", "areas"),
        ),
        (
            gettext_lazy("Resources"),
            (
                "resources_time",
                "resources_staff",
                "resources_money",
                "resources_note",
                "own_contribution",
                "continues_existing_offer",
                "existing_offer",
            ),
        ),
        (gettext_lazy("Status"), ("status", "progress")),
    )

    def __init__(self, *args, user, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = _conferences(user, municipality)
        self.fields["responsible_user"].queryset = municipality_users(municipality=municipality)
        members = _members(municipality)
        self.fields["responsible_member"].queryset = members
        self.fields["supporters"].queryset = members
        self.fields["goals"].queryset = selectors.goals_for(user=user, municipality=municipality)
        self.fields["field_of_action"].queryset = _fields_of_action(municipality)
        self.fields["areas"].queryset = _areas(user, municipality)
        self.fields["existing_offer"].queryset = pois_for(user=user, municipality=municipality)

    def groups(self) -> list[tuple[str, list]]:
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def clean_progress(self):
        return self.cleaned_data.get("progress") or 0

    @staticmethod
    def initial_for(measure: Measure) -> dict:
        initial = {
            name: getattr(measure, name)
            for name in (
                "title",
                "description",
                "responsible_institution",
                "support",
                "start",
                "deadline",
                "resources_time",
                "resources_staff",
                "resources_money",
                "resources_note",
                "own_contribution",
                "continues_existing_offer",
                "status",
                "progress",
                "version",
            )
        }
        initial.update(
            conference=measure.conference_id,
            responsible_user=measure.responsible_user_id,
            responsible_member=measure.responsible_member_id,
            field_of_action=measure.field_of_action_id,
            existing_offer=measure.existing_offer_id,
            supporters=[member.pk for member in measure.supporters.all()],
            goals=[goal.pk for goal in measure.goals.all()],
            areas=[area.pk for area in measure.areas.all()],
        )
        return initial


class SubStepForm(MeasuresForm):
    version = version_field()
    title = forms.CharField(label=gettext_lazy("Sub-step (what exactly?)"), max_length=300)
    responsible_user = _Named(
        label=gettext_lazy("Responsible person"),
        queryset=get_user_model().objects.none(),
        required=False,
    )
    responsible_member = _Named(
        label=gettext_lazy("or conference member"),
        queryset=ConferenceMember.objects.none(),
        required=False,
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"), required=False, widget=_date_widget()
    )
    # No initial values: a blank row of the new-measure form must count as unchanged.
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"), min_value=0, max_value=100, required=False
    )
    done = forms.BooleanField(label=gettext_lazy("done"), required=False)

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = municipality_users(municipality=municipality)
        self.fields["responsible_member"].queryset = _members(municipality)

    def clean_progress(self):
        return self.cleaned_data.get("progress") or 0

    @staticmethod
    def initial_for(step) -> dict:
        return {
            "title": step.title,
            "responsible_user": step.responsible_user_id,
            "responsible_member": step.responsible_member_id,
            "deadline": step.deadline,
            "progress": step.progress,
            "done": step.done,
            "version": step.version,
        }


class BaseSubStepFormSet(forms.BaseFormSet):
    """Blank rows of the new-measure form are left out."""

    def __init__(self, *args, municipality: Municipality, **kwargs):
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"municipality": self.municipality}

    def steps(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("title")]


SubStepFormSet = forms.formset_factory(
    SubStepForm, formset=BaseSubStepFormSet, extra=3, max_num=30, absolute_max=30
)


def substep_formset(*, municipality: Municipality, data=None) -> BaseSubStepFormSet:
    return SubStepFormSet(data, prefix="steps", municipality=municipality)


class SubStepProgressForm(MeasuresForm):
    """What a sub-step's responsible person changes: its progress and whether it is done."""

    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"), min_value=0, max_value=100, required=False
    )
    done = forms.BooleanField(label=gettext_lazy("done"), required=False)
    version = version_field()


class UpdateForm(MeasuresForm):
    """A timeline entry: what happened, with status and progress then."""

    date = forms.DateField(
        label=gettext_lazy("Date"), initial=timezone.localdate, widget=_date_widget()
    )
    text = forms.CharField(label=gettext_lazy("What happened"), widget=_text_area())
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("unchanged"))] + list(Measure.Status.choices),
        required=False,
    )
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=gettext_lazy("With sub-steps, the progress is computed from them."),
    )


class ReflectionForm(MeasuresForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[("", gettext_lazy("not assessed yet"))] + list(Measure.Outcome.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    outcome_reason = forms.CharField(label=gettext_lazy("Why"), required=False, widget=_text_area())
    lessons = forms.CharField(
        label=gettext_lazy("Lessons learned"), required=False, widget=_text_area()
    )


class MeasureFilterForm(forms.Form):
    OVERDUE = "overdue"

    conference = _Named(
        label=gettext_lazy("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        empty_label=gettext_lazy("all"),
    )
    area = _Named(
        label=gettext_lazy("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("all"),
    )
    field_of_action = _Named(
        label=gettext_lazy("Field of action"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        empty_label=gettext_lazy("all"),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    mine = forms.BooleanField(label=gettext_lazy("only mine"), required=False)

    def __init__(self, *args, user, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices show names only: no prefetch of each conference's areas.
        self.fields["conference"].queryset = _conferences(user, municipality).prefetch_related(None)
        self.fields["area"].queryset = _areas(user, municipality)
        self.fields["field_of_action"].queryset = _fields_of_action(municipality)
        self.fields["status"].choices = (
            [("", gettext_lazy("all"))]
            + list(Measure.Status.choices)
            + [(self.OVERDUE, gettext_lazy("overdue"))]
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
