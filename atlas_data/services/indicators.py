"""Creating indicators and changing their metadata, with history (who changed what, when)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, require

from ..models import Indicator, SpatialLevel, Topic
from .errors import AtlasError
from .release import topic_of

# The metadata a data admin edits; everything else (municipality, catalogue code, creation
# time) is set by the system.
METADATA_FIELDS = (
    "topic",
    "name",
    "short_name",
    "definition",
    "unit",
    "kind",
    "rate_base",
    "decimals",
    "data_source",
    "data_holder",
    "reference_date",
    "polarity",
    "interpretation",
    "limitations",
    "numerator_definition",
    "denominator_definition",
    "update_rhythm",
    "contact",
    "link",
    "relevant_for",
    "size_reference",
    "observation_unit",
    "institution_category",
)


def _check(
    *, municipality: Municipality, data: Mapping, levels: list[SpatialLevel] | None, pk=None
) -> None:
    topic = data.get("topic")
    if topic is not None and topic.municipality_id != municipality.pk:
        raise AtlasError(_("The topic belongs to another municipality."))
    if levels is not None and any(level.municipality_id != municipality.pk for level in levels):
        raise AtlasError(_("A spatial level belongs to another municipality."))
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise AtlasError(_("An indicator needs a name."))
    clash = Indicator.objects.filter(municipality=municipality, name__iexact=name).exclude(pk=pk)
    if clash.exists():
        raise AtlasError(_("Another indicator is already called “%(name)s”.") % {"name": name})
    if data.get("kind") is not None and data["kind"] not in Indicator.Kind.values:
        raise AtlasError(_("Unknown kind %(kind)s.") % {"kind": data["kind"]})
    if data.get("polarity") not in (None, "", *Indicator.Polarity.values):
        raise AtlasError(_("Unknown polarity %(polarity)s.") % {"polarity": data["polarity"]})
    unit = data.get("observation_unit")
    if unit not in (None, *Indicator.ObservationUnit.values):
        raise AtlasError(_("Unknown observation unit %(unit)s.") % {"unit": unit})
    if pk is not None and unit is not None:
        _check_observation_unit(pk=pk, unit=unit)
    category = data.get("institution_category")
    if category is not None:
        _check_institution_category(municipality=municipality, pk=pk, unit=unit, category=category)


def _check_institution_category(*, municipality, pk, unit, category) -> None:
    """The category of the reporting institutions: the municipality's own, for values per
    institution only, and no stored value of an institution of another category."""
    from ..models import InstitutionValue
    from .institutions import category_ids

    if category.municipality_id != municipality.pk:
        raise AtlasError(_("The category belongs to another municipality."))
    if unit != Indicator.ObservationUnit.INSTITUTION:
        raise AtlasError(
            _(
                "Only an indicator with values per institution has a category of institutions: "
                "choose “values per: institutions” or leave the category empty."
            )
        )
    if pk is None:
        return
    others = (
        InstitutionValue.objects.filter(indicator_id=pk)
        .exclude(poi__category_id__in=category_ids(category))
        .values_list("poi__name", flat=True)
        .distinct()
        .order_by("poi__name")
    )
    names = list(others[:6])
    if names:
        raise AtlasError(
            _(
                "The indicator has values of institutions of other categories (%(names)s): "
                "remove them first or choose a category that contains them."
            )
            % {"names": ", ".join(names[:5]) + (", …" if len(names) > 5 else "")}
        )


def _check_observation_unit(*, pk: int, unit: str) -> None:
    """The observation unit may change only while it decides nothing: an indicator per area
    with area values would have them replaced by the roll-up of its (missing) institution
    values, and institution values of an indicator per area would never reach a map."""
    from ..models import InstitutionValue, Value

    current = Indicator.objects.filter(pk=pk).values_list("observation_unit", flat=True).first()
    if current is None or current == unit:
        return
    if (
        unit == Indicator.ObservationUnit.INSTITUTION
        and Value.objects.filter(indicator_id=pk).exists()
    ):
        raise AtlasError(
            _(
                "The indicator already has values per area, so its values cannot become values "
                "per institution. Create a new indicator for the institutions' values."
            )
        )
    if InstitutionValue.objects.filter(indicator_id=pk).exists():
        raise AtlasError(
            _(
                "The indicator has values per institution; remove them first (import “–” as "
                "their value) before it takes values per area."
            )
        )


def _topic_code(topic: Topic | None) -> str:
    return topic.code if topic is not None else ""


@transaction.atomic
def create_indicator(
    *,
    user,
    municipality: Municipality,
    data: Mapping,
    valid_levels: Iterable[SpatialLevel] = (),
) -> Indicator:
    """A new indicator with its metadata; a data admin limited to topics creates in those only."""
    require(user, Action.EDIT_ATLAS_DATA, municipality, topic=_topic_code(data.get("topic")))
    levels = list(valid_levels)
    _check(municipality=municipality, data=data, levels=levels)
    indicator = Indicator(municipality=municipality)
    for name in METADATA_FIELDS:
        if name in data:
            setattr(indicator, name, _clean(name, data[name]))
    indicator._history_user = user
    indicator.save()
    if levels:
        Indicator.valid_levels.through.objects.bulk_create(
            Indicator.valid_levels.through(indicator_id=indicator.pk, spatiallevel_id=level.pk)
            for level in levels
        )
        # A second history row records the levels (the first was written before they could be).
        indicator._history_user = user
        indicator.save()
    return indicator


@transaction.atomic
def update_indicator(
    *,
    user,
    indicator: Indicator,
    data: Mapping,
    valid_levels: Iterable[SpatialLevel] | None = None,
) -> list[str]:
    """Change an indicator's metadata; returns the names of the fields that changed.

    The data admin needs the right to edit both the indicator's topic and a new topic. Every
    change is one history row with the old values (the valid levels included); an edit that
    changes nothing writes nothing.
    """
    municipality = indicator.municipality
    require(user, Action.EDIT_ATLAS_DATA, municipality, topic=topic_of(indicator))
    if "topic" in data:
        require(user, Action.EDIT_ATLAS_DATA, municipality, topic=_topic_code(data["topic"]))
    levels = None if valid_levels is None else list(valid_levels)
    merged = {name: data.get(name, getattr(indicator, name)) for name in METADATA_FIELDS}
    _check(municipality=municipality, data=merged, levels=levels, pk=indicator.pk)
    changed = []
    for name in METADATA_FIELDS:
        if name not in data:
            continue
        value = _clean(name, data[name])
        if getattr(indicator, name) != value:
            setattr(indicator, name, value)
            changed.append(name)
    through = Indicator.valid_levels.through
    if levels is not None:
        current = set(
            through.objects.filter(indicator_id=indicator.pk).values_list(
                "spatiallevel_id", flat=True
            )
        )
        wanted = {level.pk for level in levels}
        if current != wanted:
            # Through the table itself, so that the levels and the fields change in one
            # history row (the m2m signal would write one row per add and per remove).
            through.objects.filter(indicator_id=indicator.pk).exclude(
                spatiallevel_id__in=wanted
            ).delete()
            through.objects.bulk_create(
                through(indicator_id=indicator.pk, spatiallevel_id=pk)
                for pk in sorted(wanted - current)
            )
            changed.append("valid_levels")
            if hasattr(indicator, "_prefetched_objects_cache"):
                indicator._prefetched_objects_cache.pop("valid_levels", None)
    if changed:
        indicator._history_user = user
        indicator.save()
    return changed


def _clean(name: str, value):
    if isinstance(value, str):
        value = value.strip()
        if name in ("name", "short_name", "unit"):
            value = " ".join(value.split())
    return value
