"""Forms of the conference and session pages: they parse input; services_meetings writes."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atlas_data.models import Bookmark
from keck.locking import version_field

from .models import ActionItem, Conference, ConferenceMember
from .selectors_meetings import ABSENT, EXCUSED, PRESENT, SessionRecord
from .services_meetings import ActionItemChange, AgendaChange

ATTENDANCE_CHOICES = [
    (PRESENT, _("present")),
    (EXCUSED, _("excused")),
    (ABSENT, _("absent")),
    ("", _("not recorded")),
]


def _user_label(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Conference.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A social planning conference works for the whole municipality; a social area "
            "conference for one or more areas."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a social area conference: the areas it works for."),
    )
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rhythm = forms.CharField(
        label=_("Rhythm"),
        max_length=100,
        required=False,
        help_text=_("e.g. every 6 weeks, 2 hours"),
    )
    reuses_body = forms.CharField(
        label=_("Existing body it reuses"),
        max_length=200,
        required=False,
        help_text=_("Bodies that already exist should be reused rather than duplicated."),
    )
    coordinator = UserChoiceField(
        label=_("Coordinator"),
        queryset=None,
        required=False,
        help_text=_("A user with the coordinator role in this municipality."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, areas, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas
        self.fields["areas"].label_from_instance = lambda area: f"{area.name} ({area.level.name})"
        self.fields["coordinator"].queryset = get_user_model().objects.filter(
            pk__in=[user.pk for user in coordinators]
        )

    @staticmethod
    def initial_for(conference: Conference) -> dict:
        return {
            "kind": conference.kind,
            "name": conference.name,
            "areas": list(conference.areas.all()),
            "purpose": conference.purpose,
            "rhythm": conference.rhythm,
            "reuses_body": conference.reuses_body,
            "coordinator": conference.coordinator,
            "is_active": conference.is_active,
        }


class MemberForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("May stay empty when a user is chosen: then the user's name is taken."),
    )
    function = forms.CharField(
        label=_("Function"),
        max_length=200,
        required=False,
        help_text=_("e.g. coordinator, neighbourhood manager, youth welfare planning, ASD, school"),
    )
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Members with an e-mail address receive invitations and reminders."),
    )
    user = UserChoiceField(
        label=_("User"),
        queryset=None,
        required=False,
        help_text=_("Optional: the member's login in KECK. Members need no login."),
    )
    active = forms.BooleanField(
        label=_("Active member"),
        required=False,
        initial=True,
        help_text=_("Former members stay in the minutes but get no invitations."),
    )

    def __init__(self, *args, users, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        if new:
            del self.fields["active"]

    @staticmethod
    def initial_for(member: ConferenceMember) -> dict:
        return {
            "name": member.name,
            "function": member.function,
            "institution": member.institution,
            "email": member.email,
            "user": member.user,
            "active": member.active,
        }


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(
        label=_("End"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", _("The session must end after it starts."))
        return cleaned

    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["start"])
        )

    def ends_at(self) -> datetime.datetime | None:
        if not self.cleaned_data.get("end"):
            return None
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["end"])
        )

    @staticmethod
    def initial_for(session) -> dict:
        start = timezone.localtime(session.starts_at)
        return {
            "date": start.date(),
            "start": start.time().replace(second=0, microsecond=0),
            "end": timezone.localtime(session.ends_at).time().replace(second=0, microsecond=0)
            if session.ends_at
            else None,
            "place": session.place,
        }


class NewSessionForm(SessionForm):
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One item per line. Open action items of earlier sessions are added to the agenda "
            "automatically."
        ),
    )

    def agenda_titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


# --------------------------------------------------------------------------------------------
# Recording a session on one page


class AttendanceForm(forms.Form):
    """One radio group per member: present, excused, absent or not recorded."""

    def __init__(self, *args, record: SessionRecord, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in record.attendance:
            name = f"member_{row.member.pk}"
            self.fields[name] = forms.ChoiceField(
                label=row.member.name,
                choices=ATTENDANCE_CHOICES,
                required=False,
                initial=row.status,
                widget=forms.RadioSelect,
            )
            self.rows.append((row.member, name))

    def bound_rows(self):
        return [(member, self[name]) for member, name in self.rows]

    def statuses(self) -> dict[int, str]:
        return {member.pk: self.cleaned_data.get(name) or "" for member, name in self.rows}


class BookmarkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class AgendaItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    order = forms.IntegerField(
        label=_("No."),
        min_value=0,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"class": "keck-order"}),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    bookmark = BookmarkChoiceField(
        label=_("Atlas bookmark"), queryset=Bookmark.objects.none(), required=False
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, bookmarks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bookmarks is not None:
            self.fields["bookmark"].queryset = bookmarks

    def clean(self):
        cleaned = super().clean()
        deleting = cleaned.get("DELETE")
        if self.has_changed() and not deleting and not (cleaned.get("title") or "").strip():
            self.add_error("title", _("Every agenda item needs a title."))
        return cleaned


class ActionItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    what = forms.CharField(
        label=_("What"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    who = forms.ChoiceField(label=_("Who"), required=False)
    due = forms.DateField(
        label=_("By when"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionItem.Status.choices, initial=ActionItem.Status.OPEN
    )

    def __init__(self, *args, who_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = [("", "–")] + list(who_choices)

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed() or cleaned.get("DELETE"):
            return cleaned
        if not (cleaned.get("what") or "").strip():
            self.add_error(
                "what", _("Every action item needs a description of what is to be done.")
            )
        if not cleaned.get("who"):
            self.add_error("who", _("Choose who is responsible."))
        if not cleaned.get("due") and "due" not in self.errors:
            self.add_error("due", _("Choose by when it is to be done."))
        return cleaned


class BaseRecordFormSet(forms.BaseFormSet):
    def __init__(self, *args, form_options=None, **kwargs):
        self.form_options = form_options or {}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return dict(self.form_options)

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            **self.form_options,
        )
        self.add_fields(form, None)
        return form


AgendaFormSet = forms.formset_factory(
    AgendaItemForm, formset=BaseRecordFormSet, extra=1, can_delete=True
)
ActionItemFormSet = forms.formset_factory(
    ActionItemForm, formset=BaseRecordFormSet, extra=2, can_delete=True
)


class DecisionsForm(forms.Form):
    # The version of the session the record page was built from (keck.locking).
    version = version_field()
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One decision per paragraph (separated by an empty line)."),
    )


def who_choices(record: SessionRecord, users) -> list:
    """Members of the conference and users of the municipality, as two groups of choices;
    former members only where they are responsible for an item already."""
    members = [(f"m:{member.pk}", member.name) for member in record.members]
    former = {
        item.responsible_member.pk: item.responsible_member
        for item in record.action_items
        if item.responsible_member_id and not item.responsible_member.active
    }
    members += [
        (f"m:{pk}", _("%(name)s (former member)") % {"name": member.name})
        for pk, member in former.items()
    ]
    others = [(f"u:{user.pk}", _user_label(user)) for user in users]
    return [(_("Conference members"), members), (_("Users of the municipality"), others)]


def who_value(item: ActionItem) -> str:
    if item.responsible_member_id:
        return f"m:{item.responsible_member_id}"
    if item.responsible_user_id:
        return f"u:{item.responsible_user_id}"
    return ""


class SessionRecordForms:
    """The forms of the record page, bound together: valid only when all are."""

    def __init__(self, data, *, record: SessionRecord, bookmarks, users):
        self.record = record
        self.users = {user.pk: user for user in users}
        self.members = {member.pk: member for member in record.members}
        self.members.update(
            {
                item.responsible_member.pk: item.responsible_member
                for item in record.action_items
                if item.responsible_member_id
            }
        )
        self.attendance = AttendanceForm(data, record=record, prefix="attendance")
        self.agenda = AgendaFormSet(
            data,
            prefix="agenda",
            initial=[
                {
                    "id": item.pk,
                    "order": item.order,
                    "title": item.title,
                    "description": item.description,
                    "bookmark": item.bookmark_id,
                    "minutes": item.minutes,
                }
                for item in record.agenda
            ],
            form_options={"bookmarks": bookmarks},
        )
        choices = who_choices(record, users)
        self.action_items = ActionItemFormSet(
            data,
            prefix="actions",
            initial=[
                {
                    "id": item.pk,
                    "what": item.what,
                    "who": who_value(item),
                    "due": item.due,
                    "status": item.status,
                }
                for item in record.action_items
            ],
            form_options={"who_choices": choices},
        )
        self.decisions = DecisionsForm(
            data,
            prefix="session",
            initial={"decisions": record.session.decisions, "version": record.session.version},
        )
        agenda_items = {item.pk: item for item in record.agenda}
        self.agenda_rows = [
            (form, agenda_items.get(form.initial.get("id"))) for form in self.agenda.forms
        ]
        self.errors: list[str] = []

    def is_valid(self) -> bool:
        parts = [self.attendance, self.agenda, self.action_items, self.decisions]
        results = [part.is_valid() for part in parts]  # validate all: show every error
        return all(results)

    def add_error(self, message: str) -> None:
        self.errors.append(message)

    def _changed_forms(self, formset):
        for form in formset.forms:
            if not form.has_changed() and not form.initial:
                continue
            yield form

    def agenda_changes(self) -> list[AgendaChange]:
        changes = []
        for form in self._changed_forms(self.agenda):
            data = form.cleaned_data
            changes.append(
                AgendaChange(
                    pk=data.get("id"),
                    title=data.get("title") or "",
                    description=data.get("description") or "",
                    minutes=data.get("minutes") or "",
                    bookmark=data.get("bookmark"),
                    order=data.get("order"),
                    delete=bool(data.get("DELETE")),
                )
            )
        return changes

    def action_item_changes(self) -> list[ActionItemChange]:
        changes = []
        for form in self._changed_forms(self.action_items):
            data = form.cleaned_data
            who = data.get("who") or ""
            member = user = None
            if who.startswith("m:"):
                member = self.members.get(int(who[2:]))
            elif who.startswith("u:"):
                user = self.users.get(int(who[2:]))
            changes.append(
                ActionItemChange(
                    pk=data.get("id"),
                    what=data.get("what") or "",
                    responsible_member=member,
                    responsible_user=user,
                    due=data.get("due"),
                    status=data.get("status") or ActionItem.Status.OPEN,
                    delete=bool(data.get("DELETE")),
                )
            )
        return changes


class MinutesTemplateForm(forms.Form):
    file = forms.FileField(
        label=_("Word template (.docx)"),
        help_text=_(
            "Start from the default template, change layout, logo and texts in Word and keep "
            "the tags in curly braces."
        ),
    )


class ActionItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("open and in progress")), ("all", _("all"))]
        + list(ActionItem.Status.choices),
    )
    conference = forms.ModelChoiceField(
        label=_("Conference"), queryset=Conference.objects.none(), required=False
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, conferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences
