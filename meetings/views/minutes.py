from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core import record
from core.forms import ALREADY_SAVED, first_submission
from core.history import describe_changes
from core.mixins import OnceOnlyCreateMixin
from meetings import kept_files, services
from meetings.documents import PdfUnavailable, minutes_docx, minutes_pdf
from meetings.forms.minutes import (
    AgendaItemForm,
    AgreeMinutesForm,
    AttendanceForm,
    FindingForm,
    ItemHeadForm,
    MeetingForm,
    ReopenMinutesForm,
)
from meetings.minutes import chair_fact, minuted_attendances, minutes_rows
from meetings.models import (
    IN_PROGRESS,
    AgendaItem,
    Attendance,
    Finding,
    KeptFileStatus,
    Meeting,
    MeetingSeries,
    MinutesStatus,
    MinutesVariant,
)
from meetings.signals import meeting_opened
from meetings.workspace import (
    BROUGHT_FORWARD_SHOWN,
    AddAttendeeForm,
    brought_forward_window,
    expected_attendance,
    item_state,
    lazy_brought_forward,
    mark_hidden_brought_forward,
    with_item_saved,
)
from people import roles
from people.context_processors import powers_held
from people.models import Office


def home(request):
    return redirect(roles.home_url_name(request.user))


def public_version(request):
    """The force only ever sees the public version; the OPCC can ask for it (?version=public)."""
    return not roles.sees_all_minutes(request.user) or request.GET.get("version") == "public"


def document_context(meeting, *, public=False):
    """What every rendering of the minutes reads: one document, frozen once agreed."""
    return {
        "meeting": meeting,
        "public": public,
        "doc": services.minutes_document(meeting, public=public),
    }


class MeetingListView(ListView):
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_people()

    def get_context_data(self, **kwargs):
        # Meetings being minuted that this login is recorded present at: the room's screen is
        # theirs to follow on their own device, whatever their role lets them read yet.
        attending = Meeting.objects.filter(
            status__in=IN_PROGRESS,
            attendances__person__user=self.request.user,
            attendances__presence=Attendance.Presence.PRESENT,
        ).order_by("-date")
        return super().get_context_data(
            series_list=MeetingSeries.objects.active(), attending=attending, **kwargs
        )


