import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_tasks import TaskResultStatus

from circulation import services, tasks
from circulation.forms import CommentForm, UpdatesForm
from circulation.models import Comment, EmailLog, Kind
from core.forms import ALREADY_SAVED, first_submission
from meetings.minutes import minuted_attendances, minutes_rows, next_meeting_line
from meetings.models import Meeting
from people import roles

logger = logging.getLogger(__name__)

SENDING = "Each email appears below once it has gone: refresh this page to see them."
RESEND = "Those listed below were sent it; sending again sends only to the others."


def _meeting_for_staff(request, pk):
    if not roles.is_opcc_staff(request.user):
        raise PermissionDenied("Only OPCC staff circulate a meeting's papers.")
    return get_object_or_404(Meeting.objects.with_people(), pk=pk)


def _base_url(request):
    return request.build_absolute_uri("/")


def _page(request, meeting, *, updates_form=None, status=200):
    emails = list(
        EmailLog.objects.filter(meeting=meeting)
        .select_related("person", "sent_by")
        .order_by("-sent_at", "recipient")
    )
    return render(
        request,
        "circulation/meeting.html",
        {
            "meeting": meeting,
            "emails": emails,
            "updates_form": updates_form or UpdatesForm(meeting=meeting),
            "comment_count": meeting.comments.count(),
        },
        status=status,
    )


@require_GET
def circulation_page(request, pk):
    """What can be sent about a meeting, and what was sent to whom and when."""
    return _page(request, _meeting_for_staff(request, pk))


# Each email's log row commits with its send, not with the whole request: a failure later in
# the request must not forget emails already gone, or a retry would send them again.
# What is sent only while the minutes are still being written, as the refusal names it.
BEFORE_THE_MINUTES_ARE_AGREED = {
    Kind.AGENDA: "the agenda is",
    Kind.UPDATES: "requests for updates are",
    Kind.DRAFT_MINUTES: "the draft for comment is",
}


@transaction.non_atomic_requests
@require_POST
def send(request, pk, kind):
    meeting = _meeting_for_staff(request, pk)
    if kind in BEFORE_THE_MINUTES_ARE_AGREED and not meeting.in_progress:
        # An agenda issued again for minutes already agreed or published would call people
        # to a meeting long held.
        messages.error(
            request,
            f"The minutes of {meeting.title} are {meeting.get_status_display().lower()}: "
            f"{BEFORE_THE_MINUTES_ARE_AGREED[kind]} no longer sent. Nothing was sent.",
        )
        return redirect("circulation:meeting", pk=meeting.pk)
    deadline = None
    if kind == Kind.UPDATES:
        form = UpdatesForm(request.POST, meeting=meeting)
        if not form.is_valid():
            return _page(request, meeting, updates_form=form)
        deadline = form.cleaned_data["deadline"].isoformat()
    # Sent by the task queue: at once, in this process, by default (TASKS in the settings),
    # or by the worker in production, while the officer watches the list of emails fill.
    result = tasks.circulate.enqueue(
        meeting.pk, kind, request.user.pk, _base_url(request), deadline
    )
    if result.status == TaskResultStatus.SUCCESSFUL:
        outcome = result.return_value
        level = messages.warning if outcome["trouble"] else messages.success
        level(request, f"{Kind(kind).label}. " + " ".join(outcome["lines"]))
    elif result.status == TaskResultStatus.FAILED:
        logger.error("Circulation %s of meeting %s failed:\n%s", kind, meeting.pk, result.errors)
        messages.error(request, f"{Kind(kind).label}: sending stopped with an error. " + RESEND)
    else:
        messages.info(request, f"{Kind(kind).label}: being sent. " + SENDING)
    return redirect("circulation:meeting", pk=meeting.pk)


def read(request, pk):
    """The meeting as circulated to one reader: its agenda and, while the draft is open for
    comment, the draft minutes and a form to comment. Restricted items are withheld from
    anyone who may not see them."""
    meeting = get_object_or_404(Meeting.objects.with_people(), pk=pk)
    if not services.may_read(request.user, meeting):
        raise Http404("No such meeting.")
    can_comment = services.may_comment(request.user, meeting)
    items = services.items_visible_to(request.user, meeting).order_by("position", "pk")
    form = CommentForm(items=items)
    status = 200
    if request.method == "POST":
        if not can_comment:
            raise PermissionDenied("These minutes are not open to your comments.")
        form = CommentForm(request.POST, items=items)
        if form.is_valid() and not first_submission(form, request.user):
            messages.info(request, ALREADY_SAVED)
            return redirect("circulation:read", pk=meeting.pk)
        if form.is_valid():
            Comment.objects.create(
                meeting=meeting,
                item=form.cleaned_data["item"],
                author=request.user,
                text=form.cleaned_data["text"],
            )
            messages.success(request, "Thank you: your comment was sent to the minute-taker.")
            return redirect("circulation:read", pk=meeting.pk)
    public = not roles.sees_all_minutes(request.user)
    rows = minutes_rows(meeting, public=public)
    own = Comment.objects.filter(meeting=meeting, author=request.user).select_related("item")
    # The draft is read as the minutes will be: who attended, and when the next meeting is.
    attendances = minuted_attendances(meeting)
    return render(
        request,
        "circulation/read.html",
        {
            "meeting": meeting,
            "rows": rows,
            "show_minutes": can_comment or not meeting.in_progress,
            "can_comment": can_comment,
            "form": form,
            "own_comments": own,
            "present": attendances.present,
            "apologies": attendances.apologies,
            "next_meeting": next_meeting_line(meeting),
        },
        status=status,
    )


@require_GET
def comments(request, pk):
    """Every comment on the draft, for the officer, by item in agenda order."""
    meeting = _meeting_for_staff(request, pk)
    comments = list(
        Comment.objects.filter(meeting=meeting)
        .select_related("item__theme", "author__person")
        # Comments on the minutes as a whole last, on SQLite as on PostgreSQL.
        .order_by(F("item__position").asc(nulls_last=True), "item_id", "created", "pk")
    )
    return render(request, "circulation/comments.html", {"meeting": meeting, "comments": comments})
