from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from actions.models import Action, ActionEvent
from core.forms import ALREADY_SAVED, first_submission
from meetings.minutes import in_agenda_order
from meetings.models import Meeting
from meetings.services import ensure_in_progress
from papers import emailed as emailed_links
from papers import services
from papers.forms import PaperForm, WithdrawForm
from papers.kept_pack import request_pack
from papers.models import PackStatus, Paper, visible_items
from people import roles


def _visible_meeting(request, pk):
    return get_object_or_404(Meeting.objects.visible_to(request.user).with_people(), pk=pk)


def _papers_in_order():
    return Paper.objects.select_related("uploaded_by", "withdrawn_by").order_by("position", "pk")


@require_GET
def meeting_papers(request, pk):
    """Every item of the meeting the user may see, with its papers, withdrawn ones struck."""
    meeting = _visible_meeting(request, pk)
    items = list(
        visible_items(request.user)
        .filter(meeting=meeting)
        .select_related("theme")
        .prefetch_related(Prefetch("papers", _papers_in_order()))
    )
    # Items under a restricted one are left out by ``visible_items`` for the force; an item
    # whose parent is left out would be an orphan, so it starts a tree of its own.
    by_pk = {item.pk for item in items}
    for item in items:
        if item.parent_id not in by_pk:
            item.parent_id = None
    rows = [(item, depth) for item, depth, _ in in_agenda_order(items)]
    return render(
        request,
        "papers/meeting_papers.html",
        {
            "meeting": meeting,
            "rows": rows,
            "can_attach": services.can_attach_to_item(request.user) and meeting.in_progress,
        },
    )


def item_add(request, pk):
    if not services.can_attach_to_item(request.user):
        raise PermissionDenied("Only OPCC staff attach papers to the agenda.")
    item = get_object_or_404(
        visible_items(request.user).select_related("meeting", "theme", "parent"), pk=pk
    )
    ensure_in_progress(item.meeting)
    form = PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        paper, repeated = _attach(request, form, services.attach_to_item, item)
        if repeated:
            messages.info(request, ALREADY_SAVED)
        elif paper:
            messages.success(request, _saved(paper, f"item {item.label}"))
        if repeated or paper:
            return redirect("papers:meeting", item.meeting_id)
    return render(
        request,
        "papers/paper_form.html",
        {
            "form": form,
            "heading": f"Attach a paper to item {item.label} {item.title}",
            "context_line": item.meeting.title,
            "papers": item.papers.order_by("position", "pk"),
            "back_url": reverse("papers:meeting", args=[item.meeting_id]) + f"#item-{item.pk}",
        },
    )


STORAGE_REFUSED = (
    "The paper could not be stored: the file storage refused it (it may be full). Nothing "
    "was kept; try again later, and tell your administrator if it happens again."
)


def _attach(request, form, attach, parent):
    """(the paper, False) once attached; (None, True) for a repeat of a form already saved
    (a double click, a slow upload retried), which stores nothing; (None, False) with the
    refusal beside the file field when the storage could not take it. The form's one-time
    token is claimed with the paper or not at all, so a refused upload may be tried again."""
    try:
        with transaction.atomic():
            if not first_submission(form, request.user):
                return None, True
            return attach(parent, by=request.user, **_paper_fields(form)), False
    except OSError:
        form.add_error("file", STORAGE_REFUSED)
        return None, False


def _paper_fields(form):
    data = form.cleaned_data
    return {
        "upload": data["file"],
        "name": data["name"],
        "kind": data["kind"],
        "title": data["title"],
    }


def _saved(paper, where):
    return f"“{paper.title}” ({paper.download_name}, {paper.size_display}) attached to {where}."


def _visible_action(request, pk):
    return get_object_or_404(Action.objects.visible_to(request.user), pk=pk)


@require_GET
def action_papers(request, pk):
    """An action's progress updates, newest first, each with its papers."""
    action = _visible_action(request, pk)
    updates = (
        action.events.filter(kind=ActionEvent.Kind.UPDATE)
        .select_related("by")
        .prefetch_related(Prefetch("papers", _papers_in_order()))
        .order_by("-on_date", "-at", "-pk")
    )
    return render(
        request,
        "papers/action_papers.html",
        {
            "action": action,
            "updates": updates,
            "can_attach": services.can_attach_to_update(request.user, action),
        },
    )


def update_add(request, pk):
    update = get_object_or_404(
        ActionEvent.objects.filter(
            kind=ActionEvent.Kind.UPDATE,
            action__in=Action.objects.visible_to(request.user).values("pk"),
        ).select_related("action"),
        pk=pk,
    )
    action = update.action
    if not services.can_attach_to_update(request.user, action):
        raise PermissionDenied("Only the action's owners and OPCC staff attach papers to it.")
    form = PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        paper, repeated = _attach(request, form, services.attach_to_update, update)
        if repeated:
            messages.info(request, ALREADY_SAVED)
        elif paper:
            where = f"the update of {date_format(update.on_date, 'j F Y')} to {action.reference}"
            messages.success(request, _saved(paper, where))
        if repeated or paper:
            return redirect("papers:action", action.pk)
    return render(
        request,
        "papers/paper_form.html",
        {
            "form": form,
            "heading": f"Attach a paper to the update of {date_format(update.on_date, 'j F Y')}",
            "context_line": f"Action {action.reference}: {update.text}",
            "papers": update.papers.order_by("position", "pk"),
            "back_url": reverse("papers:action", args=[action.pk]),
        },
    )


