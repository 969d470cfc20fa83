"""Writes of the accounts app: municipalities, users and their roles, operators' support access."""

from __future__ import annotations

import datetime
import secrets
import string

from axes.utils import reset as reset_login_failures
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Membership, Municipality, SupportAccess, SupportGrant
from .permissions import Action, forget_cached_memberships, require, validate_roles


class AccountsError(Exception):
    """A domain error whose message a user can read."""


def create_municipality(
    *, slug: str, name: str, kind: str | None = None, official_key: str | None = None
) -> tuple[Municipality, bool]:
    """Create the municipality or update its name (and kind and key, where given).

    Returns (municipality, created). A new municipality without a kind is a city.
    """
    if kind is not None and kind not in Municipality.Kind.values:
        raise AccountsError(
            _("Unknown kind %(kind)s: use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(Municipality.Kind.values)}
        )
    municipality = Municipality.objects.filter(slug=slug).first()
    created = municipality is None
    municipality = municipality or Municipality(slug=slug)
    municipality.name = name
    if kind is not None:
        municipality.kind = kind
    if official_key is not None:
        municipality.official_key = official_key
    try:
        municipality.full_clean()
    except ValidationError as exc:
        raise AccountsError("; ".join(exc.messages)) from exc
    municipality.save()
    return municipality, created


def generate_password(length: int = 16) -> str:
    """A random password that satisfies the KECK password rule."""
    alphabet = string.ascii_letters + string.digits + "!?-_#%+"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


@transaction.atomic
def add_member(
    *,
    municipality: Municipality,
    username: str,
    roles: list[str],
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    data_topics: list[str] | None = None,
    update_existing_user: bool = False,
) -> tuple[Membership, str | None]:
    """Add `username` (created if missing) to the municipality with `roles`.

    Returns the membership and the one-time password when a new user was created without a
    given password (so that the caller can hand it over once). An existing user's e-mail, name
    and password change only with `update_existing_user` (operators' CLI, the demo): a
    municipal admin adding someone who also works elsewhere must not be able to redirect that
    person's password reset to another address.
    """
    try:
        roles = validate_roles(roles)
    except ValueError as exc:
        raise AccountsError(str(exc)) from exc
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    one_time_password = None
    if user is None:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        if password is None:
            password = one_time_password = generate_password()
        try:
            User.username_validator(username)
            validate_password(password, user)
        except ValidationError as exc:
            raise AccountsError(" ".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
    elif update_existing_user:
        changed = False
        for field, value in (
            ("email", email),
            ("first_name", first_name),
            ("last_name", last_name),
        ):
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise AccountsError(" ".join(exc.messages)) from exc
            user.set_password(password)
            changed = True
        if changed:
            user.save()
    existing = Membership.objects.filter(user=user, municipality=municipality).first()
    if existing and "municipal_admin" in existing.roles and "municipal_admin" not in roles:
        _ensure_other_admin(existing)
    membership, _created = Membership.objects.update_or_create(
        user=user,
        municipality=municipality,
        defaults={"roles": roles, "data_topics": list(data_topics or [])},
    )
    forget_cached_memberships(user)
    return membership, one_time_password


@transaction.atomic
def set_roles(
    *, membership: Membership, roles: list[str], data_topics: list[str] | None = None
) -> Membership:
    """Replace the roles of a membership, keeping at least one municipal admin."""
    try:
        roles = validate_roles(roles)
    except ValueError as exc:
        raise AccountsError(str(exc)) from exc
    if "municipal_admin" in membership.roles and "municipal_admin" not in roles:
        _ensure_other_admin(membership)
    membership.roles = roles
    if data_topics is not None:
        membership.data_topics = list(data_topics)
    membership.save(update_fields=["roles", "data_topics"])
    forget_cached_memberships(membership.user)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    """End a membership; the last municipal admin cannot be removed."""
    if "municipal_admin" in membership.roles:
        _ensure_other_admin(membership)
    user = membership.user
    membership.delete()
    forget_cached_memberships(user)


def unlock_member(*, user, membership: Membership) -> int:
    """Lift a member's login lock (django-axes) at once; returns the failure records removed.

    Only for those who manage the municipality's members. The lock is per account, so this
    also unlocks the account for its other municipalities: it grants no access, it only lets
    the owner try their password again.
    """
    require(user, Action.MANAGE_MEMBERS, membership.municipality)
    return reset_login_failures(username=membership.user.get_username())


def _ensure_other_admin(membership: Membership) -> None:
    # An inactive user cannot log in, so cannot administer the municipality either.
    others = Membership.objects.filter(
        municipality=membership.municipality, user__is_active=True
    ).exclude(pk=membership.pk)
    if not any("municipal_admin" in other.roles for other in others):
        raise AccountsError(_("The municipality needs at least one municipal administrator."))


def send_invitation(*, membership: Membership, base_url: str) -> None:
    """E-mail the member a link to set their own password (Django's password-reset token)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = membership.user
    if not user.email:
        raise AccountsError(_("%(user)s has no e-mail address.") % {"user": user.username})
    link = base_url.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "municipality": membership.municipality, "link": link}
    send_mail(
        subject=_("Invitation to KECK – %(municipality)s")
        % {"municipality": membership.municipality.name},
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


# --- operator access only by consent (issue 11) ------------------------------------------------

# A start a few minutes back is "now" entered by hand in a form; further back would pretend a
# consent that was not given at the time.
_BACKDATING_TOLERANCE = datetime.timedelta(minutes=5)


@transaction.atomic
def grant_support_access(
    *,
    user,
    municipality: Municipality,
    grantee,
    reason: str,
    days: int = SupportGrant.DEFAULT_DAYS,
    starts_at: datetime.datetime | None = None,
) -> SupportGrant:
    """A municipal administrator lets one platform operator (an active staff account) read the
    municipality's internal data for `days` days from `starts_at` (now by default)."""
    require(user, Action.MANAGE_MEMBERS, municipality)
    now = timezone.now()
    starts_at = starts_at or now
    reason = (reason or "").strip()
    if grantee is None or not grantee.is_active or not grantee.is_staff:
        raise AccountsError(
            _("Support access can only be granted to an active operator account (staff).")
        )
    if Membership.objects.filter(user=grantee, municipality=municipality).exists():
        raise AccountsError(
            _("%(user)s is a member of this municipality and needs no support access.")
            % {"user": grantee.get_username()}
        )
    if not reason:
        raise AccountsError(_("Please give the reason for the support access."))
    if not 1 <= days <= SupportGrant.MAX_DAYS:
        raise AccountsError(
            _("Support access lasts from 1 to %(max)s days.") % {"max": SupportGrant.MAX_DAYS}
        )
    if starts_at < now - _BACKDATING_TOLERANCE:
        raise AccountsError(_("Support access cannot start in the past."))
    ends_at = starts_at + datetime.timedelta(days=days)
    overlapping = (
        SupportGrant.objects.select_for_update()
        .filter(
            municipality=municipality,
            grantee=grantee,
            revoked_at__isnull=True,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .first()
    )
    if overlapping is not None:
        raise AccountsError(
            _(
                "%(user)s already has support access until %(end)s. Revoke it first to grant "
                "a new one."
            )
            % {
                "user": grantee.get_username(),
                "end": formats.date_format(
                    timezone.localtime(overlapping.ends_at), "SHORT_DATETIME_FORMAT"
                ),
            }
        )
    grant = SupportGrant.objects.create(
        municipality=municipality,
        grantee=grantee,
        granted_by=user,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    forget_cached_memberships(grantee)
    return grant


@transaction.atomic
def revoke_support_grant(*, user, grant: SupportGrant) -> SupportGrant:
    """End a grant at once (or cancel a scheduled one); its access log stays."""
    require(user, Action.MANAGE_MEMBERS, grant.municipality)
    grant = SupportGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status() in (SupportGrant.Status.ENDED, SupportGrant.Status.REVOKED):
        raise AccountsError(_("This support access has already ended."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    forget_cached_memberships(grant.grantee)
    return grant


def record_support_access(
    *, grant: SupportGrant, user, method: str, path: str, status_code: int
) -> SupportAccess:
    """Log one request of an operator under `grant` (one insert, called for every request)."""
    return SupportAccess.objects.create(
        grant=grant,
        user=user,
        method=method[:10],
        path=path[: SupportAccess._meta.get_field("path").max_length],
        status_code=status_code,
    )
