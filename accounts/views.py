"""Administration pages (members, roles, settings, operators' support access), the municipality
switcher and the page of a locked-out login: thin views."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keck.shell import KeckApplication, MenuEntry

from . import services, tasks
from .forms import AddMemberForm, MemberRolesForm, MunicipalitySettingsForm, SupportGrantForm
from .middleware import SESSION_KEY
from .models import Membership, SupportGrant
from .permissions import Action, can, member_municipalities, member_municipality_list, require
from .selectors import (
    locked_out_usernames,
    members_of,
    operator_accounts,
    support_accesses_of,
    support_grants_of,
)


@require_POST
@login_required
def switch_municipality(request):
    """Remember the chosen municipality in the session (only one the user is a member of)."""
    slug = request.POST.get("municipality", "")
    if member_municipalities(request.user).filter(slug=slug).exists():
        request.session[SESSION_KEY] = slug
    else:
        messages.error(request, _("You are not a member of this municipality."))
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


def _current(request):
    municipality = request.municipality
    if not municipality:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You are not a member of any municipality."))
    return municipality


@login_required
def member_list(request):
    municipality = _current(request)
    memberships = list(members_of(user=request.user, municipality=municipality))
    locked = locked_out_usernames(usernames=[m.user.get_username() for m in memberships])
    for membership in memberships:
        membership.locked_out = membership.user.get_username() in locked
    return render(
        request,
        "accounts/member_list.html",
        {"memberships": memberships, "municipality": municipality},
    )


@require_POST
@login_required
def member_unlock(request, pk):
    municipality = _current(request)
    membership = get_object_or_404(Membership, pk=pk, municipality=municipality)
    services.unlock_member(user=request.user, membership=membership)
    messages.success(
        request,
        _("%(user)s can log in again.") % {"user": membership.user.get_username()},
    )
    return redirect("administration:members")


def locked_out(request, original_response=None, credentials=None):
    """The answer to a login while locked out (django-axes' AXES_LOCKOUT_CALLABLE), status 429.

    The lock runs from the latest failed attempt, which is this very request, so the time to
    try again is now plus the cool-off time.
    """
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/locked_out.html",
        {
            "retry_at": timezone.localtime(timezone.now() + cool_off),
            "minutes": int(cool_off.total_seconds() // 60),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


@login_required
def member_add(request):
    municipality = _current(request)
    require(request.user, Action.MANAGE_MEMBERS, municipality)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, one_time_password = services.add_member(
                municipality=municipality,
                username=form.cleaned_data["username"],
                roles=form.cleaned_data["roles"],
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                data_topics=form.cleaned_data["data_topics"],
            )
        except services.AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            if form.cleaned_data["send_invitation"] and one_time_password:
                tasks.send_invitation.delay(membership.pk, request.build_absolute_uri("/"))
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.") % {"email": membership.user.email},
                )
            elif one_time_password:
                messages.success(
                    request,
                    _(
                        "User %(user)s was created. One-time password (shown only now, "
                        "hand it over personally): %(password)s"
                    )
                    % {"user": membership.user.username, "password": one_time_password},
                )
            else:
                messages.success(
                    request,
                    _("%(user)s is now a member of %(municipality)s.")
                    % {"user": membership.user.username, "municipality": municipality.name},
                )
            return redirect("administration:members")
    return render(request, "accounts/member_form.html", {"form": form, "title": _("Add member")})


@login_required
def member_edit(request, pk):
    municipality = _current(request)
    require(request.user, Action.MANAGE_MEMBERS, municipality)
    membership = get_object_or_404(Membership, pk=pk, municipality=municipality)
    initial = {"roles": membership.roles, "data_topics": ", ".join(membership.data_topics)}
    form = MemberRolesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.remove_member(membership=membership)
            except services.AccountsError as exc:
                messages.error(request, str(exc))
                return redirect("administration:member_edit", pk=pk)
            messages.success(
                request, _("%(user)s was removed.") % {"user": membership.user.username}
            )
            return redirect("administration:members")
        if form.is_valid():
            try:
                services.set_roles(
                    membership=membership,
                    roles=form.cleaned_data["roles"],
                    data_topics=form.cleaned_data["data_topics"],
                )
            except services.AccountsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The roles were saved."))
                return redirect("administration:members")
    return render(
        request,
        "accounts/member_form.html",
        {"form": form, "membership": membership, "title": membership.user.get_username()},
    )


@login_required
def municipality_settings(request):
    municipality = _current(request)
    require(request.user, Action.MANAGE_MUNICIPALITY, municipality)
    form = MunicipalitySettingsForm(request.POST or None, instance=municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings were saved."))
        return redirect("administration:settings")
    return render(
        request, "accounts/settings_form.html", {"form": form, "title": _("Municipality settings")}
    )


# The page shows the latest requests of each grant; the API pages through the whole log.
SUPPORT_LOG_ON_PAGE = 500


@login_required
def support_grants(request):
    """Support-Zugriffe: the municipality's consents to operators' access, a form to grant one,
    and how often each was used."""
    municipality = _current(request)
    grants = list(support_grants_of(user=request.user, municipality=municipality))
    form = SupportGrantForm(request.POST or None, operators=operator_accounts())
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_support_access(
                user=request.user,
                municipality=municipality,
                grantee=form.cleaned_data["grantee"],
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
                starts_at=form.cleaned_data["starts_at"],
            )
        except services.AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(user)s may read the internal data until %(end)s.")
                % {
                    "user": grant.grantee.get_username(),
                    "end": formats.date_format(
                        timezone.localtime(grant.ends_at), "SHORT_DATETIME_FORMAT"
                    ),
                },
            )
            return redirect("administration:support")
    return render(
        request,
        "accounts/support_grants.html",
        {"grants": grants, "form": form, "municipality": municipality},
    )


@login_required
def support_grant_detail(request, pk):
    """One grant with its access log: every request the operator made under it."""
    municipality = _current(request)
    accesses = support_accesses_of(user=request.user, municipality=municipality)
    grant = get_object_or_404(
        SupportGrant.objects.select_related("grantee", "granted_by", "revoked_by"),
        pk=pk,
        municipality=municipality,
    )
    accesses = list(accesses.filter(grant=grant)[: SUPPORT_LOG_ON_PAGE + 1])
    return render(
        request,
        "accounts/support_grant_detail.html",
        {
            "grant": grant,
            "accesses": accesses[:SUPPORT_LOG_ON_PAGE],
            "truncated": len(accesses) > SUPPORT_LOG_ON_PAGE,
            "limit": SUPPORT_LOG_ON_PAGE,
        },
    )


@require_POST
@login_required
def support_revoke(request, pk):
    municipality = _current(request)
    require(request.user, Action.MANAGE_MEMBERS, municipality)
    grant = get_object_or_404(SupportGrant, pk=pk, municipality=municipality)
    try:
        services.revoke_support_grant(user=request.user, grant=grant)
    except services.AccountsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The support access of %(user)s was revoked.")
            % {"user": grant.grantee.get_username()},
        )
    return redirect("administration:support")


def _may_administer(user) -> bool:
    # Anonymous visitors pass here so that the views' login_required sends them to the login
    # page instead of a bare 403; every view checks MANAGE_MEMBERS/MANAGE_MUNICIPALITY itself.
    if not user.is_authenticated:
        return True
    return any(
        can(user, Action.MANAGE_MEMBERS, municipality)
        for municipality in member_municipality_list(user)
    )


class AdministrationApp(KeckApplication):
    title = gettext_lazy("Administration")
    icon = "admin_panel_settings"
    app_name = "administration"
    menu = (
        MenuEntry(gettext_lazy("Members"), "members", "people"),
        MenuEntry(gettext_lazy("Settings"), "settings", "settings", "manage_municipality"),
        MenuEntry(gettext_lazy("Support access"), "support", "support_agent", "manage_members"),
    )
    permission = staticmethod(_may_administer)

    members_path = path("", member_list, name="members")
    member_add_path = path("members/add/", member_add, name="member_add")
    member_edit_path = path("members/<int:pk>/", member_edit, name="member_edit")
    member_unlock_path = path("members/<int:pk>/unlock/", member_unlock, name="member_unlock")
    settings_path = path("settings/", municipality_settings, name="settings")
    support_path = path("support/", support_grants, name="support")
    support_detail_path = path("support/<int:pk>/", support_grant_detail, name="support_grant")
    support_revoke_path = path("support/<int:pk>/revoke/", support_revoke, name="support_revoke")
