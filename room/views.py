"""The meeting room's screen: what the officer is minuting, in large type, as it is typed.

The screen asks every second and a half whether anything changed, with the ETag of what it
shows; the answer is a 304 of a few hundred bytes until the record or the officer's open item
moves. Nothing holds a server worker between asks, so a room full of laptops costs requests,
not workers; what is shown is worked out once per change and kept for every viewer of the
same version.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from actions.models import Action
from core.record import kept_content, record_version
from meetings.minutes import item_rows
from meetings.models import IN_PROGRESS, AgendaItem, Attendance, Meeting
from people import roles
from room.models import RoomFocus

# How often the screen asks (ms): within the two seconds the room should wait for a save.
POLL_MS = 1500
VIEWS = {"full": "Full", "force": "As the force sees it"}


def _view(request):
    """ "full" only for those who see every meeting's minutes, and only when asked for: the
    force, and anyone choosing it for a room with the force in it, see the public version."""
    if roles.sees_all_minutes(request.user) and request.GET.get("view") == "full":
        return "full"
    return "force"


def _focus(meeting):
    focus = RoomFocus.objects.filter(meeting=meeting).values_list("item_id", "changed_at").first()
    return focus or (None, None)


def _etag(meeting, view, focus):
    parts = [str(meeting.pk), view, record_version(), *(str(part) for part in focus)]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _content(meeting, view, item_id, etag):
    """The item on the screen, rendered once per version of the record and open item."""

    def work():
        item = (
            AgendaItem.objects.select_related("parent__parent").filter(pk=item_id).first()
            if item_id
            else None
        )
        rows = item_rows(meeting, item, public=view == "force") if item else []
        # Owners as they stand on each action shown, in one query for the screen.
        ids = [action.pk for row in rows for action in row.actions]
        owners = {
            action.pk: action.owner_display
            for action in Action.objects.filter(pk__in=ids).prefetch_related(
                "owner_posts", "owner_people", "owner_bodies"
            )
        }
        for row in rows:
            for action in row.actions:
                action.owners_now = owners.get(action.pk, "")
        html = render_to_string(
            "room/_content.html", {"meeting": meeting, "item": item, "rows": rows, "view": view}
        )
        return html, True

    html, _kept = kept_content(f"room:{meeting.pk}:{etag}", work)
    return html


def _meeting(request, pk):
    """The meeting, for those who may read its minutes, and for those recorded present at it
    while its minutes are being written: the force's attendees follow the screen on their own
    devices, in the version the force sees."""
    meetings = Meeting.objects.select_related("series")
    attending = Attendance.objects.filter(
        meeting=OuterRef("pk"), person__user=request.user, presence=Attendance.Presence.PRESENT
    )
    return get_object_or_404(
        meetings.filter(
            Q(pk__in=Meeting.objects.visible_to(request.user).values("pk"))
            | Q(Exists(attending), status__in=IN_PROGRESS)
        ),
        pk=pk,
    )


@require_GET
def room(request, pk):
    meeting = _meeting(request, pk)
    view = _view(request)
    item_id, changed_at = focus = _focus(meeting)
    etag = _etag(meeting, view, focus)
    context = {
        "meeting": meeting,
        "view": view,
        "view_name": VIEWS[view],
        "content": _content(meeting, view, item_id, etag),
        "etag": etag,
        "poll_ms": POLL_MS,
        "may_choose": roles.sees_all_minutes(request.user),
    }
    return render(request, "room/room.html", context)


@require_GET
@transaction.non_atomic_requests
def room_content(request, pk):
    """What the screen shows, or 304 when it shows it already (its ETag)."""
    meeting = _meeting(request, pk)
    view = _view(request)
    item_id, _at = focus = _focus(meeting)
    etag = _etag(meeting, view, focus)
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(_content(meeting, view, item_id, etag))
    response["ETag"] = etag
    # The browser must ask every time: the screen, not its cache, decides what is current.
    response["Cache-Control"] = "no-cache, private"
    return response


@require_POST
@transaction.non_atomic_requests
def follow(request, pk):
    """The record page says which item the officer opened: the screen shows it. Sent by the
    page on its own, often as it is left: no request-long transaction holds its tables' locks
    (a flush or a migration waiting behind it deadlocked once)."""
    if not roles.can_record_minutes(request.user):
        raise PermissionDenied("Only those who record the minutes move the room's screen.")
    meeting = get_object_or_404(Meeting, pk=pk)
    pk = request.POST.get("item", "")
    item = AgendaItem.objects.filter(meeting=meeting, pk=pk).first() if pk.isdigit() else None
    if item is None:
        return HttpResponseBadRequest("No such item in this meeting.")
    RoomFocus.objects.update_or_create(meeting=meeting, defaults={"item": item})
    return HttpResponse(status=204)