def _visible_paper(request, pk):
    paper = get_object_or_404(
        Paper.objects.visible_to(request.user).select_related("item__meeting", "update__action"),
        pk=pk,
    )
    # A withdrawn paper stays on the record for OPCC staff only.
    if paper.withdrawn and not roles.is_opcc_staff(request.user):
        raise Http404
    return paper


@require_GET
def download(request, pk):
    """The file, as an attachment of the type its content was found to be: never shown in
    the browser, so a paper cannot run as a page of this site."""
    return _download(_visible_paper(request, pk))


def _download(paper):
    response = FileResponse(
        paper.file.open("rb"),
        as_attachment=True,
        filename=paper.download_name,
        content_type=paper.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def withdraw(request, pk):
    paper = _visible_paper(request, pk)
    if paper.withdrawn:
        raise Http404
    if not services.can_withdraw(request.user, paper):
        raise PermissionDenied("You may not withdraw this paper.")
    back = (
        reverse("papers:meeting", args=[paper.item.meeting_id])
        if paper.item_id
        else reverse("papers:action", args=[paper.update.action_id])
    )
    if paper.item_id:
        ensure_in_progress(paper.item.meeting)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(paper, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"“{paper.title}” withdrawn. It is kept in the record.")
        return redirect(back)
    return render(
        request,
        "papers/withdraw_form.html",
        {"form": form, "paper": paper, "back_url": back},
    )


@require_GET
def pack(request, pk):
    """The meeting pack as the reader may see it: the kept PDF when it is made, else a page
    that says it is being made (and checks again by itself), or that it failed, with a way
    to ask again (``?again=1``)."""
    meeting = _visible_meeting(request, pk)
    full = roles.sees_all_minutes(request.user)
    kept = request_pack(meeting, full, again="again" in request.GET)
    # htmx asks while the page waits: it is told the pack is ready, and the link downloads it.
    if kept.status == PackStatus.READY and not request.htmx:
        response, kept = _ready_pack(meeting, full, kept)
        if response is not None:
            return response
    context = {"meeting": meeting, "pack": kept, "Status": PackStatus}
    if request.htmx:
        return render(request, "papers/pack_status.html#status", context)
    return render(request, "papers/pack_status.html", context)


def _ready_pack(meeting, full, kept):
    """(the kept pack as a download, kept) or, when its file is gone from the storage, (None,
    the pack asked for again)."""
    try:
        body = kept.file.open("rb")
    except FileNotFoundError:
        kept.delete()
        return None, request_pack(meeting, full)
    response = FileResponse(
        body,
        as_attachment=True,
        filename=f"{meeting.title} meeting pack.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response, kept


# Why an emailed link gave nothing, and the status it answers with.
REFUSED = {
    "invalid": (404, "This link is not recognised"),
    "expired": (410, "This link has expired"),
    "gone": (404, "This paper is no longer available from this link"),
    "other": (403, "This link was sent to someone else"),
}


@login_not_required
@require_GET
def emailed(request, token):
    """A pack or paper an agenda email linked to, too large to attach, for the recipient the
    link names, with no sign-in (papers.emailed). A signed-in reader who may see it is sent to
    its usual address instead, whatever the link's age."""
    try:
        person_pk, kind, pk, expired = emailed_links.read_link(token)
        usual = _usual_address(request.user, kind, pk)
        if usual:
            return redirect(usual)
        if expired:
            raise emailed_links.Refused("expired")
        # Signed in as someone else, the link is not theirs to use (a forwarded email).
        person = getattr(request.user, "person", None)
        if request.user.is_authenticated and (person is None or person.pk != person_pk):
            raise emailed_links.Refused("other")
        found = emailed_links.resolve(person_pk, kind, pk)
    except emailed_links.Refused as refused:
        status, heading = REFUSED[refused.state]
        return _private(
            render(
                request,
                "papers/emailed.html",
                {"heading": heading, "state": refused.state, "days": settings.MAIL_FILE_LINK_DAYS},
                status=status,
            )
        )
    if found.kind == emailed_links.PAPER:
        return _private(_download(found.paper))
    kept = request_pack(found.meeting, found.full)
    if kept.status == PackStatus.READY:
        response, kept = _ready_pack(found.meeting, found.full, kept)
        if response is not None:
            return _private(response)
    heading = f"Meeting pack: {found.meeting.title}"
    context = {"heading": heading, "pack": kept, "Status": PackStatus}
    return _private(render(request, "papers/emailed.html", context))


def _usual_address(user, kind, pk):
    if not user.is_authenticated:
        return None
    if kind == emailed_links.PAPER:
        paper = Paper.objects.current().visible_to(user).filter(pk=pk).first()
        return paper.get_absolute_url() if paper else None
    if Meeting.objects.visible_to(user).filter(pk=pk).exists():
        return reverse("papers:pack", args=[pk])
    return None


def _private(response):
    """The address holds a secret: never kept by a cache, never sent on as a referrer."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response