class MeetingDetailView(DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_people()

    def get(self, request, *args, **kwargs):
        """The page as kept for this login, the record's version and the day (core.record):
        what the login may see of the meeting moves with one or the other, so a page kept
        was one it was allowed."""
        whole = super().get
        return record.kept_page(
            request,
            lambda: record.page_key(
                request,
                "minutes",
                # The minutes show no progress updates (the record page does).
                record.request_version(request, record.settled),
                timezone.localdate().isoformat(),
                powers_held(request),
                request.get_full_path(),
            ),
            lambda: (whole(request, *args, **kwargs), True),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**detail_context(self.request, self.object), **kwargs)


def detail_context(request, meeting, reopen_form=None):
    """The minutes page: the minutes, their status history and the form to reopen them.

    Agreed minutes are read as kept for their version and variant, rendered once: the
    page then costs the same however long they are. Minutes being written are rendered
    from the record as it stands."""
    public = public_version(request)
    version = kept_files.frozen_version(meeting)
    if version is not None:
        variant = MinutesVariant.PUBLIC if public else MinutesVariant.FULL
        minutes = kept_files.minutes_html(version, variant)
    else:
        minutes = kept_files.render_minutes(services.minutes_document(meeting, public=public))
    return {
        "meeting": meeting,
        "public": public,
        "minutes_html": minutes,
        "status_events": meeting.status_events.select_related("by", "at_meeting"),
        "reopen_form": reopen_form or ReopenMinutesForm(),
    }


def visible_meeting(request, pk):
    return get_object_or_404(Meeting.objects.visible_to(request.user).with_people(), pk=pk)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def minutes_download(request, pk, kind):
    """The minutes as Word or PDF. Agreed minutes' are made once in the background and kept
    (``meetings.kept_files``): until they are ready the reader gets a page that says so
    and checks again by itself. Minutes being written are made while the reader waits."""
    meeting = visible_meeting(request, pk)
    public = public_version(request)
    suffix = " public" if public and roles.sees_all_minutes(request.user) else ""
    filename = f"{meeting.title} minutes{suffix}.{kind}"
    content_type = DOCX_TYPE if kind == "docx" else "application/pdf"
    version = kept_files.frozen_version(meeting)
    if version is None:
        try:
            body = _render_now(request, meeting, public, kind)
        except PdfUnavailable as error:
            messages.error(request, str(error))
            return redirect(meeting)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    variant = MinutesVariant.PUBLIC if public else MinutesVariant.FULL
    ask = {
        "base_url": request.build_absolute_uri("/"),
        "again": "again" in request.GET,
    }
    kept = kept_files.request_file(version, variant, kind, **ask)
    # htmx asks while the page waits: it is told the file is ready, and the link downloads it.
    if kept.status == KeptFileStatus.READY and not request.htmx:
        body = kept_files.read_ready(kept)
        if body is None:
            # Gone from the storage: asked for again.
            kept = kept_files.request_file(version, variant, kind, base_url=ask["base_url"])
            body = kept_files.read_ready(kept) if kept.status == KeptFileStatus.READY else None
        if body is not None:
            response = HttpResponse(body, content_type=content_type)
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
    url = request.path + ("?version=public" if public else "")
    context = {
        "meeting": meeting,
        "kept": kept,
        "Status": KeptFileStatus,
        "url": url,
        "again_url": url + ("&" if public else "?") + "again=1",
        "what": "Word document" if kind == "docx" else "PDF",
    }
    if request.htmx:
        return render(request, "meetings/minutes_file.html#status", context)
    # 202: accepted, and being made; the page checks again by itself.
    status = 202 if kept.status == KeptFileStatus.PREPARING else 200
    return render(request, "meetings/minutes_file.html", context, status=status)


def _render_now(request, meeting, public, kind):
    doc_context = document_context(meeting, public=public)
    if kind == "docx":
        return minutes_docx(doc_context["doc"], Office.current(request))
    return minutes_pdf(doc_context, base_url=request.build_absolute_uri("/"))


def changes_at_items(meeting):
    """The history of what is minuted at the meeting's items: of each model with an ``item``
    that says its changes are the minutes' (``changes_in_minutes``), which findings do here
    and the judgements do from the app above, unknown to this one."""
    for relation in AgendaItem._meta.related_objects:
        model = relation.related_model
        if getattr(model, "changes_in_minutes", False):
            yield from model.history.filter(**{f"{relation.field.name}__meeting_id": meeting.pk})


def meeting_history(request, pk):
    """Every recorded change to the minutes, newest first, with who made it and what changed."""
    roles.require_recorder(request.user)
    meeting = get_object_or_404(Meeting.objects.with_people(), pk=pk)
    records = [
        *Meeting.history.filter(id=meeting.pk),
        *Attendance.history.filter(meeting_id=meeting.pk),
        *AgendaItem.history.filter(meeting_id=meeting.pk),
        *changes_at_items(meeting),
    ]
    return render(
        request,
        "meetings/meeting_history.html",
        {
            "meeting": meeting,
            "changes": describe_changes(records),
            "versions": services.version_changes(meeting),
        },
    )


# Recording the minutes: OPCC staff only, and only while the minutes are a draft.


class RecorderRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        roles.require_recorder(request.user)
        return super().dispatch(request, *args, **kwargs)


class DraftMeetingMixin:
    """Views that change a meeting's minutes: find the meeting, refuse once agreed."""

    def meeting_for(self, kwargs):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        roles.require_recorder(request.user)
        self.meeting = self.meeting_for(kwargs)
        services.ensure_in_progress(self.meeting)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.meeting}

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def get_success_url(self):
        return self.meeting.get_record_url(getattr(self, "anchor_item", None))


