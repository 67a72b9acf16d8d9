"""The card of an action brought forward: its outcome recorded, and changed until the
minutes are agreed, in place on the record page (htmx) or on its own page without script."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from actions import services
from actions.forms import ReviewOutcomeForm
from actions.models import ActionReview
from actions.reviews import CARD_MODES, card_context
from meetings.services import MinutesLocked, ensure_in_progress
from meetings.workspace import with_item_saved
from people import roles


def _locked(request, meeting):
    """Agreed minutes: an htmx card goes to the minutes as a whole page, never inside itself."""
    if not request.htmx:
        ensure_in_progress(meeting)
    messages.error(request, str(MinutesLocked(meeting)))
    return HttpResponse(status=204, headers={"HX-Redirect": meeting.get_absolute_url()})


def _add_errors(form, error):
    """The service's errors beside the fields the card shows, the rest above them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _card(request, review, *, status=200, announce="", **kwargs):
    context = {
        **card_context(review, **kwargs),
        "announce": announce,
        "focus": bool(request.htmx),
    }
    if request.htmx:
        # The card sits under an item's heading on the record page, under the h1 on its own.
        on_own_page = (request.htmx.current_url_abs_path or "").startswith(
            review.get_absolute_url()
        )
        response = render(
            request,
            "actions/_review_card_response.html",
            {**context, "heading_level": 2 if on_own_page else 4},
            status=status,
        )
        # On the record page the item's "outcome to decide" follows in its heading and the
        # navigator; the card's own live region says what was recorded.
        if on_own_page or request.method != "POST" or not announce:
            return response
        return with_item_saved(response, review.item)
    meeting = review.item.meeting
    return render(
        request,
        "actions/review_card_page.html",
        {**context, "heading_level": 2, "meeting": meeting, "item": review.item},
        status=status,
    )


def review_outcome(request, pk):
    """Record what the meeting decided about an action brought forward, or change it.

    GET shows the card (``?mode=`` one of the outcomes, to fill in its fields); a POST
    with ``mode`` only switches what the card shows, keeping what was typed; a POST with an
    outcome records it. Without script, a recorded outcome goes back to its card on the
    record page; with htmx the card is swapped in place and the outcome announced.
    """
    review = get_object_or_404(
        ActionReview.objects.select_related(
            "item__meeting__series",
            "item__parent",
            "action__meeting__series",
            "action__item",
            "action__due_series",
            "action__due_at__series",
        ),
        pk=pk,
    )
    roles.require_recorder(request.user)
    meeting = review.item.meeting
    if not meeting.in_progress:
        return _locked(request, meeting)
    prefix = f"review-{review.pk}"
    if request.method != "POST":
        mode = request.GET.get("mode")
        if mode not in (*CARD_MODES, "decided") or (mode == "decided" and not review.decided):
            mode = None
        return _card(request, review, mode=mode)

    outcome = request.POST.get(f"{prefix}-outcome")
    mode = request.POST.get("mode")
    if not outcome:
        # Only which fields to show: nothing is saved, nothing typed is lost.
        form = ReviewOutcomeForm(
            review=review,
            prefix=prefix,
            initial={
                "update": request.POST.get(f"{prefix}-update", ""),
                "version": request.POST.get(f"{prefix}-version") or review.version,
                "withdraw_replacements": bool(request.POST.get(f"{prefix}-withdraw_replacements")),
            },
        )
        return _card(request, review, form=form, mode=mode if mode in CARD_MODES else "choose")

    form = ReviewOutcomeForm(request.POST, review=review, prefix=prefix)
    if form.is_valid():
        try:
            services.decide_review(review, by=request.user, **form.decision())
        except ValidationError as error:
            _add_errors(form, error)
    if not form.is_valid():
        chosen = outcome if outcome in CARD_MODES else "choose"
        # Closed is one button: its errors (a stale page, a withdrawal) show on the buttons.
        mode = "choose" if chosen == ActionReview.Outcome.CLOSED else chosen
        return _card(
            request,
            review,
            form=form,
            mode=mode,
            announce=(
                f"The outcome for {review.action.cited_reference} was not recorded: see the card."
            ),
        )

    review.refresh_from_db()
    reference = review.action.cited_reference
    recorded = f"Outcome for {reference} recorded: {review.get_outcome_display().lower()}."
    if request.htmx:
        return _card(request, review, mode="decided", announce=recorded)
    messages.success(request, recorded)
    return redirect(reverse("meetings:record", args=[meeting.pk]) + f"#review-{review.pk}")
