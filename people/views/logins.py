"""Logins and roles, for OPCC staff who manage users; and everyone's password reset."""

from axes.utils import reset as reset_failed_sign_ins
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, ListView

from core.forms import ALREADY_SAVED, first_submission
from people import accounts, roles
from people.forms.logins import (
    InviteForm,
    LoginFilterForm,
    ResetPasswordForm,
    RoleForm,
    duplicate_email_message,
)
from people.models import LoginEventKind, Office


class UserManagerRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        roles.require_user_manager(request.user)
        return super().dispatch(request, *args, **kwargs)


def _login(pk):
    return get_object_or_404(get_user_model().objects.select_related("person"), pk=pk)


def _base_url(request):
    return request.build_absolute_uri("/")


class LoginListView(UserManagerRequiredMixin, ListView):
    """Every login: whose it is, its role, whether it manages users, and its last sign-in."""

    template_name = "people/logins/login_list.html"
    context_object_name = "logins"
    paginate_by = 100

    def get_queryset(self):
        self.filter_form = LoginFilterForm(self.request.GET or None)
        return self.filter_form.filter(accounts.logins())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["rows"] = [
            {
                "login": user,
                "role": roles.role_of(user),
                "manages_users": roles.can_manage_users(user),
            }
            for user in accounts.remember_roles(context["logins"])
        ]
        return context


@require_GET
def who_can_do_what(request):
    """Each role, what it may do (worded in people.roles), and how many hold it."""
    roles.require_user_manager(request.user)
    counts = dict(
        Group.objects.filter(name__in=roles.ALL_ROLES)
        .annotate(active=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "active")
    )
    return render(
        request,
        "people/logins/who_can_do_what.html",
        {
            "roles": [
                (role, roles.ROLE_DESCRIPTIONS[role], counts.get(role, 0))
                for role in roles.ALL_ROLES
            ],
            "manage_users_description": roles.MANAGE_USERS_DESCRIPTION,
            "managers": accounts.user_managers().count(),
        },
    )


class InviteView(UserManagerRequiredMixin, FormView):
    """Give someone a login with one role, and email them a link to choose a password."""

    form_class = InviteForm
    template_name = "people/logins/invite_form.html"

    def get_initial(self):
        return {"person": self.request.GET.get("person")}

    def form_invalid(self, form):
        if form.repeats_a_submission():
            messages.info(self.request, ALREADY_SAVED)
            return redirect("logins:list")
        return super().form_invalid(form)

    def form_valid(self, form):
        if not first_submission(form, self.request.user):
            messages.info(self.request, ALREADY_SAVED)
            return redirect("logins:list")
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = data["person"] or accounts.new_person(
                    name=data["name"],
                    initials=data["initials"],
                    organisation=data["organisation"],
                    job_title=data["job_title"],
                    email=data["login_email"],
                )
                user = accounts.invite(
                    person=person,
                    email=data["login_email"],
                    role=data["role"],
                    manage_users=data["manage_users"],
                    by=self.request.user,
                    base_url=_base_url(self.request),
                )
        except IntegrityError:
            # Someone else gave the same address or initials a login a moment ago.
            existing = accounts.email_in_use(data["login_email"])
            if existing is not None:
                form.add_error("email", duplicate_email_message(existing))
            else:
                form.add_error("initials", "Someone in the directory already has these initials.")
            return self.form_invalid(form)
        except accounts.LoginRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{accounts.display_name(user)} has a login as {data['role']}; an invitation to "
            f"choose a password was emailed to {user.email}.",
        )
        return redirect("logins:detail", user.pk)


@require_GET
def login_detail(request, pk):
    """One login: its person, role and status, what can be done to it, and its record."""
    roles.require_user_manager(request.user)
    return _detail_page(request, _login(pk))


def _detail_page(request, user, role_form=None):
    role_form = role_form or RoleForm(
        initial={"role": roles.role_of(user), "manage_users": roles.holds_manage_users(user)}
    )
    return render(
        request,
        "people/logins/login_detail.html",
        {
            "login": user,
            "name": accounts.display_name(user),
            "role": roles.role_of(user),
            "manages_users": roles.can_manage_users(user),
            "role_form": role_form,
            "events": user.login_events.select_related("by__person"),
            "invited_not_signed_in": user.is_active and not user.has_usable_password(),
            "two_factor_on": accounts.has_two_factor(user),
        },
    )


def login_role(request, pk):
    """Change a login's role, and whether it may manage users."""
    roles.require_user_manager(request.user)
    user = _login(pk)
    if request.method != "POST":
        return _detail_page(request, user)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                accounts.change_role(
                    user,
                    role=form.cleaned_data["role"],
                    manage_users=form.cleaned_data["manage_users"],
                    by=request.user,
                )
        except accounts.LoginRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{accounts.display_name(user)}'s role saved.")
            return redirect("logins:detail", user.pk)
    return _detail_page(request, user, role_form=form)


def _state_change(request, pk, change, done):
    roles.require_user_manager(request.user)
    user = _login(pk)
    try:
        with transaction.atomic():
            change(user)
    except accounts.LoginRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done.format(name=accounts.display_name(user), user=user))
    return redirect("logins:detail", user.pk)


@require_POST
def login_deactivate(request, pk):
    return _state_change(
        request,
        pk,
        lambda user: accounts.deactivate_login(user, request.user),
        "{name} can no longer sign in: signed out everywhere, calendar feed stopped.",
    )


@require_POST
def login_reactivate(request, pk):
    return _state_change(
        request,
        pk,
        lambda user: accounts.reactivate_login(user, request.user),
        "{name} can sign in again.",
    )


@require_POST
def login_resend(request, pk):
    return _state_change(
        request,
        pk,
        lambda user: accounts.send_invitation(
            user, by=request.user, base_url=_base_url(request), again=True
        ),
        "A new invitation was emailed to {user.email}; any earlier link no longer works.",
    )


# Password reset: Django's views, with the office's wording and two additions.


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        # Rendered without the request's context processors: the office is passed in.
        return {"lifetime": accounts.link_lifetime(), "office": Office.current(self.request)}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a password from an emailed link (an invitation or a reset).

    Proving control of the address also lifts a lockout for too many failed sign-ins, so
    the new password works at once rather than after the cool-off.
    """

    def render_to_response(self, context, **response_kwargs):
        # A link that does not work names nothing: 404, with a page that says what to do.
        if not context.get("validlink"):
            response_kwargs["status"] = 404
        return super().render_to_response(context, **response_kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_failed_sign_ins(username=form.user.get_username())
        accounts.record(form.user, LoginEventKind.PASSWORD_SET)
        return response