class MeetingCreateView(OnceOnlyCreateMixin, RecorderRequiredMixin, CreateView):
    """Open the next meeting of a series with its standing agenda and actions brought forward."""

    form_class = MeetingForm
    template_name = "meetings/meeting_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.series = get_object_or_404(MeetingSeries, pk=kwargs["series_pk"])
        if self.series.retired_on and request.user.is_authenticated:
            roles.require_recorder(request.user)
            messages.error(request, f"{self.series} is retired: it opens no new meetings.")
            return redirect(self.series)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "series": self.series,
            "chairs": self.series.ordered_chairs(),
            "usual_attendees": self.series.usual_attendees.select_related("person", "post"),
        }

    def get_initial(self):
        last = self.series.meetings.order_by("-date").first()
        return {
            "date": last.next_meeting_date if last else None,
            "start_time": (last.next_meeting_time if last else None)
            or self.series.default_start_time,
            "venue": self.series.default_venue,
            "minute_taker": self.series.default_minute_taker,
            "minute_taker_capacity": self.series.minute_taker_capacity
            or (last.minute_taker_capacity if last else ""),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(series=self.series, **kwargs)

    def get_success_url(self):
        opened = self.series.meetings.filter(date=self.request.POST.get("date")).first()
        return opened.get_record_url() if opened else reverse("meetings:list")

    def create(self, form):
        try:
            meeting = services.open_meeting(
                self.series,
                chairs=form.cleaned_data["chairs"],
                attendances=form.planned_attendances(),
                **form.meeting_details(),
            )
        except IntegrityError:
            # Another officer opened the same meeting, or took the title, a moment ago.
            date, title = form.cleaned_data["date"], form.cleaned_data["title"]
            if self.series.meetings.filter(date=date).exists():
                form.add_error("date", form.duplicate_error(date))
            else:
                form.add_error("title", form.title_error(title))
            return self.form_invalid(form)
        responses = meeting_opened.send(sender=Meeting, meeting=meeting)
        brought = [added for _, answer in responses for added in answer]
        messages.success(
            self.request,
            f"{meeting.title} opened with its standing agenda and "
            f"{len(brought)} action{'s'[: len(brought) != 1]} brought forward.",
        )
        return redirect("meetings:record", meeting.pk)


class MeetingUpdateView(DraftMeetingMixin, UpdateView):
    form_class = MeetingForm
    template_name = "meetings/meeting_form.html"

    def meeting_for(self, kwargs):
        return get_object_or_404(Meeting, pk=kwargs["pk"])

    def get_object(self, queryset=None):
        return self.meeting

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("meeting")
        return {**kwargs, "series": self.meeting.series}

    def form_valid(self, form):
        try:
            with transaction.atomic():
                response = super().form_valid(form)
        except IntegrityError:
            # Another meeting took the title a moment ago.
            form.add_error("title", form.title_error(form.cleaned_data["title"]))
            return self.form_invalid(form)
        messages.success(self.request, "Meeting details saved.")
        return response


def _place(value):
    """The 0-based start of the window of items brought forward, from ``?brought=`` (the
    1-based place of its first); None when absent or not a number."""
    return int(value) - 1 if value and value.isdecimal() else None


class MeetingRecordView(RecorderRequiredMixin, DetailView):
    """The policy officer's workspace for one meeting: every item, editable in place."""

    template_name = "meetings/meeting_record.html"
    context_object_name = "meeting"
    queryset = Meeting.objects.with_people()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        services.ensure_in_progress(self.object)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        attendances = minuted_attendances(self.object)
        open_pk = self.request.GET.get("open")
        window = brought_forward_window(
            self.object, start=_place(self.request.GET.get("brought")), open_pk=open_pk
        )
        rows = minutes_rows(self.object, with_trails=True, brought_forward=window.shown)
        for row in rows:
            row.state = item_state(row)
            row.head_form = ItemHeadForm(instance=row.item)
        mark_hidden_brought_forward(rows, window)
        lazy_brought_forward(rows, open_pk=open_pk)
        return super().get_context_data(
            rows=rows,
            brought_forward=window,
            brought_forward_shown=BROUGHT_FORWARD_SHOWN,
            chair_fact=chair_fact(self.object.ordered_chairs()),
            attendance_rows=expected_attendance(self.object, attendances.all, window.items),
            present_count=len(attendances.present),
            apologies_count=len(attendances.apologies),
            attendance_form=AddAttendeeForm(meeting=self.object),
            finding_form=FindingForm(),
            **kwargs,
        )


class AttendanceCreateView(OnceOnlyCreateMixin, DraftMeetingMixin, CreateView):
    form_class = AttendanceForm
    template_name = "meetings/attendance_form.html"

    def meeting_for(self, kwargs):
        return get_object_or_404(Meeting, pk=kwargs["pk"])

    def create(self, form):
        form.instance.position = self.meeting.attendances.count()
        self.object = form.save()
        messages.success(self.request, f"{self.object.person} added to the attendance.")
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("meetings:record", args=[self.meeting.pk]) + "#attendance"


class AttendanceUpdateView(DraftMeetingMixin, UpdateView):
    form_class = AttendanceForm
    template_name = "meetings/attendance_form.html"

    def meeting_for(self, kwargs):
        self.object = get_object_or_404(Attendance.objects.select_related("meeting"), **kwargs)
        return self.object.meeting

    def get_object(self, queryset=None):
        return self.object

    def get_success_url(self):
        return reverse("meetings:record", args=[self.meeting.pk]) + "#attendance"


@require_POST
def attendance_delete(request, pk):
    roles.require_recorder(request.user)
    attendance = get_object_or_404(Attendance.objects.select_related("meeting", "person"), pk=pk)
    meeting = attendance.meeting
    services.ensure_in_progress(meeting)
    attendance.delete()
    messages.success(request, f"{attendance.person} removed from the attendance.")
    return redirect(reverse("meetings:record", args=[meeting.pk]) + "#attendance")


@require_POST
def attendance_move(request, pk):
    roles.require_recorder(request.user)
    attendance = get_object_or_404(Attendance.objects.select_related("meeting"), pk=pk)
    services.ensure_in_progress(attendance.meeting)
    services.move(
        attendance,
        request.POST.get("direction"),
        attendance.meeting.attendances.filter(presence=attendance.presence).order_by(
            "position", "pk"
        ),
    )
    return redirect(reverse("meetings:record", args=[attendance.meeting_id]) + "#attendance")


class ItemCreateView(OnceOnlyCreateMixin, DraftMeetingMixin, CreateView):
    form_class = AgendaItemForm
    template_name = "meetings/item_form.html"

    def meeting_for(self, kwargs):
        meeting = get_object_or_404(Meeting, pk=kwargs["pk"])
        parent_pk = self.request.GET.get("parent") or self.request.POST.get("parent")
        self.parent = (
            get_object_or_404(AgendaItem, pk=parent_pk, meeting=meeting)
            if parent_pk and str(parent_pk).isdecimal()
            else None
        )
        return meeting

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.parent}

    def get_initial(self):
        return {"number": services.suggest_number(self.meeting, self.parent)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(parent=self.parent, **kwargs)

    def create(self, form):
        form.instance.meeting, form.instance.parent = self.meeting, self.parent
        services.place_item(form.instance, before=form.cleaned_data.get("place"))
        self.object = form.save()
        self.anchor_item = self.object
        messages.success(self.request, f"Item {self.object.number} added.")
        return redirect(self.get_success_url())


class ItemUpdateView(DraftMeetingMixin, UpdateView):
    form_class = AgendaItemForm
    template_name = "meetings/item_form.html"

    def meeting_for(self, kwargs):
        self.object = get_object_or_404(
            AgendaItem.objects.select_related("meeting", "parent"), pk=kwargs["pk"]
        )
        self.anchor_item = self.object
        return self.object.meeting

    def get_object(self, queryset=None):
        return self.object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.object.parent}

    def get_context_data(self, **kwargs):
        return super().get_context_data(parent=self.object.parent, **kwargs)

    def form_valid(self, form):
        messages.success(self.request, f"Item {form.instance.number} saved.")
        return super().form_valid(form)


