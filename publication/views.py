"""The public site: published minutes and their actions, for anyone, with no sign-in.

Every view here is a ``public_page``: exempt from the sign-in the rest of the site requires,
read-only, and rendered without the request, so that nothing on it depends on who asks and
no page reads the session or hands out a session or CSRF cookie.
"""

import datetime
from functools import wraps
from itertools import groupby

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from meetings import kept_files
from meetings.documents import PdfUnavailable, minutes_pdf
from meetings.minutes import without_app_links
from meetings.models import KeptFileStatus, MeetingSeries, MinutesFileKind, MinutesVariant
from people.models import Office
from publication.published import (
    public_actions,
    public_document,
    public_documents,
    published_meetings,
)

# Long enough for a cache to absorb a rush after publication, short enough that minutes just
# published (or an action just closed) show within minutes.
MAX_AGE = 5 * 60


def public_page(view):
    """Open to anyone: no sign-in, GET and HEAD only, cacheable for a short while.

    A visitor who is also signed in to the app carries a session cookie, which the session
    middleware refreshes on every response: such a response is private, so that no shared
    cache keeps it with the cookie."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            # The site's own 404 page carries the app's navigation and a CSRF token.
            return HttpResponseNotFound(
                render_to_string("public/404.html", {"office": Office.current(request)})
            )
        if response.status_code == 200:
            signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
            patch_cache_control(
                response, max_age=MAX_AGE, **{"private" if signed_in else "public": True}
            )
        return response

    return login_not_required(require_safe(wrapper))


def _page(request, template, context):
    # Rendered without the request's context processors (see the module): the office, which
    # every page's header names, is passed in.
    context = {**context, "office": Office.current(request)}
    return HttpResponse(render_to_string(template, context))


def _published_or_404(pk):
    meeting = get_object_or_404(published_meetings(), pk=pk)
    doc = public_document(meeting)
    if doc is None:
        raise Http404("No public version of these minutes is kept.")
    return meeting, doc


def _in_series_by_year(meetings):
    """[(series, [(year, [meeting, ...]), ...]), ...]: series by name, newest year first."""
    meetings = sorted(meetings, key=lambda m: (m.series.name, -m.date.year, -m.date.toordinal()))
    return [
        (series, [(year, list(ms)) for year, ms in groupby(group, key=lambda m: m.date.year)])
        for series, group in groupby(meetings, key=lambda m: m.series)
    ]


@public_page
def index(request):
    """Every series with published minutes (retired ones too), and its years."""
    return _page(
        request, "public/index.html", {"series_list": _in_series_by_year(published_meetings())}
    )


@public_page
def year(request, series_pk, year):
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise Http404("There is no such year.")
    series = get_object_or_404(MeetingSeries, pk=series_pk)
    meetings = list(
        published_meetings().filter(series=series, date__year=year).order_by("date", "pk")
    )
    if not meetings:
        raise Http404("No minutes of this series were published for that year.")
    return _page(
        request, "public/year.html", {"series": series, "year": year, "meetings": meetings}
    )


@public_page
def minutes(request, pk):
    meeting, doc = _published_or_404(pk)
    actions = public_actions([meeting], {meeting.pk: doc})
    return _page(
        request,
        "public/minutes.html",
        {"meeting": meeting, "doc": without_app_links(doc), "actions": actions},
    )


@public_page
def minutes_pdf_view(request, pk):
    """The PDF of published minutes, made once by the task queue (meetings.kept_files) and
    kept: until it is ready the visitor gets a page that says so and asks again by itself.
    Minutes agreed before versions were kept have nothing to make it from but the page's
    own document, and are made while the visitor waits."""
    meeting, doc = _published_or_404(pk)
    filename = f"{meeting.title} minutes.pdf"
    version = kept_files.frozen_version(meeting)
    if version is None:
        context = {"meeting": meeting, "doc": without_app_links(doc), "public": True}
        try:
            body = minutes_pdf(context, base_url=request.build_absolute_uri("/"))
        except PdfUnavailable as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        return _pdf(body, filename)
    kept = kept_files.request_file(
        version,
        MinutesVariant.PUBLISHED,
        MinutesFileKind.PDF,
        base_url=request.build_absolute_uri("/"),
    )
    if kept.status == KeptFileStatus.READY:
        body = kept_files.read_ready(kept)
        if body is not None:
            return _pdf(body, filename)
        # Gone from the storage: asked for again.
        kept = kept_files.request_file(version, MinutesVariant.PUBLISHED, MinutesFileKind.PDF)
    failed = kept.status == KeptFileStatus.FAILED
    response = _page(request, "public/pdf_status.html", {"meeting": meeting, "failed": failed})
    # Not kept by any cache: the next ask may find the PDF ready.
    response.status_code = 503 if failed else 202
    response["Retry-After"] = "30"
    patch_cache_control(response, no_store=True)
    return response


def _pdf(body, filename):
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@public_page
def series_actions(request, series_pk):
    """The actions arising of a series' published minutes, as minuted, and where each stands."""
    series = get_object_or_404(MeetingSeries, pk=series_pk)
    meetings = list(published_meetings().filter(series=series).order_by("date", "pk"))
    if not meetings:
        raise Http404("No minutes of this series have been published.")
    actions = public_actions(meetings, public_documents(meetings))
    return _page(request, "public/actions.html", {"series": series, "actions": actions})
