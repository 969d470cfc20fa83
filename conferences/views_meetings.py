"""Pages of conferences and sessions under /app/conferences/: thin views.

Members and leadership read; coordinators (MANAGE_CONFERENCES) create and edit. Reads go through
selectors_meetings, writes through services_meetings; an object of another municipality is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Municipality
from accounts.permissions import Action, can, current_municipality, require
from keck.locking import renew_version

from . import selectors_meetings as selectors
from . import services_meetings as services
from . import tasks
from .documents_meetings import DEFAULT_MINUTES_TEMPLATE, DOCX_CONTENT_TYPE
from .forms_meetings import (
    ActionItemFilterForm,
    ConferenceForm,
    MemberForm,
    MinutesTemplateForm,
    NewSessionForm,
    SessionForm,
    SessionRecordForms,
)
from .models import Conference, ConferenceMember, Session


def _managing(request) -> Municipality:
    municipality = current_municipality(request)
    require(request.user, Action.MANAGE_CONFERENCES, municipality)
    return municipality


def _conference(request, municipality, pk) -> Conference:
    try:
        return selectors.conference_for(user=request.user, municipality=municipality, pk=pk)
    except Conference.DoesNotExist as exc:
        raise Http404 from exc


def _session(request, municipality, pk) -> Session:
    try:
        return selectors.session_for(user=request.user, municipality=municipality, pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def _member(request, conference: Conference, pk) -> ConferenceMember:
    try:
        return selectors.members_of(user=request.user, conference=conference).get(pk=pk)
    except ConferenceMember.DoesNotExist as exc:
        raise Http404 from exc


# --------------------------------------------------------------------------------------------
# Overview and conferences


@login_required
def overview(request):
    """Conferences, upcoming sessions and the user's own open action items."""
    municipality = current_municipality(request)
    return render(
        request,
        "conferences/meetings_overview.html",
        {
            "municipality": municipality,
            "conferences": list(
                selectors.conferences_for(user=request.user, municipality=municipality)
            ),
            "upcoming": selectors.upcoming_sessions(user=request.user, municipality=municipality),
            "my_items": selectors.my_open_action_items(
                user=request.user, municipality=municipality
            ),
            "today": timezone.localdate(),
            "may_manage": can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


def _conference_form(request, municipality, *, initial=None):
    return ConferenceForm(
        request.POST or None,
        initial=initial,
        areas=selectors.conference_areas(municipality=municipality),
        coordinators=selectors.coordinator_candidates(municipality=municipality),
    )


@login_required
def conference_new(request):
    municipality = _managing(request)
    initial = {"kind": Conference.Kind.PLANNING, "is_active": True}
    if request.user in selectors.coordinator_candidates(municipality=municipality):
        initial["coordinator"] = request.user
    form = _conference_form(request, municipality, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.create_conference(
                user=request.user, municipality=municipality, **form.cleaned_data
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The conference was created."))
            return redirect("conferences:conference", pk=conference.pk)
    return render(
        request,
        "conferences/meetings_conference_form.html",
        {"form": form, "title": _("New conference")},
    )


@login_required
def conference_edit(request, pk):
    municipality = _managing(request)
    conference = _conference(request, municipality, pk)
    form = _conference_form(request, municipality, initial=ConferenceForm.initial_for(conference))
    if request.method == "POST" and "delete" in request.POST:
        try:
            services.delete_conference(user=request.user, conference=conference)
        except services.MeetingError as exc:
            messages.error(request, str(exc))
            return redirect("conferences:conference_edit", pk=pk)
        messages.success(request, _("The conference was deleted."))
        return redirect("conferences:index")
    if request.method == "POST" and form.is_valid():
        try:
            services.update_conference(
                user=request.user, conference=conference, **form.cleaned_data
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The conference was saved."))
            return redirect("conferences:conference", pk=conference.pk)
    return render(
        request,
        "conferences/meetings_conference_form.html",
        {"form": form, "conference": conference, "title": conference.name},
    )


@login_required
def conference_detail(request, pk):
    municipality = current_municipality(request)
    conference = _conference(request, municipality, pk)
    sessions = list(
        selectors.sessions_for(user=request.user, municipality=municipality, conference=conference)
    )
    members = list(selectors.members_of(user=request.user, conference=conference))
    now = timezone.now()
    return render(
        request,
        "conferences/meetings_conference_detail.html",
        {
            "conference": conference,
            "members": members,
            "active_count": sum(1 for member in members if member.active),
            "upcoming": sorted(
                (s for s in sessions if s.starts_at >= now), key=lambda s: s.starts_at
            ),
            "past": [s for s in sessions if s.starts_at < now],
            "open_items": list(
                selectors.action_items_for(
                    user=request.user,
                    municipality=municipality,
                    conference=conference.pk,
                    status=list(selectors.OPEN_STATUSES),
                )
            ),
            "today": timezone.localdate(),
            "may_manage": can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


# --------------------------------------------------------------------------------------------
# Members


def _member_form(request, municipality, *, initial=None, new=False):
    return MemberForm(
        request.POST or None,
        initial=initial,
        users=selectors.municipality_users(municipality=municipality),
        new=new,
    )


def _member_fields(form) -> dict:
    data = dict(form.cleaned_data)
    data["member_user"] = data.pop("user")
    return data


@login_required
def member_new(request, pk):
    municipality = _managing(request)
    conference = _conference(request, municipality, pk)
    form = _member_form(request, municipality, new=True)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(
                user=request.user, conference=conference, **_member_fields(form)
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": member.name})
            if "another" in request.POST:
                return redirect("conferences:member_new", pk=conference.pk)
            return redirect("conferences:conference", pk=conference.pk)
    return render(
        request,
        "conferences/meetings_member_form.html",
        {"form": form, "conference": conference, "title": _("Add member")},
    )


@login_required
def member_edit(request, pk, member_pk):
    municipality = _managing(request)
    conference = _conference(request, municipality, pk)
    member = _member(request, conference, member_pk)
    form = _member_form(request, municipality, initial=MemberForm.initial_for(member))
    if request.method == "POST" and "remove" in request.POST:
        try:
            outcome = services.remove_member(user=request.user, member=member)
        except services.MeetingError as exc:
            messages.error(request, str(exc))
            return redirect("conferences:member_edit", pk=pk, member_pk=member_pk)
        if outcome == "left":
            messages.success(
                request,
                _(
                    "%(name)s has left the conference; their attendance and action items stay "
                    "in the minutes."
                )
                % {"name": member.name},
            )
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": member.name})
        return redirect("conferences:conference", pk=conference.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(user=request.user, member=member, **_member_fields(form))
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": member.name})
            return redirect("conferences:conference", pk=conference.pk)
    return render(
        request,
        "conferences/meetings_member_form.html",
        {"form": form, "conference": conference, "member": member, "title": member.name},
    )


# --------------------------------------------------------------------------------------------
# Sessions


@login_required
def session_new(request, pk):
    municipality = _managing(request)
    conference = _conference(request, municipality, pk)
    form = NewSessionForm(request.POST or None, initial={"start": "14:00", "end": "16:00"})
    previous = (
        selectors.sessions_for(user=request.user, municipality=municipality, conference=conference)
        .order_by("-starts_at")
        .first()
    )
    if previous and not request.POST:
        form.initial["place"] = previous.place
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(
                user=request.user,
                conference=conference,
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                place=form.cleaned_data["place"],
                agenda=form.agenda_titles(),
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            carried = session.agenda.filter(carried_over_from__isnull=False).count()
            messages.success(
                request,
                _("The session was created; %(count)d open action items are on its agenda.")
                % {"count": carried},
            )
            return redirect("conferences:session", pk=session.pk)
    open_items = list(
        selectors.action_items_for(
            user=request.user,
            municipality=municipality,
            conference=conference.pk,
            status=list(selectors.OPEN_STATUSES),
        )
    )
    return render(
        request,
        "conferences/meetings_session_form.html",
        {
            "form": form,
            "conference": conference,
            "open_items": open_items,
            "title": _("New session"),
        },
    )


@login_required
def session_edit(request, pk):
    municipality = _managing(request)
    session = _session(request, municipality, pk)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    if request.method == "POST" and "delete" in request.POST:
        services.delete_session(user=request.user, session=session)
        messages.success(request, _("The session was deleted."))
        return redirect("conferences:conference", pk=session.conference_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(
                user=request.user,
                session=session,
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                place=form.cleaned_data["place"],
            )
        except services.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The session was saved."))
            return redirect("conferences:session", pk=session.pk)
    return render(
        request,
        "conferences/meetings_session_form.html",
        {
            "form": form,
            "conference": session.conference,
            "session": session,
            "title": _("Date and place"),
        },
    )


@login_required
def session_detail(request, pk):
    municipality = current_municipality(request)
    session = _session(request, municipality, pk)
    record = selectors.session_record(session)
    return render(
        request,
        "conferences/meetings_session_detail.html",
        {
            "session": session,
            "conference": session.conference,
            "record": record,
            "previous": selectors.previous_session(session),
            "today": timezone.localdate(),
            "is_future": session.starts_at >= timezone.now(),
            "recipients": len(services.invitation_recipients(record)),
            "may_manage": can(request.user, Action.MANAGE_CONFERENCES, municipality),
        },
    )


@login_required
def session_record(request, pk):
    """Everything recorded in a session on one page: attendance, agenda with minutes,
    decisions and the action-item table; saved together or not at all."""
    municipality = _managing(request)
    session = _session(request, municipality, pk)
    record = selectors.session_record(session)
    forms = SessionRecordForms(
        request.POST or None,
        record=record,
        bookmarks=selectors.agenda_bookmarks(user=request.user, record=record),
        users=list(selectors.municipality_users(municipality=municipality)),
    )
    conflict = None
    if request.method == "POST":
        if forms.is_valid():
            try:
                services.record_session(
                    user=request.user,
                    session=session,
                    attendance=forms.attendance.statuses(),
                    agenda=forms.agenda_changes(),
                    decisions=forms.decisions.cleaned_data["decisions"],
                    action_items=forms.action_item_changes(),
                    version=forms.decisions.cleaned_data["version"],
                )
            except services.RecordConflict as exc:
                conflict = exc
                renew_version(forms.decisions, exc)
            except services.MeetingError as exc:
                forms.add_error(str(exc))
            else:
                messages.success(request, _("The session was saved."))
                return redirect("conferences:session", pk=session.pk)
        else:
            forms.add_error(_("Please correct the marked fields; nothing was saved."))
    return render(
        request,
        "conferences/meetings_session_record.html",
        {
            "session": session,
            "conference": session.conference,
            "record": record,
            "forms": forms,
            "conflict": conflict,
        },
    )


@require_POST
@login_required
def session_invite(request, pk):
    municipality = _managing(request)
    session = _session(request, municipality, pk)
    try:
        count = services.check_invitation(user=request.user, session=session)
    except services.MeetingError as exc:
        messages.error(request, str(exc))
    else:
        tasks.send_session_invitation.delay(session.pk)
        messages.success(
            request,
            _("The invitation is being sent to %(count)d members with an e-mail address.")
            % {"count": count},
        )
    return redirect("conferences:session", pk=session.pk)


def _minutes_name(session: Session, extension: str) -> str:
    day = timezone.localtime(session.starts_at).date().isoformat()
    return f"protokoll-{slugify(session.conference.name)}-{day}.{extension}"


@login_required
def minutes_docx(request, pk):
    municipality = current_municipality(request)
    session = _session(request, municipality, pk)
    response = HttpResponse(services.minutes_docx(session=session), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_minutes_name(session, "docx")}"'
    return response


@login_required
def minutes_pdf(request, pk):
    municipality = current_municipality(request)
    session = _session(request, municipality, pk)
    response = HttpResponse(services.minutes_pdf(session=session), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_minutes_name(session, "pdf")}"'
    return response


# --------------------------------------------------------------------------------------------
# Action items


@login_required
def action_item_list(request):
    municipality = current_municipality(request)
    conferences = selectors.conferences_for(user=request.user, municipality=municipality)
    filters = ActionItemFilterForm(request.GET or None, conferences=conferences)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    status = cleaned.get("status") or ""
    if status == "all":
        statuses = None
    elif status:
        statuses = [status]
    else:
        statuses = list(selectors.OPEN_STATUSES)
    conference = cleaned.get("conference")
    items = list(
        selectors.action_items_for(
            user=request.user,
            municipality=municipality,
            status=statuses,
            overdue=bool(cleaned.get("overdue")),
            responsible_user=request.user if cleaned.get("mine") else None,
            conference=conference.pk if conference else None,
        )
    )
    return render(
        request,
        "conferences/meetings_action_items.html",
        {"items": items, "filters": filters, "today": timezone.localdate()},
    )


# --------------------------------------------------------------------------------------------
# The municipality's minutes template


@login_required
def minutes_template(request):
    municipality = _managing(request)
    form = MinutesTemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "reset" in request.POST:
        services.reset_minutes_template(user=request.user, municipality=municipality)
        messages.success(request, _("The minutes use the default template again."))
        return redirect("conferences:minutes_template")
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_minutes_template(
                user=request.user, municipality=municipality, upload=form.cleaned_data["file"]
            )
        except services.MeetingError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("The template was checked and is used from now on."))
            return redirect("conferences:minutes_template")
    return render(
        request,
        "conferences/meetings_minutes_template.html",
        {
            "form": form,
            "current": selectors.minutes_template_of(municipality),
            "municipality": municipality,
        },
    )


@login_required
def minutes_template_file(request, which):
    """Download the default template (to start from) or the municipality's current one."""
    municipality = _managing(request)
    if which not in ("default", "current"):
        raise Http404
    if which == "default":
        handle = open(DEFAULT_MINUTES_TEMPLATE, "rb")  # noqa: SIM115 - FileResponse closes it
        name = "protokoll-vorlage.docx"
    else:
        current = selectors.minutes_template_of(municipality)
        if current is None:
            raise Http404
        handle = current.file.open("rb")
        name = current.original_name or "protokoll-vorlage.docx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=DOCX_CONTENT_TYPE)


urlpatterns = [
    path("conferences/new/", conference_new, name="conference_new"),
    path("conferences/<int:pk>/", conference_detail, name="conference"),
    path("conferences/<int:pk>/edit/", conference_edit, name="conference_edit"),
    path("conferences/<int:pk>/members/new/", member_new, name="member_new"),
    path("conferences/<int:pk>/members/<int:member_pk>/", member_edit, name="member_edit"),
    path("conferences/<int:pk>/sessions/new/", session_new, name="session_new"),
    path("sessions/<int:pk>/", session_detail, name="session"),
    path("sessions/<int:pk>/edit/", session_edit, name="session_edit"),
    path("sessions/<int:pk>/record/", session_record, name="session_record"),
    path("sessions/<int:pk>/invite/", session_invite, name="session_invite"),
    path("sessions/<int:pk>/minutes.docx", minutes_docx, name="minutes_docx"),
    path("sessions/<int:pk>/minutes.pdf", minutes_pdf, name="minutes_pdf"),
    path("action-items/", action_item_list, name="action_items"),
    path("minutes-template/", minutes_template, name="minutes_template"),
    path("minutes-template/<str:which>.docx", minutes_template_file, name="minutes_template_file"),
]
