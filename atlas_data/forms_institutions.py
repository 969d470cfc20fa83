"""Forms of the institution-level pages: the import of institution values."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Indicator
from .services.institutions import MAX_YEAR, MIN_YEAR, TABLE_SUFFIXES


class InstitutionImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or Excel, one row per institution and year: ID or Einrichtung (and Adresse "
            "where names repeat), Jahr, Zähler and Nenner (or Wert), optionally Kennzahl."
        ),
    )
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=gettext_lazy("from the column Kennzahl"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=gettext_lazy("Only for files without a column Jahr."),
    )
    source_note = forms.CharField(
        label=gettext_lazy("Source note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("For rows without a column Quelle, e.g. the survey and its date."),
    )

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            pk__in=[indicator.pk for indicator in indicators]
        ).select_related("municipality", "topic")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in TABLE_SUFFIXES:
            raise forms.ValidationError(
                _("Unknown file type %(suffix)s: use %(allowed)s.")
                % {"suffix": suffix or "?", "allowed": ", ".join(TABLE_SUFFIXES)}
            )
        return upload
