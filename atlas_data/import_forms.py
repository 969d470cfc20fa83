"""The upload form of the atlas import pages."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ImportRun
from .services.imports import allowed_suffixes


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What does the file contain?"),
        choices=ImportRun.Kind.choices,
        initial=ImportRun.Kind.VALUES,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "Values: CSV or Excel, a published table (key; name; one column per indicator) or "
            "a long table (area_key, indicator, year, value). Areas: Shapefile as .zip, "
            "GeoJSON, GeoPackage, or a CSV/Excel list of key and name."
        ),
    )
    level = forms.CharField(
        label=gettext_lazy("Spatial level"),
        max_length=100,
        help_text=gettext_lazy("An existing level; for areas also the name of a new level."),
        widget=forms.TextInput(attrs={"list": "keck-levels", "autocomplete": "off"}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=gettext_lazy("Needed for published tables, which name the year in the title."),
    )
    parent_level = forms.ChoiceField(
        label=gettext_lazy("Parent level (new level of areas)"), required=False
    )
    key_field = forms.CharField(
        label=gettext_lazy("Key column (areas)"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("Default: AGS, key, Schlüssel …"),
    )
    name_field = forms.CharField(
        label=gettext_lazy("Name column (areas)"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("Default: GEN, name, Gebiet …"),
    )
    layer = forms.CharField(
        label=gettext_lazy("Layer (areas)"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("For a zip or GeoPackage with several layers, e.g. VG5000_GEM."),
    )
    key_prefix = forms.CharField(
        label=gettext_lazy("Only keys starting with (areas)"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("E.g. 03460 to take the Gemeinden of one Landkreis."),
    )
    source_note = forms.CharField(
        label=gettext_lazy("Source note"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("E.g. © GeoBasis-DE / BKG 2021."),
    )

    def __init__(self, *args, level_names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.level_names = level_names
        self.fields["parent_level"].choices = [("", "—")] + [(n, n) for n in level_names]

    def clean(self):
        cleaned = super().clean()
        kind, upload, level = cleaned.get("kind"), cleaned.get("file"), cleaned.get("level")
        if upload is not None and kind:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in allowed_suffixes(kind):
                self.add_error(
                    "file",
                    _("Files of type %(suffix)s cannot be imported here. Allowed: %(allowed)s")
                    % {"suffix": suffix or "?", "allowed": ", ".join(allowed_suffixes(kind))},
                )
        if kind == ImportRun.Kind.VALUES and level and level not in self.level_names:
            self.add_error(
                "level",
                _("Values are imported into an existing level: %(levels)s")
                % {"levels": ", ".join(self.level_names) or "–"},
            )
        return cleaned

    def options(self) -> dict:
        """The options of the import service from the cleaned data."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("kind", "file") and value not in (None, "")
        }
