import hashlib

import django_filters
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import Action, Status, unowned_q
from actions.record import viewer
from core.forms import BritishDateField
from core.record import kept_content, record_version
from meetings.models import Meeting, MeetingSeries
from people.models import Body, Person, PersonAlias, Post
from themes.models import Theme

# Not a status of its own: open, or marked complete and awaiting agreement of closure.
OUTSTANDING = "outstanding"


class BritishDateFilter(django_filters.DateFilter):
    """A date typed the British way, never misread (see ``core.dates``)."""

    field_class = BritishDateField


def _meetings(request):
    return Meeting.objects.visible_to(request.user).select_related("series")


# The "Raised at" list offers the latest meetings only: ten years of monthly meetings in
# several series would be thousands of options on every page of the log. Any meeting the
# user may see is still accepted (a meeting's own page links to its actions this way).
RECENT_MEETINGS = 36


class RecentMeetingIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.field.queryset.order_by("-date", "-pk")
        recent = list(queryset[:RECENT_MEETINGS])
        chosen = self.field.chosen
        # isdecimal, not isdigit: "²" is a digit that int() and the database refuse.
        if chosen and str(chosen).isdecimal() and all(str(m.pk) != str(chosen) for m in recent):
            recent += list(queryset.filter(pk=chosen))
        for meeting in recent:
            yield self.choice(meeting)


class RecentMeetingField(forms.ModelChoiceField):
    iterator = RecentMeetingIterator
    # The meeting chosen in the query string, offered even when it is not a recent one.
    chosen = None


class RecentMeetingFilter(django_filters.ModelChoiceFilter):
    field_class = RecentMeetingField


class ActionFilter(django_filters.FilterSet):
    """The action log's filters; the exports use the same, so they export what the page shows."""

    q = django_filters.CharFilter(label="Search reference and text", method="search")
    status = django_filters.ChoiceFilter(
        choices=[(OUTSTANDING, "Outstanding (open or awaiting agreement)"), *Status.choices],
        empty_label="Any status",
        method="filter_status",
    )
    owner = django_filters.ChoiceFilter(label="Owner", method="filter_owner", empty_label="Anyone")
    unowned = django_filters.BooleanFilter(
        label="To be allocated (TBA) only",
        method="filter_unowned",
        widget=forms.CheckboxInput,
    )
    # References are unique within a series only: "2019/07" may be two series' actions.
    series = django_filters.ModelChoiceFilter(
        queryset=MeetingSeries.objects.all(), label="Series", empty_label="Any series"
    )
    meeting = RecentMeetingFilter(
        queryset=_meetings,
        label="Raised at",
        empty_label="Any meeting",
        help_text=f"The {RECENT_MEETINGS} latest meetings.",
    )
    theme = django_filters.ModelChoiceFilter(
        field_name="item__theme",
        queryset=Theme.objects.all(),
        label="Theme",
        empty_label="Any theme",
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    # The dashboard's "coming to the next meeting" links here with that meeting's date.
    comes_to = BritishDateFilter(label="Comes to the meeting on", method="filter_comes_to")
    due_from = BritishDateFilter(
        field_name="due_date",
        lookup_expr="gte",
        label="Due on or after",
    )
    due_to = BritishDateFilter(
        field_name="due_date",
        lookup_expr="lte",
        label="Due on or before",
    )
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("reference", "reference"),
            ("due_date", "due"),
            ("status", "status"),
            ("meeting__date", "meeting"),
        ),
        field_labels={
            "reference": "Reference",
            "due": "Due",
            "status": "Status",
            "meeting": "Meeting",
        },
        empty_label="Meeting, then order raised",
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        posts = [(f"post-{p.pk}", f"{p.abbreviation} ({p.title})") for p in Post.objects.all()]
        people = [(f"person-{p.pk}", p.owner_label) for p in Person.objects.for_owner_lists()]
        bodies = [(f"body-{b.pk}", f"{b.name} ({b.label})") for b in Body.objects.all()]
        self.filters["owner"].extra["choices"] = [
            ("Posts", posts),
            ("People", people),
            ("Bodies", bodies),
        ]
        self.form.fields["meeting"].chosen = self.data.get("meeting") if self.data else None

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(text__icontains=value))

    def filter_owner(self, queryset, name, value):
        kind, _, pk = value.partition("-")
        if kind == "post":
            return queryset.filter(pk__in=Action.objects.filter(owner_posts=pk).values("pk"))
        if kind == "body":
            return queryset.filter(pk__in=Action.objects.filter(owner_bodies=pk).values("pk"))
        # A person owns what they own by name and what the posts they hold own.
        owned = Action.objects.filter(Q(owner_people=pk) | Q(owner_posts__holder=pk))
        return queryset.filter(pk__in=owned.values("pk"))

    def filter_status(self, queryset, name, value):
        if value == OUTSTANDING:
            return queryset.outstanding()
        return queryset.filter(status=value)

    def filter_comes_to(self, queryset, name, value):
        return queryset.due_by(value)

    def filter_unowned(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Action.objects.filter(unowned_q()).values("pk"))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(self.today) if value else queryset


def action_log_filter(data, request):
    """The action log's filters over what ``request.user`` may see: the log's pages, its
    exports and the exports kept for later all read this, so none shows more than another."""
    return ActionFilter(
        data, queryset=Action.objects.visible_to(request.user).for_listing(), request=request
    )


def _choice_rows():
    """What the filters' choices read: the meetings, series, themes and owners offered."""
    return [
        Meeting.history.all(),
        MeetingSeries.history.all(),
        Theme.history.all(),
        Post.history.all(),
        Person.history.all(),
        PersonAlias.history.all(),
        Body.history.all(),
    ]


def filter_bar(request, filterset):
    """The filters' form as HTML, kept for the version of what their choices read, who is
    looking (the meetings offered are those they may see) and the values chosen: rendering
    its widgets took longer than the rows, and an update or a finding changes none of it. A
    form in error is rendered for the person who sent it, and not kept."""
    chosen = sorted(
        (name, value) for name in filterset.form.fields for value in request.GET.getlist(name)
    )
    parts = [record_version(_choice_rows), viewer(request), repr(chosen)]
    key = f"content:action-filters:{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()}"

    def work():
        html = render_to_string("actions/_filter_bar.html", {"filter": filterset}, request)
        return html, not filterset.form.errors

    return kept_content(key, work)[0]
