"""Themes over time, and the yearly report by theme for the Commissioner's annual report:
on screen, as PDF and as a workbook, each for what the reader may see."""

import io

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from actions.exports import XLSX_TYPE, add_sheet
from meetings.models import MeetingSeries
from themes.chart import LEGEND, theme_chart
from themes.kept_report import read_ready, request_report_pdf
from themes.models import KeptReportStatus
from themes.report import LEVEL_LABELS, Year, theme_report, years_with_minutes


class ReportForm(forms.Form):
    series = forms.ModelChoiceField(
        queryset=MeetingSeries.objects.order_by("name"),
        required=False,
        empty_label="All series",
        label="Series",
        error_messages={"invalid_choice": "Choose a series from the list."},
    )


def _series(request):
    """The chosen series (None for all), and the form that says what was wrong with it."""
    form = ReportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["series"], form
    return None, form


def _year(year):
    # A year the minutes could hold; anything else is no page, not an error.
    if not 1900 <= year <= 2200:
        raise Http404("No such year.")
    return Year(year)


@require_safe
def overview(request):
    """The latest financial year with agreed minutes (this year's when there is none)."""
    series, _ = _series(request)
    years = years_with_minutes(series)
    year = years[0] if years else Year.containing(timezone.localdate())
    url = reverse("themes:year", args=[year.start])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _context(request, year):
    series, form = _series(request)
    report = theme_report(request.user, year, series)
    query = request.GET.urlencode()
    years = years_with_minutes(series)
    return {
        "report": report,
        "series": series,
        "form": form,
        "query": f"?{query}" if query else "",
        "years": sorted({*years, year}, key=lambda y: y.start, reverse=True),
        "levels": LEVEL_LABELS,
    }


@require_safe
def year_report(request, year):
    year = _year(year)
    context = _context(request, year)
    chart = theme_chart(context["report"])
    return render(
        request,
        "themes/year.html",
        {**context, "chart": chart, "legend": [(mark, LEVEL_LABELS[lv]) for mark, lv in LEGEND]},
    )


def _filename(year, series, extension):
    # A plain hyphen: every browser and mail client keeps an ASCII file name as it is.
    scope = f"{series.short_name} " if series else ""
    return f"Themes {scope}{year.start}-{str(year.start + 1)[-2:]}.{extension}"


@require_safe
def report_pdf(request, year):
    """The report as PDF, made in the background from the page the reader may see and kept
    (``themes.kept_report``): until it is ready, a page that says so and checks again by
    itself; if it failed, a way to ask again (``?again=1``)."""
    year = _year(year)
    context = _context(request, year)
    html = render_to_string("themes/report_document.html", context)
    kept = request_report_pdf(
        html, base_url=request.build_absolute_uri("/"), again="again" in request.GET
    )
    if kept.status == KeptReportStatus.READY and not request.htmx:
        body = read_ready(kept)
        if body is None:
            # Gone from the storage: asked for again.
            kept = request_report_pdf(html, base_url=request.build_absolute_uri("/"))
            body = read_ready(kept) if kept.status == KeptReportStatus.READY else None
        if body is not None:
            response = HttpResponse(body, content_type="application/pdf")
            response["Content-Disposition"] = content_disposition_header(
                True, _filename(year, context["series"], "pdf")
            )
            return response
    query = request.GET.copy()
    query.pop("again", None)
    url = reverse("themes:pdf", args=[year.start]) + (f"?{query.urlencode()}" if query else "")
    again = query.copy()
    again["again"] = "1"
    status_context = {
        "kept": kept,
        "Status": KeptReportStatus,
        "year": year,
        "url": url,
        "again_url": reverse("themes:pdf", args=[year.start]) + f"?{again.urlencode()}",
        "report_url": reverse("themes:year", args=[year.start]) + context["query"],
    }
    if request.htmx:
        return render(request, "themes/report_pdf.html#status", status_context)
    status = 202 if kept.status == KeptReportStatus.PREPARING else 200
    return render(request, "themes/report_pdf.html", status_context, status=status)


@require_safe
def report_xlsx(request, year):
    year = _year(year)
    context = _context(request, year)
    report = context["report"]
    workbook = Workbook(write_only=True)
    level_columns = [label for _, label, _ in report.totals.level_counts]
    summary = [
        [
            theme.name,
            len(theme.items),
            *[count for _, _, count in theme.level_counts],
            len(theme.actions),
            theme.closed,
            theme.outstanding,
            theme.withdrawn,
            theme.median_days_to_close,
        ]
        for theme in [*report.themes, report.totals]
    ]
    add_sheet(
        workbook,
        "By theme",
        [
            "Theme",
            "Items",
            *level_columns,
            "Actions raised",
            "Closed",
            "Outstanding",
            "Withdrawn",
            "Median days to close",
        ],
        summary,
        [40, 8, *[12] * len(level_columns), 10, 8, 12, 10, 12],
    )
    items = [
        [
            item.theme,
            item.meeting.title,
            item.meeting.date,
            item.number,
            item.heading,
            item.level_label,
            len(item.actions),
        ]
        for theme in report.themes
        for item in theme.items
    ]
    add_sheet(
        workbook,
        "Items",
        ["Theme", "Meeting", "Date", "Item", "Heading", "Assurance", "Actions raised"],
        items,
        [36, 40, 12, 8, 50, 22, 10],
    )
    actions = [
        [
            item.theme,
            outcome.action.reference,
            outcome.action.text,
            item.meeting.title,
            outcome.raised_on,
            outcome.outcome,
            outcome.closed_on if outcome.days_to_close is not None else None,
            outcome.days_to_close,
        ]
        for theme in report.themes
        for item in theme.items
        for outcome in item.actions
    ]
    add_sheet(
        workbook,
        "Actions",
        ["Theme", "Reference", "Action", "Raised at", "Raised on", "Outcome", "Closed on", "Days"],
        actions,
        [36, 14, 60, 40, 12, 12, 12, 8],
    )
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(year, context["series"], "xlsx")
    )
    return response
