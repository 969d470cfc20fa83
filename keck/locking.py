"""Optimistic locking: a save states the version of the object it read; when someone else saved
in between, the save is refused with who changed the object when and which fields differ,
never silently overwritten (docs/reliability.md, "Lost updates").

Each app raises its own subclass of `ConflictError` (also a subclass of the app's domain
error), so pages that only know the app's error still show the German message.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException


@dataclass(frozen=True)
class LastChange:
    """Who saved an object last, and when (None where nobody is recorded)."""

    who: str
    when: datetime.datetime | None


@dataclass(frozen=True)
class Difference:
    """One field where the caller's input and the stored object differ, as a page shows it."""

    field: str
    label: str
    mine: str
    theirs: str


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def conflict_message(last: LastChange | None, *, deleted: bool = False) -> str:
    if deleted:
        return _("This entry was deleted in the meantime. Your change was not saved.")
    if last is None or last.when is None:
        return _("This entry was changed in the meantime. Your change was not saved.")
    when = timezone.localtime(last.when)
    date = formats.date_format(when, "SHORT_DATE_FORMAT")
    time = formats.time_format(when, "H:i")
    if last.who:
        return _(
            "This entry was changed in the meantime by %(user)s on %(date)s at %(time)s. "
            "Your change was not saved."
        ) % {"user": last.who, "date": date, "time": time}
    return _(
        "This entry was changed in the meantime on %(date)s at %(time)s. Your change was not saved."
    ) % {"date": date, "time": time}


class ConflictError(Exception):
    """A save based on an outdated version. `current` is the stored object (None once it was
    deleted), `version` its version now (0: no object), `last` who changed it when, and
    `differences` the fields where the caller's input differs from what is stored now."""

    def __init__(
        self,
        *,
        current,
        last: LastChange | None = None,
        differences: Iterable[Difference] = (),
        deleted: bool = False,
    ):
        self.current = current
        self.version = getattr(current, "version", 0) if current is not None else 0
        self.last = last
        self.differences = list(differences)
        self.deleted = deleted
        self.message = conflict_message(last, deleted=deleted)
        # Cooperative: the app's own error class (second base of each subclass) gets the message.
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def as_data(self) -> dict:
        """The conflict as the API returns it (HTTP 409), without the current object."""
        return {
            "detail": self.message,
            "version": self.version,
            "changed_by": self.last.who if self.last else "",
            "changed_at": self.last.when.isoformat() if self.last and self.last.when else None,
            "differences": [
                {"field": d.field, "label": d.label, "yours": d.mine, "current": d.theirs}
                for d in self.differences
            ],
        }


class ConflictResponse(APIException):
    """HTTP 409 with the conflict and the current object, for the APIs."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, error: ConflictError, current: dict | None):
        # APIException would turn every value into a string; the body keeps its JSON types.
        super().__init__()
        self.detail = error.as_data() | {"current": current}


class DifferenceSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    yours = serializers.CharField()
    current = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    """The body of an HTTP 409 (for the OpenAPI schema)."""

    detail = serializers.CharField(help_text="German message: who changed it when.")
    version = serializers.IntegerField(help_text="The version stored now (0: deleted).")
    changed_by = serializers.CharField(allow_blank=True)
    changed_at = serializers.DateTimeField(allow_null=True)
    differences = DifferenceSerializer(many=True)
    current = serializers.JSONField(allow_null=True, help_text="The object as stored now.")


def version_field() -> forms.IntegerField:
    """The hidden form field that carries the version a page was built from."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


def renew_version(form: forms.Form, error: ConflictError, *, name: str = "version") -> None:
    """Show `form` again with the user's input and the version stored now: the user sees the
    conflict first, and saving again is a deliberate decision to replace the other change."""
    data = form.data.copy()
    data[form.add_prefix(name)] = error.version
    form.data = data


def history_last_change(obj) -> LastChange | None:
    """The newest django-simple-history record of `obj`: who saved it and when."""
    record = obj.history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return None
    return LastChange(who=user_name(record.history_user), when=record.history_date)


def claim(
    obj: models.Model,
    *,
    version: int | None,
    conflict: type[ConflictError],
    mine: dict | None = None,
    last_change: Callable[[models.Model], LastChange | None] = history_last_change,
) -> None:
    """Take the next version of `obj` if its stored version is still `version` (None: the
    caller read no version, any stored one is accepted), else raise `conflict`.

    Call inside the transaction that then saves `obj`: the conditional UPDATE is atomic on
    every database, so of two saves based on the same version exactly one wins, and a refusal
    later in the transaction rolls the new version back. `obj.version` holds the new version
    afterwards, so `obj.save()` writes it.
    """
    model = type(obj)
    rows = model._default_manager.filter(pk=obj.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise stale(obj, conflict=conflict, mine=mine, last_change=last_change)
    obj.version = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).get()


def bump(obj: models.Model) -> None:
    """Take the next version of `obj` without a check: for saves that read nothing from a
    form (timeline entries, roll-ups), so that forms opened before see them as a change."""
    claim(obj, version=None, conflict=ConflictError)


def stale(
    obj: models.Model,
    *,
    conflict: type[ConflictError],
    mine: dict | None = None,
    last_change: Callable[[models.Model], LastChange | None] = history_last_change,
) -> ConflictError:
    """The conflict error for `obj`, read afresh: the stored object, its last change and the
    fields where `mine` differs from it."""
    current = type(obj)._default_manager.filter(pk=obj.pk).first()
    if current is None:
        return conflict(current=None, deleted=True)
    return conflict(
        current=current,
        last=last_change(current),
        differences=differences(current, mine or {}),
    )


# --- what fields look like on a page -------------------------------------------------------


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except Exception:  # a name that is no model field (computed input)
        return capfirst(name.replace("_", " "))


def show(field: models.Field | None, value) -> str:
    """A stored or entered value as a German page shows it: choices by label, links by name,
    dates, numbers and yes/no in German; nothing as "–"."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(str(item) for item in value) or "–"
    if field is not None and field.choices and not isinstance(value, models.Model):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float):
        # Whole numbers without a decimal part: 17, not 17,0.
        value = int(value) if value.is_integer() else value
        return formats.number_format(value, decimal_pos=None, use_l10n=True)
    return str(value)


def _comparable(value):
    """What two values are compared by: ids for links, sets of ids for many links, stripped
    text; empty text, empty lists and None count as the same."""
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | models.QuerySet):
        return frozenset(item.pk if isinstance(item, models.Model) else item for item in value)
    if isinstance(value, str):
        value = value.strip()
    if value in ("", None) or value == frozenset():
        return None
    return value


def differences(current: models.Model, mine: dict) -> list[Difference]:
    """The fields of `mine` (field name → the caller's input) whose stored value differs."""
    model = type(current)
    result = []
    for name, value in mine.items():
        try:
            field = model._meta.get_field(name)
        except Exception:
            field = None
        theirs = getattr(current, name, None)
        if isinstance(theirs, models.Manager):
            theirs = list(theirs.all())
        if _comparable(value) != _comparable(theirs):
            result.append(
                Difference(
                    field=name,
                    label=field_label(model, name),
                    mine=show(field, value),
                    theirs=show(field, theirs),
                )
            )
    return result
