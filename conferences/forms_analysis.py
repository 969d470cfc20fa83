"""Forms of the analysis pages: they check input; services_analysis does the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from atlas_data.models import Area, Bookmark, Indicator, SpatialLevel
from atlas_data.selectors import indicator_years, indicators_for

from . import selectors_analysis
from .models import Conference, Finding, Prioritisation, PrioritisationIndicator, SwotEntry
from .models.analysis import Priority
from .services_analysis import DEFAULT_K, DEFAULT_TOP, MAX_TOP, AnalysisError


class AnalysisForm(forms.Form):
    """Base: shows a service's refusal at the field it names."""

    def add_service_error(self, error: AnalysisError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class _AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, area):
        return area.name


class _IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, indicator):
        return indicator.name


def _years(*, user, municipality, indicators) -> list[tuple[int, int]]:
    years = set()
    for info in indicator_years(
        user=user, municipality=municipality, indicators=list(indicators)
    ).values():
        years |= set(info.years)
    return [(year, year) for year in sorted(years, reverse=True)]


class SwotEntryForm(AnalysisForm):
    quadrant = forms.ChoiceField(
        label=gettext_lazy("Quadrant"), choices=SwotEntry.Quadrant.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 3, "cols": 70})
    )
    area = _AreaChoice(
        label=gettext_lazy("SWOT of"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("the whole conference"),
    )
    evidence_kind = forms.ChoiceField(
        label=gettext_lazy("Knowledge it rests on"),
        choices=SwotEntry.Evidence.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    indicator = _IndicatorChoice(
        label=gettext_lazy("Indicator"), queryset=Indicator.objects.none(), required=False
    )
    evidence_area = _AreaChoice(
        label=gettext_lazy("Area of the value"), queryset=Area.objects.none(), required=False
    )
    evidence_year = forms.TypedChoiceField(
        label=gettext_lazy("Year of the value"), coerce=int, required=False, empty_value=None
    )
    bookmark = forms.ModelChoiceField(
        label=gettext_lazy("or a bookmark"),
        queryset=Bookmark.objects.none(),
        required=False,
        help_text=gettext_lazy("A saved view of the atlas that shows the point."),
    )
    evidence_note = forms.CharField(
        label=gettext_lazy("Source of the knowledge"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 70}),
        help_text=gettext_lazy(
            "Who knows it, from where: e.g. walk through the neighbourhood, talks with Kita "
            "staff, the family centre's list of offers."
        ),
    )
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args, user, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = conference.municipality
        areas = selectors_analysis.swot_areas(conference=conference)
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by(
            "key"
        )
        indicators = indicators_for(user=user, municipality=municipality)
        self.fields["indicator"].queryset = indicators
        self.fields["evidence_area"].queryset = (
            Area.objects.filter(municipality=municipality)
            .select_related("level")
            .order_by("level__depth", "key")
        )
        self.fields["evidence_year"].choices = [("", "–")] + _years(
            user=user, municipality=municipality, indicators=indicators
        )
        self.fields["bookmark"].queryset = selectors_analysis.bookmarks_for_evidence(
            user=user, municipality=municipality
        )

    @staticmethod
    def initial_for(entry: SwotEntry) -> dict:
        return {
            "quadrant": entry.quadrant,
            "text": entry.text,
            "area": entry.area_id,
            "evidence_kind": entry.evidence_kind,
            "indicator": entry.indicator_id,
            "evidence_area": entry.evidence_area_id,
            "evidence_year": entry.evidence_year,
            "bookmark": entry.bookmark_id,
            "evidence_note": entry.evidence_note,
            "order": entry.order,
        }


class ProposeFindingsForm(AnalysisForm):
    level = forms.ModelChoiceField(label=gettext_lazy("Spatial level"), queryset=None)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indicators"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Look for"),
        choices=Finding.Kind.choices,
        initial=list(Finding.Kind.values),
        widget=forms.CheckboxSelectMultiple,
    )
    k = forms.DecimalField(
        label=gettext_lazy("Deviation of more than … standard deviations"),
        initial=DEFAULT_K,
        min_value=0.1,
        max_value=5,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy(
            "Compared with the municipality's reference value; the standard deviation is taken "
            "over the visible values of the level's areas."
        ),
    )
    top = forms.IntegerField(
        label=gettext_lazy("Largest changes: number of areas"),
        initial=DEFAULT_TOP,
        min_value=1,
        max_value=MAX_TOP,
        help_text=gettext_lazy(
            "The areas whose value changed most since the previous year (shares in percentage "
            "points); areas tied at the cut are all proposed."
        ),
    )

    def __init__(self, *args, user, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = conference.municipality
        self.fields["level"].queryset = SpatialLevel.objects.filter(
            municipality=municipality, depth__gt=0
        ).order_by("depth")
        self.fields["level"].initial = self.fields["level"].queryset.first()
        indicators = indicators_for(user=user, municipality=municipality)
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda indicator: indicator.name
        choices = _years(user=user, municipality=municipality, indicators=indicators)
        self.fields["year"].choices = choices
        if choices:
            self.fields["year"].initial = choices[0][0]


class FindingTextForm(AnalysisForm):
    text = forms.CharField(
        label=gettext_lazy("Text of the finding"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


class _Checkboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        if isinstance(obj, Finding):
            return obj.current_text
        if isinstance(obj, SwotEntry):
            return f"{obj.get_quadrant_display()}: {obj.text}"
        return str(obj)


class NeedForm(AnalysisForm):
    text = forms.CharField(
        label=gettext_lazy("Need for action"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )
    area = _AreaChoice(
        label=gettext_lazy("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("the whole conference"),
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.MEDIUM,
        widget=forms.RadioSelect,
    )
    room_for_manoeuvre = forms.CharField(
        label=gettext_lazy("Room for manoeuvre"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text=gettext_lazy(
            "What can the municipality and the conference influence, with which means?"
        ),
    )
    findings = _Checkboxes(
        label=gettext_lazy("Findings it rests on"), queryset=Finding.objects.none(), required=False
    )
    swot_entries = _Checkboxes(
        label=gettext_lazy("SWOT entries it rests on"),
        queryset=SwotEntry.objects.none(),
        required=False,
    )

    def __init__(self, *args, user, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            pk__in=[a.pk for a in selectors_analysis.swot_areas(conference=conference)]
        ).order_by("key")
        self.fields["findings"].queryset = selectors_analysis.findings_for(
            user=user, conference=conference, state=Finding.State.ACCEPTED
        )
        self.fields["swot_entries"].queryset = selectors_analysis.swot_entries_for(
            user=user, conference=conference, all_areas=True
        )


class FieldOfActionForm(AnalysisForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.MEDIUM,
        widget=forms.RadioSelect,
    )
    derived_from = forms.ModelChoiceField(
        label=gettext_lazy("Derived from the municipal field of action"),
        queryset=None,
        required=False,
        help_text=gettext_lazy(
            "The field of action of the social planning conference that this area concretises."
        ),
    )
    needs = _Checkboxes(
        label=gettext_lazy("Needs for action it answers"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, user, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        if conference.kind == Conference.Kind.AREA:
            self.fields["derived_from"].queryset = selectors_analysis.municipal_fields(
                user=user, municipality=conference.municipality
            )
            self.fields["derived_from"].label_from_instance = lambda item: (
                f"{item.title} ({item.conference.name})"
            )
        else:
            del self.fields["derived_from"]
        self.fields["needs"].queryset = selectors_analysis.needs_for(
            user=user, conference=conference
        )


class PrioritisationForm(AnalysisForm):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Empty: “Prioritisation of the <level> <year>”."),
    )
    level = forms.ModelChoiceField(label=gettext_lazy("Spatial level"), queryset=None)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=Prioritisation.Method.choices,
        initial=Prioritisation.Method.ZSCORES,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "z-scores: how many standard deviations an area lies above or below the mean, turned "
            "towards need, weighted and averaged (higher = more need). Ranks: each indicator's "
            "rank (1 = highest need), weighted and averaged (lower = more need)."
        ),
    )

    def __init__(self, *args, user, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = conference.municipality
        self.fields["level"].queryset = SpatialLevel.objects.filter(
            municipality=municipality, depth__gt=0
        ).order_by("depth")
        self.fields["level"].initial = self.fields["level"].queryset.first()
        indicators = indicators_for(user=user, municipality=municipality)
        choices = _years(user=user, municipality=municipality, indicators=indicators)
        self.fields["year"].choices = choices
        if choices:
            self.fields["year"].initial = choices[0][0]


class PrioritisationInputForm(forms.Form):
    indicator = _IndicatorChoice(label=gettext_lazy("Indicator"), queryset=None, required=False)
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"),
        initial=1,
        min_value=0.01,
        max_value=100,
        decimal_places=2,
        localize=True,
        required=False,
        widget=forms.TextInput(attrs={"size": 5, "inputmode": "decimal"}),
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=PrioritisationIndicator.Direction.choices,
        required=False,
    )

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class BaseInputFormSet(forms.BaseFormSet):
    def __init__(self, *args, indicators, **kwargs):
        self.indicators = indicators
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"indicators": self.indicators}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            indicators=self.indicators,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def chosen(self) -> list[dict]:
        """The rows with an indicator (blank rows are left out)."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("indicator") is not None
        ]


InputFormSet = forms.formset_factory(
    PrioritisationInputForm, formset=BaseInputFormSet, extra=0, max_num=20, absolute_max=20
)
INPUT_ROWS = 6


def input_formset(*, user, conference: Conference, data=None, initial=None) -> BaseInputFormSet:
    indicators = indicators_for(user=user, municipality=conference.municipality)
    initial = list(initial or [])
    initial += [{"weight": 1}] * max(INPUT_ROWS - len(initial), 2)
    return InputFormSet(data, initial=initial, prefix="inputs", indicators=indicators)
