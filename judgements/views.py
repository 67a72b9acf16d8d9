"""Assurance statements and decisions: recorded at an item by the officer (htmx in the
workspace, a page of its own without JavaScript), confirmed by the Commissioner, and the
register of decisions with its exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from actions.exports import CHUNK_SIZE, CSV_TYPE, XLSX_TYPE, csv_chunks, xlsx_file
from core.forms import ALREADY_SAVED, first_submission
from judgements import services
from judgements.filters import DecisionFilter
from judgements.forms import AssuranceForm, DecisionForm, WithdrawDecisionForm
from judgements.models import AssuranceStatement, Decision
from meetings.models import AgendaItem
from meetings.services import ensure_in_progress
from people import roles


def _item_for_change(request, pk):
    roles.require_recorder(request.user)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    ensure_in_progress(item.meeting)
    return item


def _statement_of(item):
    return AssuranceStatement.objects.filter(item=item).select_related("confirmed_by").first()


def render_assurance(request, item, form=None, status=200, saved=False):
    statement = _statement_of(item)
    return render(
        request,
        "judgements/_item_assurance.html",
        {
            "item": item,
            "assurance": statement,
            "assurance_form": form or AssuranceForm(instance=statement),
            "saved": saved,
        },
        status=status,
    )


def assurance_edit(request, pk):
    """Record or change an item's assurance statement. htmx swaps the block in place and
    keeps what was typed on an error; without JavaScript this is a page of its own."""
    item = _item_for_change(request, pk)
    statement = _statement_of(item)
    form = AssuranceForm(request.POST or None, instance=statement or AssuranceStatement(item=item))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assurance(
                item,
                level=form.cleaned_data["level"],
                narrative=form.cleaned_data["narrative"],
                # What the form was opened at; none (a hand-made post) counts as "no
                # statement yet", and so is stale once there is one.
                version=form.cleaned_data["version"] or 0,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return render_assurance(request, item, saved=True)
            messages.success(request, f"Assurance statement of item {item.number} saved.")
            return redirect(item.meeting.get_record_url(item))
    if request.htmx:
        return render_assurance(request, item, form)
    return render(
        request,
        "judgements/assurance_form.html",
        {"form": form, "item": item, "meeting": item.meeting},
    )


@require_POST
def assurance_confirm(request, pk):
    """The Commissioner confirms the statement as minuted."""
    # Not found before not allowed, as for every other object of the site.
    statement = get_object_or_404(
        AssuranceStatement.objects.select_related("item__meeting", "item__parent"), pk=pk
    )
    if not roles.can_confirm_assurance(request.user):
        raise PermissionDenied("Only the Commissioner confirms assurance statements.")
    services.confirm_assurance(statement, by=request.user)
    messages.success(request, f"Assurance statement of item {statement.item.label} confirmed.")
    return redirect(statement.item.meeting)


def render_decisions(request, item, form=None, status=200):
    return render(
        request,
        "judgements/_item_decisions.html",
        {
            "item": item,
            "decisions": item.decisions.standing()
            .select_related("decided_by", "linked_to__series")
            .order_by("position", "pk"),
            "decision_form": form or DecisionForm(),
        },
        status=status,
    )


@require_POST
def decision_add(request, pk):
    """Minute a decision at an item, numbered next in its series."""
    item = _item_for_change(request, pk)
    form = DecisionForm(request.POST, series=item.meeting.series)
    if form.is_valid():
        if first_submission(form, request.user):
            decision = services.record_decision(
                item,
                text=form.cleaned_data["text"],
                decided_by=form.cleaned_data["decided_by"],
                by_chair=form.cleaned_data["decided_by"] is None,
                link_kind=form.cleaned_data["link_kind"],
                linked_to=form.cleaned_data["linked_to"],
                by=request.user,
            )
            message = f"Decision {decision.reference} added to item {item.number}."
        else:
            message = ALREADY_SAVED
        if request.htmx:
            return render_decisions(request, item)
        messages.success(request, message)
        return redirect(item.meeting.get_record_url(item))
    if request.htmx:
        return render_decisions(request, item, form)
    return render(
        request,
        "judgements/decision_form.html",
        {"form": form, "item": item, "meeting": item.meeting},
    )


@require_GET
def decision_detail(request, pk):
    """A decision, and the decisions of other bodies it is linked to, either way: the one
    it was taken jointly with or under delegation from, and those taken with or under it."""
    decision = get_object_or_404(
        Decision.objects.visible_to(request.user).for_listing(request.user), pk=pk
    )
    # Only the linked decisions this user may see: a draft of another body stays unseen.
    linked_from = (
        decision.linked_from.visible_to(request.user)
        .select_related("series", "item__meeting")
        .order_by("series__name", "reference")
    )
    can_edit = roles.can_record_minutes(request.user) and decision.item.meeting.in_progress
    return render(
        request,
        "judgements/decision_detail.html",
        {
            "decision": decision,
            "item": decision.item,
            "meeting": decision.item.meeting,
            "linked_from": linked_from,
            "can_edit": can_edit,
        },
    )


def _decision_for_change(request, pk):
    roles.require_recorder(request.user)
    decision = get_object_or_404(
        Decision.objects.standing().select_related(
            "series", "item__meeting", "item__parent", "linked_to__series"
        ),
        pk=pk,
    )
    ensure_in_progress(decision.item.meeting)
    return decision


def _decision_page(request, decision, form=None, withdraw_form=None, status=200):
    item = decision.item
    return render(
        request,
        "judgements/decision_form.html",
        {
            "form": form or DecisionForm(instance=decision),
            "withdraw_form": withdraw_form or WithdrawDecisionForm(),
            "item": item,
            "meeting": item.meeting,
            "decision": decision,
        },
        status=status,
    )


def decision_edit(request, pk):
    decision = _decision_for_change(request, pk)
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Decision {decision.reference} saved.")
        return redirect(decision.item.meeting.get_record_url(decision.item))
    return _decision_page(request, decision, form=form)


@require_POST
def decision_withdraw(request, pk):
    """Withdraw a decision minuted in error: it leaves the minutes, and is kept with who,
    when and why; its number is not used again."""
    decision = _decision_for_change(request, pk)
    form = WithdrawDecisionForm(request.POST)
    if not form.is_valid():
        return _decision_page(request, decision, withdraw_form=form)
    services.withdraw_decision(decision, reason=form.cleaned_data["reason"], by=request.user)
    messages.success(
        request, f"Decision {decision.reference} withdrawn; its number is not used again."
    )
    return redirect(decision.item.meeting.get_record_url(decision.item))


# The register of decisions, and its exports: what each user may see, filtered alike.


def _filtered(request):
    decisions = (
        Decision.objects.visible_to(request.user)
        .for_listing(request.user)
        .order_by("-item__meeting__date", "series__name", "reference")
    )
    return DecisionFilter(request.GET or None, queryset=decisions, request=request)


class DecisionRegisterView(ListView):
    template_name = "judgements/decision_register.html"
    context_object_name = "decisions"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = _filtered(self.request)
        return self.filterset.qs

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset, query_string=query.urlencode(), **kwargs
        )


COLUMNS = ["Reference", "Decision", "Decided by", "Meeting", "Date", "Item", "Theme"]


def _row(decision):
    meeting, item = decision.item.meeting, decision.item
    return [
        decision.reference_label,
        decision.text,
        decision.decided_by_display,
        meeting.title,
        meeting.date.strftime("%d/%m/%Y"),
        item.label,
        item.theme.name if item.theme_id else "",
    ]


def _filename(extension):
    return f"decisions-{timezone.localdate().isoformat()}.{extension}"


def _rows(request):
    """Every decision's row, fetched a chunk at a time: the register streams, as the action
    log's exports do, however long it grows."""
    return (_row(decision) for decision in _filtered(request).qs.iterator(chunk_size=CHUNK_SIZE))


def export_csv(request):
    response = StreamingHttpResponse(csv_chunks(COLUMNS, _rows(request)), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def export_xlsx(request):
    out = xlsx_file(COLUMNS, _rows(request), title="Decisions", widths=[12, 60, 24, 40, 12, 8, 40])
    return FileResponse(out, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_TYPE)
