"""Each row's latest progress update, filled in as a page is served.

A progress update is what an action's owner adds most often, and it changes nothing on the
pages that list actions but the row's "Latest update". Those pages are kept for each version
of the record without the updates (``core.record.settled``, with ``ActionEvent.served_apart``),
and a row shows its latest update through a mark (``{% latest_update action %}``) that
``LatestUpdatesMiddleware`` fills in, for every row of the response in one query, as the
response leaves: whether the page was kept, rendered now, or asked for by htmx. So an update
costs the kept pages that query, not a render.

The mark is an HTML comment: text anyone typed is escaped, so it can never make one.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from actions.listing import latest_updates, update_label
from actions.models import ActionEvent

MARK = "<!--latest-update:{}-->"
MARKED = re.compile(r"<!--latest-update:(\d+)-->")
# What a row shows for an action without an update.
NONE_YET = "None yet"


def mark(action):
    return mark_safe(MARK.format(int(action.pk)))


def fill(html):
    """``html`` with each mark replaced by its action's latest update, read in one query."""
    ids = {int(pk) for pk in MARKED.findall(html)}
    if not ids:
        return html
    shown = {
        pk: escape(update_label(on_date, text))
        for pk, (on_date, text) in latest_updates(ActionEvent, ids).items()
    }
    return MARKED.sub(lambda match: shown.get(int(match[1]), NONE_YET), html)


class LatestUpdatesMiddleware:
    """Fills in the marks of any HTML response that has them (see the module)."""

    NEEDLE = MARK.split("{")[0].encode()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and self.NEEDLE in response.content
        ):
            response.content = fill(response.content.decode(response.charset)).encode(
                response.charset
            )
        return response
