"""Adopting the starter catalogue: a municipality gets its topics and indicators in one action."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Municipality
from accounts.permissions import Action, can, require

from ..catalogue import ENTRIES, ENTRIES_BY_CODE, TOPICS_BY_CODE, CatalogueEntry
from ..models import Indicator, Topic
from .errors import AtlasError

# Metadata an adoption fills in where the municipality left it empty; what it already wrote
# is never overwritten.
_TEXT_FIELDS = {
    "short_name": "short_name",
    "definition": "definition",
    "unit": "unit",
    "data_source": "data_source",
    "data_holder": "data_holder",
    "reference_date": "reference_date",
    "polarity": "polarity",
    "numerator_definition": "numerator",
    "denominator_definition": "denominator",
    "update_rhythm": "update_rhythm",
    "interpretation": "interpretation",
    "limitations": "limitations",
    "size_reference": "size_reference",
}


@dataclass
class Adoption:
    """What an adoption did, by indicator name."""

    created: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # existing indicators now tied to an entry
    completed: list[str] = field(default_factory=list)  # already tied, empty fields filled in
    unchanged: list[str] = field(default_factory=list)
    # Entries of topics the data admin may not edit, or whose name another indicator uses.
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def adopt_catalogue(
    *, municipality: Municipality, user, codes: list[str] | None = None
) -> Adoption:
    """Create the catalogue's topics and indicators (all, or those in `codes`).

    Idempotent: an indicator that already carries the entry's code, or has its name (or a
    name under which tables publish it, e.g. from an import), is completed where empty instead
    of duplicated. A data admin limited to topics adopts only the entries of those topics.
    """
    require(user, Action.EDIT_ATLAS_DATA, municipality)
    if codes is None:
        entries = list(ENTRIES)
    else:
        unknown = [code for code in codes if code not in ENTRIES_BY_CODE]
        if unknown:
            raise AtlasError(
                _("Unknown catalogue entries: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        entries = [ENTRIES_BY_CODE[code] for code in dict.fromkeys(codes)]

    result = Adoption()
    allowed = []
    for entry in entries:
        if can(user, Action.EDIT_ATLAS_DATA, municipality, topic=entry.topic):
            allowed.append(entry)
        else:
            result.skipped.append(entry.name)

    topics = _ensure_topics(municipality=municipality, codes={e.topic for e in allowed})
    existing = list(Indicator.objects.filter(municipality=municipality))
    by_code = {i.catalogue_code: i for i in existing if i.catalogue_code}
    by_name = {i.name.casefold(): i for i in existing}
    for entry in allowed:
        indicator = by_code.get(entry.code) or _by_any_name(by_name, entry)
        if indicator is None and entry.name.casefold() in by_name:
            result.skipped.append(entry.name)
            continue
        if indicator is None:
            indicator = _new_indicator(municipality=municipality, entry=entry)
            indicator.topic = topics[entry.topic]
            indicator._history_user = user
            indicator.save()
            by_name[indicator.name.casefold()] = indicator
            result.created.append(indicator.name)
            continue
        changed = _complete(indicator, entry=entry, topic=topics[entry.topic])
        if changed:
            indicator._history_user = user
            indicator.save()
            (result.linked if "catalogue_code" in changed else result.completed).append(
                indicator.name
            )
        else:
            result.unchanged.append(indicator.name)
    return result


def _ensure_topics(*, municipality: Municipality, codes: set[str]) -> dict[str, Topic]:
    topics = {t.code: t for t in Topic.objects.filter(municipality=municipality, code__in=codes)}
    for code in sorted(codes - set(topics)):
        spec = TOPICS_BY_CODE[code]
        topics[code] = Topic.objects.create(
            municipality=municipality, code=spec.code, name=spec.name, order=spec.order
        )
    return topics


def _by_any_name(by_name: dict[str, Indicator], entry: CatalogueEntry) -> Indicator | None:
    for name in (entry.name, *entry.aliases):
        indicator = by_name.get(name.casefold())
        if indicator is not None and not indicator.catalogue_code:
            return indicator
    return None


def _new_indicator(*, municipality: Municipality, entry: CatalogueEntry) -> Indicator:
    indicator = Indicator(
        municipality=municipality,
        name=entry.name,
        kind=entry.kind,
        rate_base=entry.rate_base,
        decimals=entry.decimals,
        catalogue_code=entry.code,
    )
    for model_field, entry_field in _TEXT_FIELDS.items():
        setattr(indicator, model_field, getattr(entry, entry_field))
    return indicator


def _complete(indicator: Indicator, *, entry: CatalogueEntry, topic: Topic) -> list[str]:
    """Fill the empty metadata of an existing indicator from the entry; returns the fields set.

    Kind, rate base and decimals stay as they are: they describe the values already stored.
    """
    changed = []
    if not indicator.catalogue_code:
        indicator.catalogue_code = entry.code
        changed.append("catalogue_code")
    if indicator.topic_id is None:
        indicator.topic = topic
        changed.append("topic")
    for model_field, entry_field in _TEXT_FIELDS.items():
        if not getattr(indicator, model_field) and getattr(entry, entry_field):
            setattr(indicator, model_field, getattr(entry, entry_field))
            changed.append(model_field)
    return changed
