"""The filters of the leadership dashboard (page and API): conference, area, field of action,
each limited to the current municipality, and the time from which changes are shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from atlas_data.models import Area
from conferences.models import Conference, FieldOfAction

from . import selectors_dashboard as selectors


class _Choice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "name", None) or getattr(obj, "title", str(obj))


class _FieldChoice(forms.ModelChoiceField):
    def label_from_instance(self, field_of_action):
        return f"{field_of_action.title} · {field_of_action.conference.name}"


class DashboardFilterForm(forms.Form):
    conference = _Choice(
        label=gettext_lazy("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        empty_label=gettext_lazy("all conferences"),
    )
    area = _Choice(
        label=gettext_lazy("Area"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=gettext_lazy("all areas"),
    )
    field_of_action = _FieldChoice(
        label=gettext_lazy("Field of action"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        empty_label=gettext_lazy("all fields of action"),
    )
    since = forms.DateTimeField(
        label=gettext_lazy("Changes since"),
        required=False,
        widget=forms.HiddenInput,
        help_text=gettext_lazy("ISO 8601 time, e.g. 2025-03-01T08:00:00+01:00"),
    )

    def __init__(self, data=None, *, municipality, any_area: bool = False, **kwargs):
        """`any_area`: accept every area of the municipality (the API), not only those that
        goals, measures or conferences refer to (the choices of the page)."""
        super().__init__(data, **kwargs)
        self.fields["conference"].queryset = selectors.filter_conferences(municipality)
        self.fields["area"].queryset = (
            Area.objects.filter(municipality=municipality)
            if any_area
            else selectors.filter_areas(municipality)
        )
        self.fields["field_of_action"].queryset = selectors.filter_fields_of_action(municipality)

    def filters(self) -> selectors.Filters:
        """The chosen filters; call after `is_valid()`."""
        data = self.cleaned_data
        return selectors.Filters(
            conference=data.get("conference"),
            area=data.get("area"),
            field_of_action=data.get("field_of_action"),
        )
