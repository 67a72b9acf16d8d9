"""The page an owner without a login reaches from an email (``actions.update_links``), and
the office's issuing and revoking of such links."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from actions import update_links
from actions.forms import LinkUpdateForm
from actions.models import Action, Status, UpdateLink
from core.mail import automatic_headers
from people import roles
from people.models import Office, Person

# Why a link no longer works; each names the office (``{office}``) to ask for another.
SPENT = {
    "used": "This link has been used: each link gives one update. Ask the {office} for "
    "another, or wait for your next reminder.",
    "expired": "This link has expired. Ask the {office} for another, or wait for your next "
    "reminder.",
    "revoked": "This link has been withdrawn by the {office}. Ask them for another.",
}


def _spent(request, state):
    return SPENT[state].format(office=Office.current(request).name)


def _private(view):
    """The page holds a secret in its address: never kept by a cache, never sent on as a
    referrer."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = never_cache(view)(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def _link_page(request, status=200, **context):
    return render(request, "actions/update_by_link.html", context, status=status)


@login_not_required
@_private
def update_by_link(request, token):
    """One action, and a form for its owner's update; nothing else, and nobody signed in."""
    link = update_links.find(token)
    if link is None:
        return _link_page(request, 404, gone=True)
    if link.state != "open":
        return _link_page(request, 410, link=link, spent=_spent(request, link.state))
    if link.action.status in (Status.CLOSED, Status.WITHDRAWN):
        # Closed or withdrawn since the email went: nothing more to report, so no form.
        return _link_page(request, link=link, finished=True)
    form = LinkUpdateForm(request.POST or None, initial={"on_date": timezone.localdate()})
    if link.action.status != Status.OPEN:
        # Marked complete already: the update is all there is left to give.
        del form.fields["complete"]
    if request.method == "POST" and form.is_valid():
        try:
            update_links.report(
                link,
                text=form.cleaned_data["text"],
                on_date=form.cleaned_data["on_date"],
                complete=form.cleaned_data.get("complete", False),
            )
        except ValueError as state:
            # Used or withdrawn by another request meanwhile.
            return _link_page(request, 410, link=link, spent=_spent(request, str(state)))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _link_page(request, link=link, thanks=True)
    return _link_page(request, link=link, form=form)


@require_POST
def send_update_link(request, pk):
    """Email an owner without a login a link to report on this action."""
    if not roles.is_opcc_staff(request.user):
        raise PermissionDenied("Only OPCC staff send update links.")
    action = get_object_or_404(Action.objects.select_related("item", "meeting"), pk=pk)
    person_pk = request.POST.get("person", "")
    person = Person.objects.filter(pk=person_pk).first() if person_pk.isdecimal() else None
    if person is None or person not in update_links.owners_without_login(action):
        messages.error(request, "Choose an owner of this action who has no login.")
        return redirect(action)
    if not person.email:
        messages.error(request, f"{person.name} has no email address in the directory.")
        return redirect(action)
    url = request.build_absolute_uri(update_links.issue(action, person))
    body = render_to_string(
        "actions/email/update_link.txt",
        {
            "person": person,
            "action": action,
            "url": url,
            "days": settings.UPDATE_LINK_DAYS,
            "office": Office.current(request),
        },
    )
    EmailMessage(
        f"Progress on action {action.reference}",
        body,
        to=[person.email],
        headers=automatic_headers(),
    ).send()
    messages.success(request, f"A link to report on {action.reference} was sent to {person.name}.")
    return redirect(action)


@require_POST
def revoke_update_link(request, pk):
    if not roles.is_opcc_staff(request.user):
        raise PermissionDenied("Only OPCC staff withdraw update links.")
    link = get_object_or_404(UpdateLink.objects.select_related("action", "person"), pk=pk)
    update_links.revoke(link, by=request.user)
    messages.success(request, f"The link sent to {link.person.name} no longer works.")
    return redirect(link.action)
