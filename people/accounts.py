"""Logins and roles: invitations, role changes, deactivation, and the record of each.

Roles are decided in ``people.roles``; this module only grants them. Every change is
recorded as a ``LoginEvent`` with who made it, since Django's User keeps no history.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.mail import automatic_headers
from people import roles
from people.models import LoginEvent, LoginEventKind, Office, Person
from people.signals import login_powers_changed


class LoginRefused(Exception):
    """A change to a login that the rules refuse; its text is the message to show."""


LAST_MANAGER = (
    "There must always be someone who can give logins: {name} is the last active user "
    "manager. Give another OPCC staff member the right to manage users first."
)


def manage_users_permission(*, lock=False):
    queryset = Permission.objects.filter(
        codename=roles.MANAGE_USERS_CODENAME, content_type__app_label="people"
    )
    if lock:
        # The one row every change to who manages users locks first: two managers removing
        # each other at once wait for one another, and the second sees the first's change.
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get()


def _holds_manage_users():
    """A filter for users granted the permission, directly or through a group."""
    permission = Permission.objects.filter(
        codename=roles.MANAGE_USERS_CODENAME, content_type__app_label="people"
    )
    return Exists(permission.filter(user=OuterRef("pk"))) | Exists(
        permission.filter(group__user=OuterRef("pk"))
    )


def user_managers():
    """Active logins that can give logins and roles (as ``roles.can_manage_users`` says)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | (Q(groups__name=roles.OPCC_STAFF) & _holds_manage_users()))
        .distinct()
    )


def logins():
    """Every login with what the list of logins shows, in a fixed number of queries."""
    return (
        get_user_model()
        .objects.select_related("person")
        .prefetch_related("groups")
        .annotate(holds_manage_users=_holds_manage_users())
        .order_by("-is_active", "first_name", "last_name", "username")
    )


def remember_roles(users):
    """Let ``people.roles`` answer for each listed login without a query of its own."""
    for user in users:
        roles.remember_grants(
            user, [group.name for group in user.groups.all()], user.holds_manage_users
        )
    return users


def record(user, kind, *, by=None, detail=""):
    return LoginEvent.objects.create(user=user, kind=kind, by=by, detail=detail)


def _ensure_last_manager_stays(user, *, loses_managing):
    """Refuse a change that would leave no active user manager."""
    if not loses_managing:
        return
    manage_users_permission(lock=True)
    if not user_managers().exclude(pk=user.pk).exists():
        raise LoginRefused(LAST_MANAGER.format(name=display_name(user)))


def display_name(user):
    person = getattr(user, "person", None)
    return (person.name if person else "") or user.get_full_name() or user.username


# Roles


def _set_role(user, role):
    if role not in roles.ALL_ROLES:
        raise ValueError(f"Not a role: {role!r}")
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES}
    user.groups.remove(*[group for name, group in groups.items() if name != role])
    user.groups.add(groups[role])


def _forget_roles(user):
    for cached in ("_role_names", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cached, None)


@transaction.atomic
def change_role(user, *, role, manage_users, by):
    """Give ``user`` exactly one role, and the right to manage users or not.

    Only OPCC staff may manage users: any other role withdraws it. The last active user
    manager cannot lose it (whoever asks), so the office is never left without one.
    """
    if manage_users and role != roles.OPCC_STAFF:
        raise LoginRefused("Only OPCC staff can manage users.")
    before_role = roles.role_of(user)
    before_managing = roles.holds_manage_users(user)
    was_manager = roles.can_manage_users(user)
    will_manage = user.is_superuser or (role == roles.OPCC_STAFF and manage_users)
    if user.is_active:
        _ensure_last_manager_stays(user, loses_managing=was_manager and not will_manage)
    if before_role != role:
        _set_role(user, role)
        # A session begun under the old role ends, on every device: whoever holds one of its
        # keys (a shared PC, a log) must sign in again to have the new role.
        end_sessions(user)
        login_powers_changed.send(sender=type(user), user=user)
        record(
            user,
            LoginEventKind.ROLE_CHANGED,
            by=by,
            detail=f"From {before_role or 'no role'} to {role}.",
        )
    permission = manage_users_permission()
    if manage_users and not before_managing:
        user.user_permissions.add(permission)
        record(user, LoginEventKind.MANAGE_USERS_GRANTED, by=by)
    elif not manage_users and before_managing:
        user.user_permissions.remove(permission)
        record(user, LoginEventKind.MANAGE_USERS_WITHDRAWN, by=by)
    _forget_roles(user)
    return user


# Invitations and set-password links


