"""Meeting series, managed in the app by OPCC staff: details and chairs, usual attendees,
standing agenda, retirement. Everyone who sees all minutes may look."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core.forms import ALREADY_SAVED, first_submission
from meetings.forms.series import SeriesForm, StandingSectionsFormSet, UsualAttendeesFormSet
from meetings.models import MeetingSeries, SeriesChair
from people import roles

NO_CHAIR_WARNING = (
    "No chair is named for {series}: its new meetings will say “Chair: Not recorded” until "
    "you name one here or on the meeting."
)


def require_viewer(user):
    if not roles.sees_all_minutes(user):
        raise PermissionDenied("Only the OPCC and the Commissioner see the meeting series.")


def with_chairs(queryset):
    return queryset.select_related("default_minute_taker").prefetch_related(
        Prefetch("chair_links", queryset=SeriesChair.objects.select_related("person"))
    )


class SeriesViewerMixin:
    def dispatch(self, request, *args, **kwargs):
        require_viewer(request.user)
        return super().dispatch(request, *args, **kwargs)


class SeriesManagerMixin:
    def dispatch(self, request, *args, **kwargs):
        roles.require_series_manager(request.user)
        return super().dispatch(request, *args, **kwargs)


class SeriesListView(SeriesViewerMixin, ListView):
    template_name = "meetings/series_list.html"
    context_object_name = "series_list"

    def get_queryset(self):
        return with_chairs(MeetingSeries.objects.all()).order_by("retired_on", "name")


class SeriesDetailView(SeriesViewerMixin, DetailView):
    template_name = "meetings/series_detail.html"
    context_object_name = "series"

    def get_queryset(self):
        return with_chairs(MeetingSeries.objects.all())

    def get_context_data(self, **kwargs):
        series = self.object
        return super().get_context_data(
            usual_attendees=series.usual_attendees.select_related("person", "post"),
            sections=series.standing_sections.select_related("parent").order_by("position"),
            meetings=series.meetings.order_by("-date")[:12],
            **kwargs,
        )


class SeriesCreateView(SeriesManagerMixin, CreateView):
    """A new series; its usual attendees and standing agenda follow on their own pages."""

    form_class = SeriesForm
    template_name = "meetings/series_form.html"

    def form_valid(self, form):
        if not first_submission(form, self.request.user):
            return self.repeated(form)
        self.object = form.save()
        messages.success(self.request, f"{self.object} created.")
        if not form.cleaned_data["chairs"]:
            messages.warning(self.request, NO_CHAIR_WARNING.format(series=self.object))
        return redirect(self.object)

    def form_invalid(self, form):
        if form.repeats_a_submission():
            return self.repeated(form)
        return super().form_invalid(form)

    def repeated(self, form):
        """The same form posted twice: answered as the first was."""
        messages.info(self.request, ALREADY_SAVED)
        series = MeetingSeries.objects.filter(name=form.data.get("name", "").strip()).first()
        return redirect(series or reverse("meetings:series_list"))


class SeriesUpdateView(SeriesManagerMixin, UpdateView):
    form_class = SeriesForm
    template_name = "meetings/series_form.html"
    model = MeetingSeries
    context_object_name = "series"

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, f"{self.object} saved.")
        if not form.cleaned_data["chairs"]:
            messages.warning(self.request, NO_CHAIR_WARNING.format(series=self.object))
        return response


def _rows_page(request, pk, formset_class, *, template, what):
    """Edit the rows of a series (usual attendees, standing sections) as one formset."""
    roles.require_series_manager(request.user)
    series = get_object_or_404(MeetingSeries, pk=pk)
    formset = formset_class(request.POST or None, instance=series)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, f"The {what} of {series} saved.")
        return redirect(series)
    return render(request, template, {"series": series, "formset": formset})


def series_attendees(request, pk):
    return _rows_page(
        request,
        pk,
        UsualAttendeesFormSet,
        template="meetings/series_attendees.html",
        what="usual attendees",
    )


def series_agenda(request, pk):
    return _rows_page(
        request,
        pk,
        StandingSectionsFormSet,
        template="meetings/series_agenda.html",
        what="standing agenda",
    )


@require_POST
def series_retire(request, pk):
    """Retire a series: its meetings and minutes stay; it opens no new meetings."""
    roles.require_series_manager(request.user)
    series = get_object_or_404(MeetingSeries, pk=pk)
    if series.retired_on:
        messages.info(
            request, f"{series} was retired on {date_format(series.retired_on, 'j F Y')}."
        )
    else:
        series.retired_on = timezone.localdate()
        series.version += 1
        series.save(update_fields=["retired_on", "version"])
        messages.success(request, f"{series} retired. Its meetings and minutes stay as they are.")
    return redirect(series)


@require_POST
def series_restore(request, pk):
    roles.require_series_manager(request.user)
    series = get_object_or_404(MeetingSeries, pk=pk)
    if series.retired_on:
        series.retired_on = None
        series.version += 1
        series.save(update_fields=["retired_on", "version"])
        messages.success(request, f"{series} is in use again.")
    return redirect(series)
