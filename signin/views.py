"""Signing in (a password, then a code where the login has two factors), setting up two
factors, one's own sessions, and the groups mapped to roles."""

import time

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from people import accounts, roles
from signin import providers, sessions, two_factor
from signin.forms import CodeForm, RoleMappingForm, SetupForm
from signin.models import RoleMapping
from signin.throttle import SignInForm

PENDING = "signin_pending"
WRONG_CODE = (
    "That code is not right. Check the app shows this site, and give the code it shows now."
)
WAIT = (
    "After a wrong code, each try must wait a little longer: wait a few seconds, then give "
    "the code the app shows then."
)


class SignInView(auth_views.LoginView):
    """Django's sign-in page, with the identity providers' buttons; a login with two factors
    is not signed in until the code is given (``code``)."""

    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(providers=providers.buttons(), **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_two_factor(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("signin:code")
        return super().form_valid(form)


class SignOutView(auth_views.LogoutView):
    """Django's sign-out, then, for a session that came from an identity provider, the
    provider's own sign-out, which comes back to the sign-in page."""

    def post(self, request, *args, **kwargs):
        signed_in_with = request.session.get(providers.SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if signed_in_with:
            url = providers.end_session_url(request, signed_in_with)
            if url:
                return HttpResponseRedirect(url)
        return response


def _signed_in_with(request, user, pending, device):
    del request.session[PENDING]
    recovery = isinstance(device, StaticDevice)
    request.signin_method = "Password and recovery code" if recovery else "Password and code"
    auth.login(request, user, backend=pending["backend"])
    django_otp.login(request, device)
    if recovery:
        left = two_factor.recovery_codes_left(user)
        messages.warning(
            request,
            f"You used a recovery code: {left} left. Each works once; you can make new ones "
            "on the two-factor page.",
        )
    return redirect(pending["next"])


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def code(request):
    """The second factor, after the password: the app's code or a recovery code.

    A wrong code is a failed sign-in to django-axes, counted with wrong passwords for the
    same login from the same address.
    """
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, "Please sign in with your password first.")
        return redirect("login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify(user, form.cleaned_data["code"])
        except two_factor.Throttled:
            # Not checked, so neither right nor a failed sign-in.
            form.add_error("code", WAIT)
        else:
            if device is None:
                form.add_error("code", WRONG_CODE)
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            else:
                return _signed_in_with(request, user, pending, device)
    return render(request, "signin/code.html", {"form": form})


@require_GET
def two_factor_page(request):
    """Whether the login has two factors, and what can be done about it."""
    user = request.user
    return render(
        request,
        "signin/two_factor.html",
        {
            "enabled": two_factor.has_two_factor(user),
            "required": two_factor.required_for(user),
            "verified": user.is_verified(),
            "codes_left": two_factor.recovery_codes_left(user),
            "has_password": user.has_usable_password(),
        },
    )


def two_factor_setup(request):
    """Scan the code into an authenticator app, give the code it shows: two factors are on,
    and the recovery codes are shown once."""
    user = request.user
    if two_factor.has_two_factor(user) and not (
        two_factor.required_for(user) and not user.is_verified()
    ):
        messages.info(request, "Two factors are on already.")
        return redirect("signin:two_factor")
    if two_factor.has_two_factor(user):
        # Required, and this session did not give a code: it must sign in again with one.
        return redirect("signin:two_factor")
    device = two_factor.pending_device(user)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        codes = two_factor.confirm(user, device, form.cleaned_data["code"]) if allowed else None
        if not allowed:
            form.add_error("code", WAIT)
        elif codes is None:
            form.add_error(
                "code",
                "That code is not right: give the six digits the app shows now for this site.",
            )
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            return render(request, "signin/recovery_codes.html", {"codes": codes, "new": True})
    return render(
        request,
        "signin/two_factor_setup.html",
        {"form": form, "qr_code": two_factor.qr_code(device), "secret": two_factor.secret(device)},
    )


def _needs_verified(request):
    if not request.user.is_verified():
        messages.error(request, "Sign out, then sign in again with your code, to change this.")
        return True
    return False


@require_POST
def recovery_codes(request):
    if not two_factor.has_two_factor(request.user) or _needs_verified(request):
        return redirect("signin:two_factor")
    codes = two_factor.new_recovery_codes(request.user)
    return render(request, "signin/recovery_codes.html", {"codes": codes, "new": False})


@require_POST
def two_factor_off(request):
    user = request.user
    if two_factor.required_for(user):
        messages.error(
            request,
            "Two factors are required for your role: they cannot be turned "
            "off. To move them to a new phone, ask OPCC staff who manage users to "
            "reset them.",
        )
        return redirect("signin:two_factor")
    if not two_factor.has_two_factor(user) or _needs_verified(request):
        return redirect("signin:two_factor")
    two_factor.remove(user, by=user)
    messages.success(request, "Two factors are off: you sign in with your password alone.")
    return redirect("signin:two_factor")


@require_POST
def reset_two_factor(request, pk):
    """For a lost phone: OPCC staff who manage users turn someone's two factors off, and sign
    them out everywhere; they set them up again at their next sign-in."""
    roles.require_user_manager(request.user)
    user = get_object_or_404(get_user_model(), pk=pk)
    if two_factor.remove(user, by=request.user):
        accounts.end_sessions(user)
        messages.success(
            request,
            f"{accounts.display_name(user)}'s two factors are reset, and "
            "they are signed out everywhere.",
        )
    else:
        messages.info(request, f"{accounts.display_name(user)} has no two factors to reset.")
    return redirect("logins:detail", user.pk)


# Sessions


@require_GET
def session_list(request):
    rows = sessions.live_sessions(request.user)
    for row in rows:
        row.current = row.session_key == request.session.session_key
    return render(request, "signin/sessions.html", {"sessions": rows})


@require_POST
def session_end(request, pk):
    # Another login's session is not found, as an unknown one is.
    row = get_object_or_404(request.user.sign_in_sessions, pk=pk)
    if row.session_key == request.session.session_key:
        messages.info(request, "That is this session: sign out to end it.")
    else:
        sessions.end(request.user, row.session_key)
        messages.success(request, "That session is ended: it is signed out.")
    return redirect("signin:sessions")


@require_POST
def sessions_end_others(request):
    ended = sessions.end_others(request.user, request.session.session_key)
    messages.success(
        request,
        f"Signed out everywhere else: {ended} other session{'s'[: ended != 1]} ended."
        if ended
        else "You had no other sessions.",
    )
    return redirect("signin:sessions")


# Groups mapped to roles


def role_mappings(request):
    """The provider groups whose members hold a role here, and a form to map another."""
    roles.require_role_mapping_manager(request.user)
    if request.method == "POST" and not providers.configured():
        messages.error(request, "No identity provider is configured, so no group can be mapped.")
        return redirect("signin:role_mappings")
    form = RoleMappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mapping = form.save(commit=False)
        mapping.created_by = request.user
        mapping.save()
        messages.success(request, f"Members of {mapping.group} now sign in as {mapping.role}.")
        return redirect("signin:role_mappings")
    return render(
        request,
        "signin/role_mappings.html",
        {
            "form": form,
            "mappings": RoleMapping.objects.select_related("created_by__person"),
            "providers": dict(providers.buttons()),
        },
    )


@require_POST
def role_mapping_delete(request, pk):
    roles.require_role_mapping_manager(request.user)
    mapping = get_object_or_404(RoleMapping, pk=pk)
    mapping.delete()
    messages.success(
        request,
        f"{mapping.group} no longer gives a role. Those who have one keep it until it is "
        "changed on their login's page.",
    )
    return redirect("signin:role_mappings")
