"""The history page with restore, one for every kind of object (goal, measure, sub-step, sheet
answer, agreed answer, session decisions, agenda-item minutes, atlas value): its versions, who
changed which field when, and "restore this version", which writes the old values through the
object's normal service, so permissions, validation, locking and history all apply.

Each app describes its kinds in its own `history.py` (a `Kind` each); the page lives in that
app's URL namespace, so the app's menu stays around it.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .locking import ConflictError, field_label, show, user_name

# The modules that describe the kinds of their app (imported on first use: no import cycles).
HISTORY_MODULES = ("measures.history", "conferences.history", "atlas_data.history")


class RestoreError(Exception):
    """A version that cannot be restored, with a German message."""


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    """One saved state of an object: `ref` identifies it for restoring."""

    ref: str
    when: datetime.datetime | None
    who: str
    created: bool
    changes: list[FieldChange] = field(default_factory=list)
    current: bool = False


@dataclass(frozen=True)
class Kind:
    name: str  # the URL part, e.g. "goal"
    app: str  # URL namespace of the app whose pages show it
    label: str  # e.g. "Impact goal"
    get: Callable  # (request, ref: str) -> object; Http404 for what the user may not see
    title: Callable  # (object) -> str
    back_url: Callable  # (object) -> str
    versions: Callable  # (user, object) -> list[Version], newest first
    may_restore: Callable  # (user, object) -> bool
    restore: Callable  # (user, object, version ref: str, read version: int | None) -> None
    version_of: Callable  # (object) -> int: the version a restore states
    errors: tuple = ()  # the app's domain errors a restore may raise


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


@cache
def kinds() -> dict[str, Kind]:
    for module in HISTORY_MODULES:
        importlib.import_module(module)
    return dict(_KINDS)


def history_url(kind: str, ref) -> str:
    """The history page of one object, e.g. history_url("goal", goal.pk)."""
    spec = kinds()[kind]
    return reverse(f"{spec.app}:history", kwargs={"kind": kind, "ref": str(ref)})


def int_ref(ref: str) -> int:
    if not ref.isdigit():
        raise Http404
    return int(ref)


def scoped(queryset, pk: int):
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


# --- versions from django-simple-history ---------------------------------------------------


def _display_values(model, records: list, names: tuple[str, ...]) -> dict:
    """(record id, field name) → the value as a page shows it; linked objects read in one query
    per linked model, however many versions there are."""
    fields = {name: model._meta.get_field(name) for name in names}
    linked = {}
    for name, model_field in fields.items():
        if model_field.is_relation:
            ids = {getattr(r, model_field.attname) for r in records} - {None}
            linked[name] = model_field.related_model._default_manager.in_bulk(ids)
    shown = {}
    for record in records:
        for name, model_field in fields.items():
            if model_field.is_relation:
                raw = getattr(record, model_field.attname)
                value = linked[name].get(raw, f"#{raw}") if raw is not None else None
            else:
                value = getattr(record, name)
            shown[record.history_id, name] = show(model_field, value)
    return shown


def record_versions(obj, names: tuple[str, ...]) -> list[Version]:
    """The saved states of `obj`, newest first, each with the fields of `names` it changed;
    saves that changed none of them are left out."""
    model = type(obj)
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    shown = _display_values(model, records, names)
    versions = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        for name in names:
            new = shown[newer.history_id, name]
            old = shown[older.history_id, name] if older is not None else "–"
            if old != new:
                changes.append(FieldChange(label=field_label(model, name), old=old, new=new))
        if older is not None and not changes:
            continue
        versions.append(
            Version(
                ref=str(newer.history_id),
                when=newer.history_date,
                who=user_name(newer.history_user),
                created=older is None,
                changes=changes,
            )
        )
    if versions:
        versions[0].current = True
    return versions


def record_of(obj, ref: str):
    """The history record `ref` of `obj` (404 for another object's)."""
    try:
        return obj.history.get(history_id=int_ref(ref))
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def record_data(record, names: tuple[str, ...]) -> dict:
    """The field values of a history record, linked objects as objects: what a restore writes."""
    model = record.instance_type
    data = {}
    for name in names:
        model_field = model._meta.get_field(name)
        if not model_field.is_relation:
            data[name] = getattr(record, name)
            continue
        raw = getattr(record, model_field.attname)
        if raw is None:
            data[name] = None
            continue
        linked = model_field.related_model._default_manager.filter(pk=raw).first()
        if linked is None:
            raise RestoreError(
                _(
                    "“%(field)s” of this version no longer exists, so the version cannot be "
                    "restored."
                )
                % {"field": field_label(model, name)}
            )
        data[name] = linked
    return data


# --- the page --------------------------------------------------------------------------------


def _read_version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
def history_page(request, kind: str, ref: str):
    """Versions of one object; POST `record` (+ `version` read) restores one of them."""
    spec = kinds().get(kind)
    if spec is None or spec.app != request.resolver_match.namespace:
        raise Http404
    obj = spec.get(request, ref)
    may_restore = spec.may_restore(request.user, obj)
    conflict = None
    if request.method == "POST":
        if not may_restore:
            raise PermissionDenied(_("You may not change this entry."))
        try:
            spec.restore(request.user, obj, request.POST.get("record", ""), _read_version(request))
        except ConflictError as exc:
            conflict = exc
        except (RestoreError, *spec.errors) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(
                request,
                _("The older version was restored; the history keeps it as a new change."),
            )
            return redirect(request.path)
        obj = spec.get(request, ref)
    return render(
        request,
        "keck/history.html",
        {
            "kind": spec,
            "object": obj,
            "title": spec.title(obj),
            "back": spec.back_url(obj),
            "versions": spec.versions(request.user, obj),
            "may_restore": may_restore,
            "version": spec.version_of(obj),
            "conflict": conflict,
        },
    )
