import datetime
import functools
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from actions import latest, services, update_links
from actions.calendar import feed_for
from actions.dashboard import awaiting_closure, dashboard, trends
from actions.filters import action_log_filter, filter_bar
from actions.forms import (
    ActionForm,
    BulkCloseForm,
    CompleteForm,
    ReassignForm,
    ReopenForm,
    ReviewForm,
    UpdateForm,
)
from actions.keyset import Key, KeysetPage, query_without_paging
from actions.models import (
    DUE_FIELDS,
    Action,
    ActionReview,
    CalendarFeed,
    Status,
    new_calendar_token,
)
from actions.record import content_key, page_key
from core.forms import ALREADY_SAVED, first_submission
from core.history import describe_changes
from core.record import kept_content, kept_page
from meetings.models import AgendaItem, Meeting, NilReturn
from meetings.services import ensure_in_progress
from meetings.workspace import with_item_saved
from people import roles


def _can_edit(user, action):
    """Owners report on their actions; OPCC staff may record an update an owner sent them."""
    return action.is_owned_by(user) or roles.is_opcc_staff(user)


def _action(request, pk):
    """The action, if the user may see it: 404 when hidden from them, as for any page."""
    return get_object_or_404(Action.objects.visible_to(request.user).for_listing(), pk=pk)


def _editable_action(request, pk):
    action = _action(request, pk)
    if not _can_edit(request.user, action):
        raise PermissionDenied("Only the action's owners can change it.")
    return action


def _closable_action(request, pk):
    if not roles.can_close_actions(request.user):
        raise PermissionDenied("Only the Commissioner or OPCC staff close or reopen actions.")
    return _action(request, pk)


def _mark_overdue(actions, today=None):
    today = today or timezone.localdate()
    for action in actions:
        action.overdue_days = action.days_overdue(today)


# Reads only: without a transaction a page served from the cache costs no BEGIN and COMMIT,
# and each statement reads committed rows as it would inside one (PostgreSQL's READ
# COMMITTED).
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class KeptListView(TemplateView):
    """A list page whose content is kept for each version of the record (actions.record):
    its rows are read, and its content rendered, only when nothing is kept for this record,
    day, viewer and query. The context keeps the usual names (``actions``, ``paginator``...),
    worked out only if something asks for them."""

    content_name = None
    content_template_name = None
    # A page of the login's own (My actions) is kept for that login alone.
    personal = False
    # What ``get_listing`` returns, which the context offers by name.
    listing_names = [
        "actions",
        "object_list",
        "paginator",
        "page_obj",
        "is_paginated",
        "query_string",
    ]

    def get_listing(self, today):
        raise NotImplementedError

    def keep(self, listing):
        return True

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        return kept_page(
            request,
            lambda: page_key(request, self.content_name, today, personal=self.personal),
            lambda: self.render_page(request, today, **kwargs),
            fill=latest.fill,
        )

    def render_page(self, request, today, **kwargs):
        """The response, and whether its content may be kept."""
        listing = functools.cache(lambda: self.get_listing(today))
        content_template = self.content_template_name
        if request.htmx:
            content_template += "#results"

        def render_content():
            html = render_to_string(content_template, listing(), request)
            return html, self.keep(listing())

        key = content_key(request, self.content_name, today, personal=self.personal)
        content, kept = kept_content(key, render_content)
        if request.htmx:
            return HttpResponse(content), False
        if kept:
            context = {
                name: SimpleLazyObject(lambda name=name: listing()[name])
                for name in self.listing_names
            }
        else:
            # The real objects: a filter in error must be found by the page's error summary.
            context = listing()
        response = self.render_to_response(
            self.get_context_data(content=content, **context, **kwargs)
        )
        return response, kept or self.keep(listing())


def _shown(ids):
    """The rows a page of actions shows, read by id with what a row shows (KeysetPage); their
    latest updates are filled in as the page is served (actions.latest)."""
    return Action.objects.filter(pk__in=ids).for_listing(updates=False)


