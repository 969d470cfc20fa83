"""Forms of the reports page: the measure plan filter, the interim report, the Word template."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference

from ..models import ReportRun


class PlanFilterForm(forms.Form):
    conference = forms.ModelChoiceField(
        label=_("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        empty_label=_("all conferences"),
    )

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences


class InterimReportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ReportRun.Format.choices,
        initial=ReportRun.Format.PDF,
        widget=forms.RadioSelect,
    )
    conference = forms.ModelChoiceField(
        label=_("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        empty_label=_("all conferences"),
        help_text=_("Only the goals and measures of one conference."),
    )
    maps = forms.MultipleChoiceField(
        label=_("Atlas maps"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The indicators of the goals in their latest year; one page each."),
    )

    def __init__(self, *args, conferences, map_choices, **kwargs):
        # Its own ids: the measure plan's filter on the same page has a conference field too.
        kwargs.setdefault("auto_id", "interim_%s")
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences
        self.fields["maps"].choices = [(choice.key, choice.label) for choice in map_choices]
        self.fields["maps"].initial = [choice.key for choice in map_choices]


class TemplateForm(forms.Form):
    file = forms.FileField(
        label=_("Word template (.docx)"),
        help_text=_(
            "Start from the default template, change layout, logo and texts in Word and keep "
            "the tags in curly braces."
        ),
    )