def set_password_path(user):
    """The path of a link that lets ``user`` choose a password: Django's password reset
    confirmation, so it works once (the token signs the current password) and expires
    after PASSWORD_RESET_TIMEOUT."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def link_lifetime():
    days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
    if days >= 1:
        return f"{days} day{'s'[: days != 1]}"
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // (60 * 60))
    return f"{hours} hour{'s'[: hours != 1]}"


def send_invitation(user, *, by, base_url, again=False):
    """Email ``user`` a link to choose their password; a new link voids any earlier one."""
    if not user.is_active:
        raise LoginRefused(f"{display_name(user)}'s login is deactivated: reactivate it first.")
    if user.has_usable_password():
        raise LoginRefused(
            f"{display_name(user)} has chosen a password already. If they have forgotten it, "
            "they can ask for a new one from the sign-in page (Forgotten your password?)."
        )
    # A fresh unusable password changes what the token signs, so earlier links stop working.
    user.set_unusable_password()
    user.save(update_fields=["password"])
    context = {
        "name": display_name(user),
        "by": display_name(by) if by else None,
        "role": roles.role_of(user),
        "username": user.username,
        "link": base_url.rstrip("/") + set_password_path(user),
        "sign_in": base_url.rstrip("/") + reverse("login"),
        "lifetime": link_lifetime(),
        "office": Office.current(),
    }
    EmailMessage(
        render_to_string("people/logins/email/invitation_subject.txt", context).strip(),
        render_to_string("people/logins/email/invitation.txt", context),
        to=[user.email],
        headers=automatic_headers(),
    ).send()
    kind = LoginEventKind.INVITATION_RESENT if again else LoginEventKind.INVITED
    record(user, kind, by=by, detail=f"To {user.email}.")


def username_for(email):
    return email.strip().lower()


def email_in_use(email, *, exclude=None):
    """The login already using ``email`` (as its username or its address), if any."""
    email = username_for(email)
    users = get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.select_related("person").first()


@transaction.atomic
def create_login(*, person, email, role, manage_users, by):
    """A login for ``person``, signed in with ``email``, with no password until they choose
    one from the link they are sent."""
    if person.user_id is not None:
        raise LoginRefused(f"{person.name} has a login already.")
    email = username_for(email)
    first, _, last = person.name.partition(" ")
    user = get_user_model()(username=email, email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    user.save()
    person.user = user
    if not person.email:
        person.email = email
    person.save(update_fields=["user", "email"])
    record(user, LoginEventKind.CREATED, by=by, detail=f"For {person.name}.")
    change_role(user, role=role, manage_users=manage_users, by=by)
    return user


def invite(*, person, email, role, manage_users, by, base_url):
    """Create a login for ``person`` and email them the link to choose a password."""
    user = create_login(person=person, email=email, role=role, manage_users=manage_users, by=by)
    send_invitation(user, by=by, base_url=base_url)
    return user


def new_person(*, name, initials, organisation, job_title="", email=""):
    return Person.objects.create(
        name=name, initials=initials, organisation=organisation, job_title=job_title, email=email
    )


# Deactivation


def end_sessions(user):
    """Delete every session signed in as ``user``: they are signed out everywhere at once.

    Sessions are signed blobs with no user column, so each live one is decoded; an office
    has a few dozen at most. The authentication middleware refuses an inactive user's
    session anyway; deleting them keeps reactivation from bringing old sessions back.
    """
    user_id = str(user.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in ended:
        # Through the session engine, so that a copy in the shared cache goes too.
        store(session_key=key).delete()
    return len(ended)


@transaction.atomic
def deactivate_login(user, by, *, detail=""):
    """Stop ``user`` signing in, end their sessions and their calendar feed, at once.

    Nothing else changes: their person, actions and role stay, so a reactivated login is as
    it was. The last active user manager cannot be deactivated.
    """
    if not user.is_active:
        raise LoginRefused(f"{display_name(user)}'s login is already deactivated.")
    _ensure_last_manager_stays(user, loses_managing=roles.can_manage_users(user))
    user.is_active = False
    user.save(update_fields=["is_active"])
    end_sessions(user)
    login_powers_changed.send(sender=type(user), user=user)
    record(user, LoginEventKind.DEACTIVATED, by=by, detail=detail)
    return user


@transaction.atomic
def reactivate_login(user, by):
    if user.is_active:
        raise LoginRefused(f"{display_name(user)}'s login is already active.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(user, LoginEventKind.REACTIVATED, by=by)
    return user


def has_two_factor(user):
    """Whether the login has a confirmed authenticator (``signin.two_factor`` sets one up)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
