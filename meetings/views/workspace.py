"""The recording workspace's own requests: one attendance row saved at a time."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from meetings import services
from meetings.minutes import in_agenda_order
from meetings.models import Meeting
from meetings.workspace import PRESENCE_CHOICES, expected_attendance
from people import roles


@require_POST
def attendance_row(request, pk, person_pk):
    """Save one person's attendance. htmx leaves the row as the officer set it and updates
    its version and the table's status line; without JavaScript the record page reloads."""
    roles.require_recorder(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    services.ensure_in_progress(meeting)
    attendances = list(meeting.attendances.select_related("person", "post"))
    items = [item for item, _depth, _children in in_agenda_order(list(meeting.items.all()))]
    rows = expected_attendance(meeting, attendances, items, data=request.POST, only=person_pk)
    if not rows:
        raise Http404("This person is not expected at the meeting.")
    row = rows[0]
    form = row.form
    saved = form.save() if form.is_valid() else None
    if form.errors:
        context = {"row": row, "meeting": meeting, "items": items}
        if request.htmx:
            response = render(request, "meetings/_record_attendance.html", context)
            response["HX-Retarget"] = f"#attendance-{row.person.pk}"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "meetings/attendance_row_form.html", context)
    presence = dict(PRESENCE_CHOICES)[form.cleaned_data["presence"]].lower()
    reason = f" ({saved.reason})" if saved is not None and saved.reason else ""
    message = f"{row.person.name}: {presence}{reason}, saved."
    if request.htmx:
        return render(
            request,
            "meetings/_attendance_saved.html",
            {"row": row, "message": message, "version": saved.version if saved else ""},
        )
    messages.success(request, message)
    return redirect(meeting.get_record_url() + f"#attendance-{row.person.pk}")
