"""Forms of the bookmark and indicator pages: they check input; the services do the writing."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import Action, can
from keck.locking import version_field

from .models import Area, Bookmark, Indicator, PoiCategory, SpatialLevel, Topic, Value
from .services.bookmarks import BookmarkError, state_query, validate_state
from .services.indicators import METADATA_FIELDS
from .services.release import MANDATORY_FIELDS

# --- bookmarks ---------------------------------------------------------------------------------


class BookmarkForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=Bookmark._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    interpretation = forms.CharField(
        label=gettext_lazy("Interpretation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        help_text=gettext_lazy(
            "What does the view show, what stands out, what follows from it? Published "
            "bookmarks show this text to the public."
        ),
    )
    view = forms.ChoiceField(
        label=gettext_lazy("View"),
        choices=Bookmark.View.choices,
        initial=Bookmark.View.MAP,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Which part the bookmark opens."),
    )
    state = forms.CharField(
        label=gettext_lazy("View parameters"),
        required=False,
        max_length=4000,
        widget=forms.TextInput(attrs={"size": 80, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "The query of the view's address, e.g. level=gemeinden&indicator=4&year=2015. "
            "Taken over from the view you saved."
        ),
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    def clean(self):
        cleaned = super().clean()
        if "view" in cleaned and "state" in cleaned:
            try:
                cleaned["state"] = validate_state(
                    municipality=self.municipality,
                    state=cleaned["state"],
                    view=cleaned["view"],
                )
            except BookmarkError as exc:
                self.add_error("state", str(exc))
        return cleaned

    @classmethod
    def initial_for(cls, bookmark: Bookmark) -> dict:
        return {
            "title": bookmark.title,
            "interpretation": bookmark.interpretation,
            "view": bookmark.view,
            "state": state_query(bookmark.state or {}),
        }


class BookmarkFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("all", gettext_lazy("All I may see")),
            ("own", gettext_lazy("My bookmarks")),
            ("published", gettext_lazy("Published")),
            ("drafts", gettext_lazy("Not published")),
        ],
    )
    view = forms.ChoiceField(
        label=gettext_lazy("View"),
        required=False,
        choices=[("", gettext_lazy("All views")), *Bookmark.View.choices],
    )
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)


# --- indicator metadata ------------------------------------------------------------------------

OPTIONAL_FIELDS = tuple(
    name for name in (*METADATA_FIELDS, "valid_levels") if name not in MANDATORY_FIELDS
)
_TEXTAREAS = ("definition", "interpretation", "limitations")


class _IndicatorFormBase(forms.Form):
    """The metadata of an indicator; mandatory fields (for release) may stay empty in drafts."""

    mandatory = ("topic", *MANDATORY_FIELDS)
    optional = tuple(name for name in OPTIONAL_FIELDS if name != "topic")

    def __init__(self, *args, user, municipality, indicator: Indicator | None = None, **kwargs):
        if indicator is not None and "initial" not in kwargs:
            initial = model_to_dict(indicator, fields=[*METADATA_FIELDS])
            initial["valid_levels"] = [level.pk for level in indicator.valid_levels.all()]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        topics = Topic.objects.filter(municipality=municipality).order_by("order", "name")
        allowed = [
            t.pk for t in topics if can(user, Action.EDIT_ATLAS_DATA, municipality, topic=t.code)
        ]
        self.fields["topic"].queryset = topics.filter(pk__in=allowed)
        self.fields["topic"].required = not can(
            user, Action.EDIT_ATLAS_DATA, municipality, topic=""
        )
        self.fields["valid_levels"].queryset = SpatialLevel.objects.filter(
            municipality=municipality
        ).order_by("depth")
        for name, field in self.fields.items():
            if name in MANDATORY_FIELDS and name not in ("name", "kind"):
                field.required = False  # drafts may be incomplete; release checks them
                field.widget.attrs["data-mandatory"] = "true"
        # Forms and clients that do not know the choice keep the atlas' usual case.
        self.fields["observation_unit"].required = False
        self.fields["institution_category"].queryset = PoiCategory.objects.filter(
            municipality=municipality
        ).order_by("order", "name")
        self.fields["institution_category"].empty_label = gettext_lazy("Every category")

    def clean_observation_unit(self):
        return self.cleaned_data.get("observation_unit") or Indicator.ObservationUnit.AREA

    def metadata(self) -> dict:
        return {name: self.cleaned_data[name] for name in METADATA_FIELDS}

    def grouped(self) -> list[tuple[str, list]]:
        return [
            (_("Topic and mandatory metadata"), [self[name] for name in self.mandatory]),
            (_("Further metadata"), [self[name] for name in self.optional]),
        ]


def _indicator_fields() -> dict:
    fields = fields_for_model(
        Indicator,
        fields=[*METADATA_FIELDS, "valid_levels"],
        widgets={
            **{name: forms.Textarea(attrs={"rows": 3, "cols": 70}) for name in _TEXTAREAS},
            "valid_levels": forms.CheckboxSelectMultiple,
            "polarity": forms.RadioSelect,
            "observation_unit": forms.RadioSelect,
        },
        help_texts={
            "observation_unit": gettext_lazy(
                "Institutions: the values belong to points of interest (e.g. the results of a "
                "structured observation per Kita, with numerator and denominator). They are "
                "imported on the page “Import institution values” and rolled up to the areas the "
                "institutions lie in, weighted by their denominators."
            ),
        },
    )
    fields["polarity"].choices = [("", gettext_lazy("Not decided yet"))] + list(
        Indicator.Polarity.choices
    )
    return fields


IndicatorForm = type("IndicatorForm", (_IndicatorFormBase,), _indicator_fields())


# --- value correction --------------------------------------------------------------------------


class ValueCorrectionForm(forms.Form):
    ACTIONS = (
        ("value", gettext_lazy("Store this value")),
        ("source_suppressed", gettext_lazy("The source delivered “k. A.”")),
        ("remove", gettext_lazy("Remove the value (no value: “–”)")),
    )
    area = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=Area.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1900, max_value=2100)
    action = forms.ChoiceField(
        label=gettext_lazy("Correction"), choices=ACTIONS, initial="value", widget=forms.RadioSelect
    )
    value = forms.FloatField(label=gettext_lazy("Value"), required=False, localize=True)
    numerator = forms.FloatField(label=gettext_lazy("Numerator"), required=False, localize=True)
    denominator = forms.FloatField(label=gettext_lazy("Denominator"), required=False, localize=True)
    source_note = forms.CharField(
        label=gettext_lazy("Source note"),
        required=False,
        max_length=Value._meta.get_field("source_note").max_length,
        help_text=gettext_lazy("Where the corrected number comes from."),
    )
    # The version of the value the form was filled with (keck.locking), and for which area and
    # year: choosing another area in the form must not compare against this version.
    version = version_field()
    version_for = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["area"].queryset = (
            Area.objects.filter(municipality=municipality)
            .select_related("level")
            .order_by("level__depth", "name")
        )
        self.fields["area"].label_from_instance = lambda area: f"{area.name} ({area.level.name})"
        if indicator.is_count:
            del self.fields["numerator"]
            del self.fields["denominator"]

    def clean(self):
        cleaned = super().clean()
        incomplete = cleaned.get("numerator") is None or cleaned.get("denominator") is None
        if cleaned.get("action") == "value" and cleaned.get("value") is None and incomplete:
            self.add_error("value", _("Give the value, or numerator and denominator."))
        return cleaned

    @staticmethod
    def cell_key(area_id, year) -> str:
        return f"{area_id}-{year}"

    def read_version(self) -> int | None:
        """The version the user read of the value now chosen; None when the form was filled
        for another area or year (then the save is not checked)."""
        data = self.cleaned_data
        if data.get("area") is None or data.get("version") is None:
            return None
        if data.get("version_for") != self.cell_key(data["area"].pk, data.get("year")):
            return None
        return data["version"]