def _listing(queryset, keys, params, today, shown=_shown, **extra):
    page = KeysetPage(queryset, keys, params, shown=shown)
    _mark_overdue(page.object_list, today)
    return {
        "actions": page.object_list,
        "object_list": page.object_list,
        "paginator": page,
        "page_obj": page,
        "is_paginated": page.is_paginated,
        "query_string": query_without_paging(params),
        **extra,
    }


class MyActionsView(KeptListView):
    """What the posts I hold and I own: open first, then those awaiting agreement, a page at
    a time by keyset."""

    template_name = "actions/my_actions.html"
    content_template_name = "actions/_my_actions.html"
    content_name = "my-actions"
    personal = True
    keys = [
        Key("status_order"),
        Key("due_date", datetime.date, nullable=True),
        Key("reference", str),
        Key("pk"),
    ]

    # Open first, then those awaiting agreement: the first of the keys.
    status_order = Case(
        When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )

    def get_listing(self, today):
        actions = (
            Action.objects.owned_by_user(self.request.user)
            .outstanding()
            .annotate(status_order=self.status_order)
        )
        return _listing(actions, self.keys, self.request.GET, today, shown=self.shown)

    def shown(self, ids):
        return _shown(ids).annotate(status_order=self.status_order)


def action_detail(request, pk, *, action=None, status=200, **forms):
    action = action or _action(request, pk)
    user = request.user
    _mark_overdue([action])
    context = {
        "action": action,
        "events": action.events.select_related("by", "by_person", "meeting__series"),
        # A post outlives its holder: who answered for it when raised, and who does now.
        "post_holders": [
            (post, post.holder_on(action.meeting.date), post.holder)
            for post in action.owner_posts.all()
        ],
    }
    if _can_edit(user, action) and (
        action.status not in (Status.CLOSED, Status.WITHDRAWN) or "update_form" in forms
    ):
        context["update_form"] = forms.get("update_form") or UpdateForm()
        if action.status == Status.OPEN:
            context["complete_form"] = forms.get("complete_form") or CompleteForm()
    if roles.can_close_actions(user) and action.status != Status.OPEN:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm()
    if roles.is_opcc_staff(user):
        # Owners without a login report through a link the office emails them.
        context["link_owners"] = update_links.owners_without_login(action)
        context["update_links"] = action.update_links.select_related("person")
        context["link_days"] = settings.UPDATE_LINK_DAYS
        # Field by field, as the minutes' changes page shows them: for OPCC staff only.
        context["changes"] = describe_changes(
            [
                *Action.history.filter(id=action.pk),
                *ActionReview.history.filter(action_id=action.pk),
            ]
        )
    return render(request, "actions/action_detail.html", context, status=status)


