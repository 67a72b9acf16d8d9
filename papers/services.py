"""Attaching and withdrawing papers: the rules of who may, and when."""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings.services import ensure_in_progress
from papers.models import Paper, storage_name
from people import roles


def can_attach_to_item(user):
    """Papers for the agenda are the minute-taker's: OPCC staff."""
    return roles.can_record_minutes(user)


def can_attach_to_update(user, action):
    """An update's owner reports it; OPCC staff may record one an owner sent them."""
    return action.is_owned_by(user) or roles.is_opcc_staff(user)


def can_withdraw(user, paper):
    if paper.item_id:
        return can_attach_to_item(user)
    return can_attach_to_update(user, paper.update.action)


def _next_position(papers):
    return (papers.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def attach_to_item(item, *, upload, name, kind, title, by):
    """Attach a paper to an agenda item while its minutes are open: agreed minutes are the
    record, and their papers are changed only after reopening them for a correction."""
    if not can_attach_to_item(by):
        raise PermissionDenied("Only OPCC staff attach papers to the agenda.")
    ensure_in_progress(item.meeting)
    return _create(upload, name=name, kind=kind, title=title, by=by, item=item)


@transaction.atomic
def attach_to_update(update, *, upload, name, kind, title, by):
    """Attach a paper to a progress update of an action (only to an update)."""
    if not can_attach_to_update(by, update.action):
        raise PermissionDenied("Only the action's owners and OPCC staff attach papers to it.")
    return _create(upload, name=name, kind=kind, title=title, by=by, update=update)


def _create(upload, *, name, kind, title, by, **parent):
    paper = Paper(
        title=title,
        original_name=name,
        kind=kind,
        size=upload.size,
        uploaded_by=by,
        position=_next_position(Paper.objects.filter(**parent)),
        **parent,
    )
    # The storage name is ours (``storage_name``): the upload's own name is never used, and
    # knowing it before writing is what lets a failed write be cleaned up.
    name = storage_name(paper, upload.name)
    try:
        paper.file.name = default_storage.save(name, upload)
        paper.save()
    except BaseException:
        # All or nothing: a write that failed half way (a full disk) leaves no file behind.
        if default_storage.exists(name):
            default_storage.delete(name)
        raise
    return paper


@transaction.atomic
def withdraw(paper, *, by, reason):
    """Withdraw a paper: it leaves the lists and the pack, and is kept with who, when and why.
    Nothing is deleted, from the database or the storage."""
    if not can_withdraw(by, paper):
        raise PermissionDenied("You may not withdraw this paper.")
    if paper.item_id:
        ensure_in_progress(paper.item.meeting)
    paper.withdrawn_at = timezone.now()
    paper.withdrawn_by = by
    paper.withdrawal_reason = reason
    paper.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return paper
