"""Interests declared at an item: added and taken off while the minutes are being written;
what was taken off stays in the history of the minutes."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import ALREADY_SAVED, first_submission
from meetings import services
from meetings.forms.minutes import DeclarationForm
from meetings.models import AgendaItem, Declaration
from people import roles


def item_declarations(request, pk):
    """The interests declared at an item, and a form to add one."""
    roles.require_recorder(request.user)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "parent"), pk=pk)
    services.ensure_in_progress(item.meeting)
    form = DeclarationForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        if not first_submission(form, request.user):
            messages.info(request, ALREADY_SAVED)
            return redirect("meetings:declarations", item.pk)
        form.instance.item = item
        form.instance.position = item.declarations.count()
        declaration = form.save()
        messages.success(request, f"Declared at item {item.label}: {declaration.sentence}")
        return redirect(item.meeting.get_record_url(item))
    return render(
        request,
        "meetings/declarations.html",
        {
            "item": item,
            "meeting": item.meeting,
            "form": form,
            "declarations": item.declarations.select_related("person"),
        },
    )


@require_POST
def declaration_delete(request, pk):
    roles.require_recorder(request.user)
    declaration = get_object_or_404(
        Declaration.objects.select_related("item__meeting", "person"), pk=pk
    )
    item = declaration.item
    services.ensure_in_progress(item.meeting)
    declaration.delete()
    messages.success(
        request, f"Taken off item {item.label}: {declaration.sentence} (kept in the history)."
    )
    return redirect("meetings:declarations", item.pk)
