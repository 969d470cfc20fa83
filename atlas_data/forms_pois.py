"""Forms of the points-of-interest pages: filters, edit forms, import, derived indicators."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Indicator, Poi, PoiCategory, SpatialLevel
from .selectors_pois import BANDS, DEFAULT_OVERLAP, CategoryNode
from .services.pois import POI_SUFFIXES


def _category_choices(nodes: list[CategoryNode], *, empty: str | None) -> list[tuple]:
    choices = [("", empty)] if empty is not None else []
    return choices + [
        (str(node.category.pk), "\u2003" * node.depth + node.category.name) for node in nodes
    ]


class PoiFilterForm(forms.Form):
    """The filters of the POI list (GET)."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    area = forms.ChoiceField(label=gettext_lazy("Area"), required=False)
    target_age = forms.IntegerField(
        label=gettext_lazy("For children aged"), required=False, min_value=0, max_value=120
    )
    released = forms.ChoiceField(
        label=gettext_lazy("Released"),
        required=False,
        choices=[
            ("", gettext_lazy("all")),
            ("yes", gettext_lazy("released")),
            ("no", gettext_lazy("internal")),
        ],
    )

    def __init__(self, *args, nodes: list[CategoryNode], areas, internal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(nodes, empty=_("all"))
        area_choices = [("", _("all"))]
        groups: dict[str, list] = {}
        for area in areas:
            groups.setdefault(area.level.name, []).append((str(area.pk), area.name))
        area_choices += list(groups.items())
        self.fields["area"].choices = area_choices
        if not internal:
            del self.fields["released"]


def _formfield(field, **kwargs):
    """Web addresses typed without a scheme get https:// (Django 6's default already)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PoiForm(forms.ModelForm):
    class Meta:
        formfield_callback = _formfield
        model = Poi
        fields = [
            "name",
            "category",
            "provider",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "capacity",
            "opening_hours",
            "target_age_min",
            "target_age_max",
            "target_group",
            "website",
            "contact",
            "concept_notes",
            "valid_from",
            "valid_to",
            "is_released",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "concept_notes": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "any"}),
            "longitude": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "latitude": gettext_lazy("WGS 84 in degrees, e.g. 52.7301; or click on the map."),
            "longitude": gettext_lazy("WGS 84 in degrees, e.g. 8.2869."),
            "target_age_max": gettext_lazy("Up to under this age: 0 to 6 = not yet 6."),
            "target_group": gettext_lazy(
                "Free text, e.g. “Familien mit Kleinkindern” or “Senioren”: families and seniors "
                "are recognised by these words."
            ),
        }

    def __init__(self, *args, nodes: list[CategoryNode], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = PoiCategory.objects.filter(pk__in=[node.category.pk for node in nodes])
        field.choices = _category_choices(nodes, empty="—")


class CategoryForm(forms.ModelForm):
    class Meta:
        model = PoiCategory
        fields = ["name", "code", "parent", "icon", "color", "order"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}
        help_texts = {
            "code": gettext_lazy("Short name for imports and the API, e.g. kita."),
            "icon": gettext_lazy("One or two characters shown in the map marker, e.g. K."),
            "order": gettext_lazy("Smaller numbers come first."),
        }

    def __init__(self, *args, nodes: list[CategoryNode], **kwargs):
        super().__init__(*args, **kwargs)
        own = self.instance.pk
        allowed = [node for node in nodes if node.category.pk != own]
        field = self.fields["parent"]
        field.queryset = PoiCategory.objects.filter(pk__in=[n.category.pk for n in allowed])
        field.choices = _category_choices(allowed, empty="—")
        self.fields["icon"].widget.attrs["maxlength"] = 2


class PoiImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV or Excel with name, category and coordinates (latitude/longitude, or x/y with a "
            "coordinate reference system), or GeoJSON/GeoPackage with points."
        ),
    )
    crs = forms.CharField(
        label=gettext_lazy("Coordinate reference system of x/y"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Only for x/y columns without a crs column, e.g. EPSG:25832 (UTM 32N) or "
            "EPSG:31467 (Gauß-Krüger 3)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in POI_SUFFIXES:
            raise forms.ValidationError(
                _("Files of type %(suffix)s cannot be imported here. Allowed: %(allowed)s")
                % {"suffix": suffix or "?", "allowed": ", ".join(POI_SUFFIXES)}
            )
        return upload


class DerivedIndicatorsForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=1900,
        max_value=2100,
        help_text=gettext_lazy("Offers that exist on 31 December of the year are counted."),
    )
    denominator = forms.ModelChoiceField(
        label=gettext_lazy("Places per 100 of (optional)"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "A count indicator of the age group, e.g. children under 6 for Kita places."
        ),
    )

    def __init__(self, *args, nodes: list[CategoryNode], denominators, **kwargs):
        super().__init__(*args, **kwargs)
        self.nodes = {str(node.category.pk): node.category for node in nodes}
        self.fields["category"].choices = _category_choices(nodes, empty=None)
        self.fields["denominator"].queryset = denominators
        self.fields["denominator"].empty_label = "—"
        self.fields["year"].initial = timezone.localdate().year

    def clean_category(self):
        return self.nodes[self.cleaned_data["category"]]


class AnalysisForm(forms.Form):
    level = forms.ModelChoiceField(
        label=gettext_lazy("Spatial level"), queryset=SpatialLevel.objects.none(), required=False
    )
    band = forms.ChoiceField(
        label=gettext_lazy("Target group on the map"),
        choices=[(band.code, band.label) for band in BANDS],
        required=False,
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Overlap from … offers"),
        min_value=2,
        max_value=50,
        required=False,
        initial=DEFAULT_OVERLAP,
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        self.fields["level"].to_field_name = "slug"
        self.fields["level"].empty_label = None