def item_for_change(request, pk):
    roles.require_recorder(request.user)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "parent"), pk=pk)
    services.ensure_in_progress(item.meeting)
    return item


@require_POST
def item_head(request, pk):
    """An item's heading and "nothing to record" saved in place on the record page, by the
    rules of its Edit item page (a stale copy refused, the minutes locked once agreed, no
    "no actions" beside actions arising). htmx swaps the form back with the item's title,
    state and navigator entry; without script the record page reloads at the item."""
    item = item_for_change(request, pk)
    form = ItemHeadForm(request.POST, instance=item)
    if form.is_valid():
        item = form.save()
        saved = f"Item {item.label} saved: {item.numbered_title}"
        if item.nil_return:
            saved += f". {item.get_nil_return_display()}"
        saved = saved if saved.endswith(".") else saved + "."
        if not request.htmx:
            messages.success(request, saved)
            return redirect(item.meeting.get_record_url(item))
        form = ItemHeadForm(instance=item)
        response = render(
            request, "meetings/_item_head_form.html", {"item": item, "head_form": form}
        )
        return with_item_saved(response, item, saved)
    # What was typed stays in the form; the item on the page is as saved.
    item.refresh_from_db()
    if request.htmx:
        return render(request, "meetings/_item_head_form.html", {"item": item, "head_form": form})
    return render(
        request,
        "meetings/item_head_form.html",
        {"item": item, "head_form": form, "meeting": item.meeting},
    )


