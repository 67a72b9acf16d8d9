from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format

from meetings.services import MinutesLocked

# Posted fields that carry no typing: the form's bookkeeping.
NOT_TYPED = {"csrfmiddlewaretoken", "submission", "version", "direction", "_typed"}


def locked_reason(meeting):
    """Why a change was refused: when, and by whom, the minutes were agreed (or published)."""
    event = meeting.status_events.filter(to_status=meeting.status).select_related("by").last()
    if event is None:
        return str(MinutesLocked(meeting))
    at = timezone.localtime(event.at)
    when = f"on {date_format(at, 'j F Y')} at {date_format(at, 'H:i')}"
    who = f" by {event.by.get_full_name() or event.by.get_username()}" if event.by else ""
    status = meeting.get_status_display().lower()
    return (
        f"The minutes are {status} and locked. They were {status} {when}{who}; reopen them, "
        "saying why, to make a correction."
    )


def typed_text(request):
    """What the refused form carried that a person typed. keep-typed.js names the text boxes
    in ``_typed``; without script, every field but the form's bookkeeping."""
    named = [name for name in request.POST.get("_typed", "").split(",") if name]
    names = named or [name for name in request.POST if name not in NOT_TYPED]
    texts = []
    for name in names:
        for value in request.POST.getlist(name):
            if value.strip():
                texts.append(value.strip())
    return texts


class MinutesLockedMiddleware:
    """A change refused because the minutes are agreed becomes a message on the minutes, with
    what was typed shown back; an htmx request gets the reason, unswapped, beside its form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MinutesLocked):
            return None
        reason = locked_reason(exception.meeting)
        if request.headers.get("HX-Request") == "true":
            # Not swapped (htmx leaves a 4xx alone): the typed text stays in its box, and
            # keep-typed.js shows the reason beside the form.
            return HttpResponse(
                reason,
                status=409,
                content_type="text/plain; charset=utf-8",
                headers={"HX-Reswap": "none"},
            )
        messages.error(request, reason)
        if request.method == "POST":
            for text in typed_text(request):
                messages.info(request, f"What you typed, not saved: {text}")
        response = redirect(exception.meeting)
        response.typed_not_saved = True
        return response
