"""Forms of the reflection-sheet pages: create a sheet, edit catalogue, section and question,
and reading a filled sheet form (one group of fields per question) from POST data."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Catalogue, Conference, ConferenceStep, Question, Session
from .services_sheets import SheetError, clean_options


class SheetCreateForm(forms.Form):
    catalogue = forms.ModelChoiceField(
        label=_("Question catalogue"), queryset=Catalogue.objects.none(), empty_label=None
    )
    cycle_number = forms.IntegerField(
        label=_("Cycle number"),
        min_value=1,
        required=False,
        help_text=_("Orders the sheets when comparing cycles, e.g. 1 for the first cycle."),
    )
    cycle_label = forms.CharField(
        label=_("Cycle"), max_length=100, required=False, help_text=_("e.g. “2025/26”")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: the catalogue's title and the cycle."),
    )
    conference = forms.ModelChoiceField(
        label=_("Conference"),
        queryset=Conference.objects.none(),
        required=False,
        help_text=_("Optional: the conference that works with the sheet."),
    )
    session = forms.ModelChoiceField(
        label=_("Conference session"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("Optional: the session in which the sheet is discussed."),
    )

    def __init__(self, *args, catalogues, conferences, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences
        self.fields["catalogue"].queryset = catalogues
        self.fields["catalogue"].label_from_instance = lambda c: (
            f"{c.title} (v{c.version})" if c.municipality_id else f"{c.title} – KECK"
        )
        self.fields["session"].queryset = sessions


class CatalogueForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    step = forms.ChoiceField(
        label=_("Conference step"),
        choices=[("", "–"), *ConferenceStep.choices],
        required=False,
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    help = forms.CharField(
        label=_("Help"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    has_yes_no = forms.BooleanField(
        label=_("Answer Yes / No / not yet discussed"), required=False, initial=True
    )
    has_explanation = forms.BooleanField(
        label=_("Explanation of content (free text)"), required=False, initial=True
    )
    explanation_label = forms.CharField(
        label=_("Label of the explanation"),
        max_length=200,
        required=False,
        help_text=_("Empty: “Explanation of content”."),
    )
    options = forms.CharField(
        label=_("Checklist options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One option per line; empty: no checklist."),
    )
    allow_other = forms.BooleanField(label=_("“Other” with free text"), required=False)

    def clean_options(self):
        try:
            return clean_options(self.cleaned_data["options"])
        except SheetError as exc:
            raise forms.ValidationError(str(exc)) from exc

    @staticmethod
    def initial_for(question: Question) -> dict:
        return {
            "text": question.text,
            "help": question.help,
            "has_yes_no": question.has_yes_no,
            "has_explanation": question.has_explanation,
            "explanation_label": question.explanation_label,
            "options": "\n".join(question.options),
            "allow_other": question.allow_other,
        }


def field_name(question: Question, part: str) -> str:
    """The name of a question's input in the sheet forms, e.g. q12-answer."""
    return f"q{question.pk}-{part}"


def versions_from_post(post, questions) -> dict[int, int]:
    """{question id: version of the answer the form was built from} (0: there was none)."""
    versions = {}
    for question in questions:
        raw = post.get(field_name(question, "version"), "")
        if raw.isdigit():
            versions[question.pk] = int(raw)
    return versions


def answers_from_post(post, questions, *, agreed: bool = False) -> dict[int, dict]:
    """{question id: answer fields} from the submitted fill or consolidation form; only the
    fields the question has (a radio group left empty counts as no answer)."""
    answers = {}
    for question in questions:
        fields = {}
        if question.has_yes_no or agreed:
            fields["answer"] = post.get(field_name(question, "answer"), "")
        if question.has_explanation:
            fields["explanation"] = post.get(field_name(question, "explanation"), "")
        if question.options:
            fields["choices"] = post.getlist(field_name(question, "choices"))
        if question.allow_other:
            fields["other_text"] = post.get(field_name(question, "other"), "")
        answers[question.pk] = fields
    return answers