def item_delete(request, pk):
    """Confirm, then delete an item of draft minutes; one with actions arising is kept."""
    item = item_for_change(request, pk)
    # The review of an action brought forward (a reverse relation: this app does not
    # import the action log).
    review = getattr(item, "review", None)
    blockers = []
    if item.actions.exists():
        blockers.append("it has actions arising, which stay in the action log")
    if item.decisions.exists():
        blockers.append("decisions are minuted under it, and keep their numbers")
    if item.children.exists():
        blockers.append("it has sub-items; delete or move those first")
    # Papers (a reverse relation from the papers app) are kept, withdrawn or not.
    if hasattr(item, "papers") and item.papers.exists():
        blockers.append("papers are attached to it, and are kept with the record")
    if review is not None and review.decided:
        blockers.append(
            f"the meeting's decision on action {review.action.reference} is recorded under it"
        )
    if request.method == "POST" and not blockers:
        with transaction.atomic():
            item.delete()
        message = f"Item {item.number} deleted."
        if review is not None:
            message += (
                f" Action {review.action.reference} is no longer brought forward to this "
                "meeting; it stays open in the action log."
            )
        messages.success(request, message)
        return redirect("meetings:record", item.meeting_id)
    return render(
        request,
        "meetings/item_confirm_delete.html",
        {"item": item, "meeting": item.meeting, "blockers": blockers, "review": review},
        status=409 if request.method == "POST" else 200,
    )