def _submit(request, action, form_class, form_name, service, success):
    """Validate ``form_class`` and call ``service(cleaned_data)``: redirect to the action with
    ``success``, or show its page again with the form, what was typed and the errors.

    A form that creates (``OnceOnlyForm``) posted a second time creates nothing."""
    form = form_class(request.POST)
    if form.is_valid() and not first_submission(form, request.user):
        messages.info(request, ALREADY_SAVED)
        return redirect(action)
    if form.is_valid():
        try:
            service(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        return action_detail(request, action.pk, action=action, **{form_name: form})
    messages.success(request, success)
    return redirect(action)


@require_POST
def add_update(request, pk):
    action = _editable_action(request, pk)
    return _submit(
        request,
        action,
        UpdateForm,
        "update_form",
        lambda data: services.add_update(
            action, text=data["text"], on_date=data["on_date"], by=request.user
        ),
        f"Update added to action {action.reference}.",
    )


@require_POST
def mark_complete(request, pk):
    action = _editable_action(request, pk)
    return _submit(
        request,
        action,
        CompleteForm,
        "complete_form",
        lambda data: services.mark_complete(
            action, note=data["note"], on_date=data["on_date"], by=request.user
        ),
        f"Action {action.reference} marked complete. The Commissioner will agree its closure.",
    )


@require_POST
def close_action(request, pk):
    action = _closable_action(request, pk)
    try:
        services.agree_closure([action], by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Action {action.reference} closed.")
    return redirect(action)


@require_POST
def reopen_action(request, pk):
    action = _closable_action(request, pk)
    return _submit(
        request,
        action,
        ReopenForm,
        "reopen_form",
        lambda data: services.reopen([action], by=request.user, reason=data["reason"]),
        f"Action {action.reference} reopened.",
    )


# What the dashboard's decisions read besides the rows of the review form: the section is
# rendered for each request, since the form holds a CSRF token.
DECISIONS = ["totals", "awaiting_shown", "awaiting_url", "minutes_to_agree"]


def kept_trends(request, today, data):
    """The owner counts and the chart as HTML, kept for the version of what they read
    (``trend_versions``) and the day, so that a progress update or a finding, which moves the
    record's version, does not work them out again. When worked out, ``data`` has their
    figures too."""

    version = data["trends_version"]

    def work():
        data.update(trends(today, data["closures_version"]))
        return {
            "owner_counts_html": render_to_string(
                "actions/dashboard/_owner_counts.html", data, request
            ),
            "chart_html": render_to_string("actions/dashboard/_chart.html", data, request),
        }, True

    key = f"content:dashboard-trends:{today.isoformat()}:{version}"
    return kept_content(key, work)[0]


def dashboard_context(request, today):
    """The dashboard's counts, coming actions and chart (``summary``) and the rows of its
    review form (``awaiting_rows``) as HTML, with what else its decisions read, kept together
    for each version of the record (actions.record). When nothing is kept, everything
    ``dashboard`` works out is in the context too."""
    data = {}

    def work():
        data.update(dashboard(today, with_trends=False))
        data.update(kept_trends(request, today, data))
        return {
            "summary": render_to_string("actions/dashboard/_summary.html", data, request),
            # Without a review form, as none is ticked yet.
            "awaiting_rows": render_to_string(
                "actions/dashboard/_awaiting_rows.html", data, request
            ),
            **{name: data[name] for name in DECISIONS},
        }, True

    kept, _ = kept_content(content_key(request, "dashboard", today), work)
    return {**data, **kept}


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class DashboardView(TemplateView):
    """The Commissioner's dashboard: what comes to the next meeting, and who owes what."""

    template_name = "actions/dashboard.html"
    # Tests pass another day through as_view(today=...).
    today = None

    def dispatch(self, request, *args, **kwargs):
        if not roles.sees_all_minutes(request.user):
            raise PermissionDenied("The dashboard is for the Commissioner and OPCC staff.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        whole = super().get
        return kept_page(
            request,
            lambda: page_key(request, "dashboard", self.day()),
            lambda: (whole(request, *args, **kwargs), True),
            fill=latest.fill,
        )

    def day(self):
        return self.today or timezone.localdate()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("review_form", ReviewForm())
        context = dashboard_context(self.request, self.day())
        return super().get_context_data(**context, **kwargs)


@require_POST
def review(request):
    """Agree closure of, or reopen, the actions ticked on the dashboard."""
    if not roles.can_close_actions(request.user):
        raise PermissionDenied("Only the Commissioner or OPCC staff close or reopen actions.")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        # The rows as ticked, with the errors beside them, rather than the kept rows.
        context = dashboard_context(request, timezone.localdate())
        if "awaiting" not in context:
            context["awaiting"] = awaiting_closure()
        context.update(awaiting_rows=None, review_form=form)
        return render(request, DashboardView.template_name, context)
    chosen = list(form.cleaned_data["actions"])
    references = ", ".join(action.reference for action in chosen)
    if form.cleaned_data["decision"] == ReviewForm.REOPEN:
        services.reopen(chosen, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Reopened: {references}.")
    else:
        services.agree_closure(chosen, by=request.user)
        messages.success(request, f"Closure agreed: {references}.")
    return redirect("dashboard")


def _filtered(request):
    return action_log_filter(request.GET, request)


# The action log's orders, by the filter's "sort" value: each ends with the id so that every
# row has its own place, which keyset paging needs; "-" reverses every key.
LOG_ORDERS = {
    "meeting": [Key("meeting__date", datetime.date), Key("pk")],
    "reference": [Key("reference", str), Key("pk")],
    "due": [Key("due_date", datetime.date, nullable=True), Key("pk")],
    "status": [Key("status", str), Key("pk")],
}


def log_keys(sort):
    """The keys of the order the user chose (``sort`` as the filter cleaned it), by default
    the raising meeting's date, then the order the actions were raised."""
    name = (sort or ["meeting"])[0]
    keys = LOG_ORDERS.get(name.lstrip("-"), LOG_ORDERS["meeting"])
    if name.startswith("-"):
        keys = [replace(key, descending=True) for key in keys]
    return keys


class ActionLogView(KeptListView):
    """The log, a page at a time by keyset (``actions.keyset``): the last page costs what
    the first does."""

    template_name = "actions/action_log.html"
    content_template_name = "actions/_action_log.html"
    content_name = "action-log"
    listing_names = [*KeptListView.listing_names, "filter"]

    def get_listing(self, today):
        filterset = _filtered(self.request)
        # Filtering validates the form: its cleaned order is read after.
        actions = filterset.qs
        keys = log_keys(getattr(filterset.form, "cleaned_data", {}).get("sort"))
        return _listing(
            actions,
            keys,
            self.request.GET,
            today,
            filter=filterset,
            # Called by the template when it renders the form, not when the content is kept.
            filter_bar=functools.partial(filter_bar, self.request, filterset),
        )

    def keep(self, listing):
        # A filter in error is for the person who typed it, and its page says so in its title.
        return not listing["filter"].form.errors


def calendar_page(request):
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    return render(
        request,
        "actions/calendar.html",
        {"feed_url": request.build_absolute_uri(feed.get_absolute_url())},
    )


@require_POST
def reset_calendar(request):
    """A new secret address; the old one stops working at once."""
    CalendarFeed.objects.update_or_create(
        user=request.user, defaults={"token": new_calendar_token()}
    )
    messages.success(
        request, "Your calendar link has been reset. Give the new one to your calendar."
    )
    return redirect("actions:calendar")


@login_not_required
def calendar_feed(request, token):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404("No such calendar.")
    return HttpResponse(feed_for(feed.user), content_type="text/calendar; charset=utf-8")


# Recording actions at a meeting: raising them, editing them, and the outcome of each
# action brought forward. OPCC staff only, and only while the minutes are a draft.


def _draft_item(request, item_pk):
    roles.require_recorder(request.user)
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting__series", "parent"), pk=item_pk
    )
    ensure_in_progress(item.meeting)
    return item


def _item_actions(request, item, form=None, announce=""):
    response = render(
        request,
        "actions/_item_actions.html",
        {
            "item": item,
            "actions": item.actions.all(),
            "action_form": form,
        },
    )
    # The item's counts in its heading and in the navigator follow, and a new action is
    # read out.
    return with_item_saved(response, item, announce) if announce else response


def raise_action(request, item_pk):
    """Add an action arising to an item; htmx swaps the item's actions in place."""
    item = _draft_item(request, item_pk)
    form = ActionForm(request.POST or None, meeting=item.meeting, prefix=f"action-{item.pk}")
    if request.method == "POST" and form.is_valid() and not first_submission(form, request.user):
        if request.htmx:
            return _item_actions(request, item)
        messages.info(request, ALREADY_SAVED)
        return redirect(item.meeting.get_record_url(item))
    if request.method == "POST" and form.is_valid():
        review = getattr(item, "review", None)
        data = form.cleaned_data
        try:
            action = services.raise_action(
                item=item,
                by=request.user,
                text=data["text"],
                owner_posts=data["owner_posts"],
                owner_people=data["owner_people"],
                owner_bodies=data["owner_bodies"],
                reference=data.get("reference"),
                # An action raised while reviewing an earlier one follows from it.
                follows_from=review.action if review else None,
                **{name: data[name] for name in DUE_FIELDS},
            )
        except ValidationError as error:
            # A typed reference taken by another officer since the form was checked.
            form.add_error(None, error)
    if request.method == "POST" and form.is_valid():
        if item.nil_return == NilReturn.NO_ACTIONS:
            item.nil_return = NilReturn.NONE
            item.save(update_fields=["nil_return"])
        raised = f"Action {action.reference} raised at item {item.label}."
        if request.htmx:
            return _item_actions(request, item, announce=raised)
        messages.success(request, raised)
        return redirect(item.meeting.get_record_url(item))
    if request.htmx:
        return _item_actions(request, item, form)
    return render(
        request, "actions/action_form.html", {"form": form, "item": item, "meeting": item.meeting}
    )


@require_POST
def agree_in_room(request, item_pk):
    """The chair agrees the actions raised at an item as the room saw them on its screen."""
    item = _draft_item(request, item_pk)
    marked = services.agree_in_room(item, by=request.user)
    if request.htmx:
        return _item_actions(request, item)
    if marked:
        count = len(marked)
        messages.success(
            request,
            f"{count} action{pluralize(count)} at item {item.number} agreed in the room as shown.",
        )
    else:
        messages.info(request, f"The actions at item {item.number} were already agreed.")
    return redirect(item.meeting.get_record_url(item))


def edit_action(request, pk):
    """OPCC staff edit an action in the minutes that raised it, while those are being
    written; once agreed, a change is a correction (reopen them) or a reassignment."""
    if not roles.is_opcc_staff(request.user):
        raise PermissionDenied("Only OPCC staff edit actions.")
    action = get_object_or_404(
        Action.objects.select_related("meeting__series", "item").prefetch_related(
            "owner_posts", "owner_people", "owner_bodies"
        ),
        pk=pk,
    )
    if not action.meeting.in_progress:
        messages.error(request, services.locked_for_editing(action.meeting))
        return redirect(action)
    form = ActionForm(
        request.POST or None,
        instance=action,
        meeting=action.meeting,
        correcting=action.meeting.changes_are_corrections,
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "submission"}
            services.edit_action(action, by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Action {action.reference} saved.")
            return redirect(action)
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "action": action, "item": action.item, "meeting": action.meeting},
    )


def reassign_action(request, pk):
    """Between meetings, give an action new owners or a new due, dated and with a reason."""
    if not roles.is_opcc_staff(request.user):
        raise PermissionDenied("Only OPCC staff reassign actions.")
    action = get_object_or_404(
        Action.objects.select_related("meeting__series").prefetch_related(
            "owner_posts", "owner_people", "owner_bodies"
        ),
        pk=pk,
    )
    form = ReassignForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign(action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Action {action.reference} reassigned.")
            return redirect(action)
    return render(request, "actions/reassign_form.html", {"form": form, "action": action})


def bulk_close(request, meeting_pk):
    """Agree several actions brought forward complete and closed in one step: the record
    page holds the form when they are few, this page when there are hundreds."""
    roles.require_recorder(request.user)
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
    ensure_in_progress(meeting)
    posted = request.method == "POST"
    form = BulkCloseForm(request.POST if posted else None, meeting=meeting)
    if not posted or not form.is_valid():
        # Whatever was ticked and typed stays, with the error beside it.
        return render(request, "actions/bulk_close.html", {"form": form, "meeting": meeting})
    reviews = list(form.cleaned_data["reviews"])
    note = form.cleaned_data["note"]
    try:
        services.close_reviews(reviews, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("meetings:record", meeting.pk)
    messages.success(
        request,
        "Agreed complete and closed: "
        + ", ".join(review.action.reference for review in reviews)
        + ".",
    )
    return redirect("meetings:record", meeting.pk)