@require_POST
def renumber_items(request, pk):
    """Number every section's items in sequence in the order they stand, when the officer
    asks: moving and taking an item out of order never renumber by themselves."""
    roles.require_recorder(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    services.ensure_in_progress(meeting)
    changed = services.renumber_in_order(meeting)
    if changed:
        messages.success(request, f"{changed} item{'s'[: changed != 1]} renumbered in order.")
    else:
        messages.info(request, "The items were already numbered in order.")
    return redirect("meetings:record", meeting.pk)


@require_POST
def item_move(request, pk):
    item = item_for_change(request, pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    before = item.number
    if services.move_item(item, direction):
        item.refresh_from_db(fields=["number"])
        now = f": it is now item {item.number}" if item.number != before else ""
        messages.success(request, f"Item {before} moved {direction}{now}.")
    return redirect(item.meeting.get_record_url(item))


def render_findings(request, item, form=None, status=200, announce=""):
    response = render(
        request,
        "meetings/_item_findings.html",
        {
            "item": item,
            "findings": item.findings.order_by("position", "pk"),
            "finding_form": form or FindingForm(),
        },
        status=status,
    )
    return with_item_saved(response, item, announce) if announce else response


@require_POST
def finding_add(request, pk):
    """Add a finding: htmx swaps the list in place; without JavaScript the page reloads."""
    item = item_for_change(request, pk)
    form = FindingForm(request.POST)
    if form.is_valid() and not first_submission(form, request.user):
        if request.htmx:
            return render_findings(request, item)
        messages.info(request, ALREADY_SAVED)
        return redirect(item.meeting.get_record_url(item))
    if form.is_valid():
        form.instance.item = item
        form.instance.position = item.findings.count()
        form.save()
        added = f"Finding added to item {item.label}."
        if request.htmx:
            return render_findings(request, item, announce=added)
        messages.success(request, added)
        return redirect(item.meeting.get_record_url(item))
    if request.htmx:
        return render_findings(request, item, form)
    return render(
        request,
        "meetings/finding_form.html",
        {"form": form, "item": item, "meeting": item.meeting},
        status=200,
    )


def finding_for_change(request, pk):
    roles.require_recorder(request.user)
    finding = get_object_or_404(
        Finding.objects.select_related("item__meeting", "item__parent"), pk=pk
    )
    services.ensure_in_progress(finding.item.meeting)
    return finding


def finding_edit(request, pk):
    finding = finding_for_change(request, pk)
    form = FindingForm(request.POST or None, instance=finding)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Finding of item {finding.item.number} saved.")
        return redirect(finding.item.meeting.get_record_url(finding.item))
    return render(
        request,
        "meetings/finding_form.html",
        {"form": form, "item": finding.item, "meeting": finding.item.meeting, "finding": finding},
    )


@require_POST
def finding_delete(request, pk):
    finding = finding_for_change(request, pk)
    finding.delete()
    removed = f"Finding removed from item {finding.item.label}."
    if request.htmx:
        return render_findings(request, finding.item, announce=removed)
    messages.success(request, removed)
    return redirect(finding.item.meeting.get_record_url(finding.item))


@require_POST
def finding_move(request, pk):
    finding = finding_for_change(request, pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.move(finding, direction, finding.item.findings.order_by("position", "pk"))
    if request.htmx:
        place = list(finding.item.findings.order_by("position", "pk")).index(finding) + 1
        moved = (
            f"Finding moved {direction}: it is now finding {place} of item {finding.item.label}."
        )
        return render_findings(request, finding.item, announce=moved)
    return redirect(finding.item.meeting.get_record_url(finding.item))


# Agreeing, publishing and reopening the minutes.


def agree_minutes(request, pk):
    """The chair's decision on the minutes: agreed (after confirming anything missing), or
    not agreed, to be amended and recirculated; with the meeting at which it was made."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).with_people(), pk=pk)
    if not roles.can_agree_minutes(request.user):
        raise PermissionDenied("Only the Commissioner agrees the minutes.")
    if not meeting.in_progress:
        messages.error(request, f"The minutes are already {meeting.get_status_display().lower()}.")
        return redirect(meeting)
    problems = services.agreement_problems(meeting)
    form = AgreeMinutesForm(request.POST or None, meeting=meeting, problems=problems)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_minutes_status(
                meeting,
                data["decision"],
                by=request.user,
                reason=data["reason"],
                at_meeting=data["at_meeting"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"The minutes are now {meeting.get_status_display().lower()}."
            )
            return redirect(meeting)
    return render(
        request,
        "meetings/agree_form.html",
        {"meeting": meeting, "form": form, "problems": problems},
    )


@require_POST
def minutes_status(request, pk, to):
    """Publish agreed minutes, or reopen them for a correction (with a reason)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    if not roles.can_publish_minutes(request.user):
        raise PermissionDenied("Only the OPCC and the Commissioner publish or reopen minutes.")
    form = ReopenMinutesForm(request.POST) if to == MinutesStatus.DRAFT else None
    if form is not None and not form.is_valid():
        return render(
            request, "meetings/meeting_detail.html", detail_context(request, meeting, form)
        )
    try:
        services.set_minutes_status(
            meeting, to, by=request.user, reason=form.cleaned_data["reason"] if form else ""
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The minutes are now {meeting.get_status_display().lower()}.")
    return redirect(meeting)
