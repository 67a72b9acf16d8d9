"""References that real bodies use: numbering that restarts each meeting ("Action 1") is
unique within its meeting, and shown qualified by the meeting where a list spans meetings;
references a series' scheme makes stay unique in the series."""

import csv
import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import exports
from actions.models import Action, ActionReview
from actions.reviews import brought_forward_heading
from actions.services import edit_action, mark_complete, raise_action
from meetings.models import ItemKind, ReferenceScheme
from search.engine import search
from tests.factories import ItemFactory, MeetingFactory, SeriesFactory

pytestmark = pytest.mark.django_db

D = datetime.date
LINK_TEXT = re.compile(r'<a href="/actions/\d+/">([^<]*)</a>')


@pytest.fixture
def panel(db):
    """A body that numbers its actions afresh at each meeting, typed by the officer."""
    return SeriesFactory(
        name="Police and Crime Panel", short_name="PCP", reference_scheme=ReferenceScheme.TYPED
    )


@pytest.fixture
def hta(db):
    return SeriesFactory(name="Monthly Assurance Meeting", short_name="HTA")


def raise_typed(meeting, reference, text=None):
    return raise_action(
        item=ItemFactory(meeting=meeting), text=text or f"Do {reference}", reference=reference
    )


def three_meetings(series):
    return [
        MeetingFactory(series=series, date=D(2022, 1, 12)),
        MeetingFactory(series=series, date=D(2022, 2, 9)),
        MeetingFactory(series=series, date=D(2022, 3, 9)),
    ]


def test_numbering_that_restarts_at_three_meetings_in_a_row_is_accepted(panel):
    meetings = three_meetings(panel)
    for meeting in meetings:
        raise_typed(meeting, "Action 1")
        raise_typed(meeting, "Action 2")
    assert [
        (a.meeting.date, a.reference, a.reference_per_meeting)
        for a in Action.objects.order_by("meeting__date", "pk")
    ] == [
        (D(2022, 1, 12), "Action 1", True),
        (D(2022, 1, 12), "Action 2", True),
        (D(2022, 2, 9), "Action 1", True),
        (D(2022, 2, 9), "Action 2", True),
        (D(2022, 3, 9), "Action 1", True),
        (D(2022, 3, 9), "Action 2", True),
    ]


def test_the_officer_types_a_restarting_reference_at_each_meeting_and_a_repeat_is_refused(
    client, opcc_user, panel
):
    client.force_login(opcc_user)
    january, february, _march = three_meetings(panel)
    first, again = ItemFactory(meeting=january), ItemFactory(meeting=january)
    later = ItemFactory(meeting=february)

    def post(item, reference, text):
        return client.post(
            reverse("actions:raise", args=[item.pk]),
            {f"action-{item.pk}-text": text, f"action-{item.pk}-reference": reference},
        )

    assert post(first, "Action 1", "Report on stop and search").status_code == 302
    assert post(later, "Action 1", "Report on custody").status_code == 302
    refused = post(again, "Action 1", "Report on training")
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "reference": ["This meeting already has an action Action 1."]
    }
    # Beside the field, with what was typed kept.
    assert 'id="error_1_id_action-' in refused.text
    assert "Report on training</textarea>" in refused.text
    assert [(a.meeting.date, a.reference, a.text) for a in Action.objects.order_by("pk")] == [
        (D(2022, 1, 12), "Action 1", "Report on stop and search"),
        (D(2022, 2, 9), "Action 1", "Report on custody"),
    ]


def test_the_service_refuses_a_repeat_within_the_meeting_beside_the_field(panel):
    january = three_meetings(panel)[0]
    raise_typed(january, "Action 1")
    with pytest.raises(ValidationError) as refused:
        raise_typed(january, "Action 1")
    assert refused.value.message_dict == {
        "reference": ["This meeting already has an action Action 1."]
    }


def test_the_database_holds_typed_references_unique_in_their_meeting(panel):
    january, february, _march = three_meetings(panel)
    raise_typed(january, "Action 1")
    raise_typed(february, "Action 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            reference="Action 1", text="Again", meeting=january, item=ItemFactory(meeting=january)
        )


def test_references_the_scheme_makes_stay_unique_in_the_whole_series(hta):
    october = MeetingFactory(series=hta, date=D(2017, 10, 31))
    november = MeetingFactory(series=hta, date=D(2017, 11, 29))
    made = raise_action(item=ItemFactory(meeting=october), text="Report")
    assert (made.reference, made.reference_per_meeting) == ("2017/10-01", False)
    # Another meeting of the series may not take it, though unique within that meeting.
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            reference="2017/10-01",
            text="Again",
            meeting=november,
            item=ItemFactory(meeting=november),
        )


def test_an_edit_to_a_reference_taken_at_the_same_meeting_is_refused_and_elsewhere_accepted(
    panel,
):
    january, february, _march = three_meetings(panel)
    raise_typed(january, "Action 1")
    raise_typed(february, "Action 2")
    second = raise_typed(january, "Action 2")
    unchanged = {"by": None, "text": second.text, "owner_posts": [], "owner_people": []}
    with pytest.raises(ValidationError) as refused:
        edit_action(second, reference="Action 1", **unchanged)
    assert refused.value.message_dict == {
        "reference": ["This meeting already has an action Action 1."]
    }
    # Action 2 is February's too: a different meeting, so January may keep its own.
    edit_action(second, reference="Action 3", **unchanged)
    second.refresh_from_db()
    assert second.reference == "Action 3"


def _labels():
    return [a.reference_label for a in Action.objects.for_listing().order_by("meeting__date", "pk")]


def test_a_reference_is_qualified_by_its_meeting_only_where_another_meeting_used_it(panel, hta):
    january, february, _march = three_meetings(panel)
    raise_typed(january, "Action 1")
    raise_typed(january, "Action 2")
    raise_typed(february, "Action 1")
    # A reference of the assurance meeting that another series also gave.
    raise_action(
        item=ItemFactory(meeting=MeetingFactory(series=hta, date=D(2022, 1, 26))), text="A"
    )
    audit = SeriesFactory(name="Joint Audit Committee", short_name="JAC")
    raise_action(
        item=ItemFactory(meeting=MeetingFactory(series=audit, date=D(2022, 1, 5))), text="B"
    )
    assert _labels() == [
        "2022/01-01 (JAC)",
        "Action 1 (12 January 2022)",
        "Action 2",
        "2022/01-01 (HTA)",
        "Action 1 (9 February 2022)",
    ]
    # Read one at a time (no annotation), the label is the same.
    assert [a.reference_label for a in Action.objects.order_by("meeting__date", "pk")] == _labels()
    first = Action.objects.get(meeting=january, reference="Action 1")
    assert first.qualified_reference == "Action 1 (12 January 2022)"
    assert first.cited_reference == "Action 1 (12 January 2022)"
    assert Action.objects.get(series=hta).cited_reference == "2022/01-01"


def test_the_action_log_and_its_exports_show_repeated_references_qualified(
    client, opcc_user, panel
):
    january, february, _march = three_meetings(panel)
    raise_typed(january, "Action 1")
    raise_typed(january, "Action 2")
    raise_typed(february, "Action 1")
    client.force_login(opcc_user)
    log = client.get(reverse("actions:log"))
    assert LINK_TEXT.findall(log.text) == [
        "Action 1 (12 January 2022)",
        "Action 2",
        "Action 1 (9 February 2022)",
    ]
    listed = Action.objects.for_listing().order_by("meeting__date", "pk")
    rows = list(csv.reader(io.StringIO(exports.as_csv(listed))))
    assert [row[0] for row in rows] == [
        "Reference",
        "Action 1 (12 January 2022)",
        "Action 2",
        "Action 1 (9 February 2022)",
    ]
    # The import reads the export back as the references they are.
    assert exports.unqualified("Action 1 (12 January 2022)", january) == "Action 1"
    assert exports.unqualified("Action 1 (12 January 2022)", february) == (
        "Action 1 (12 January 2022)"
    )


def test_the_dashboard_shows_repeated_references_qualified(client, opcc_user, panel):
    january, february, _march = three_meetings(panel)
    for meeting in (january, february):
        mark_complete(raise_typed(meeting, "Action 1"), note="Done", by=opcc_user)
    client.force_login(opcc_user)
    response = client.get(reverse("dashboard"))
    awaiting = [a.reference_label for a in response.context["awaiting"]]
    assert awaiting == ["Action 1 (12 January 2022)", "Action 1 (9 February 2022)"]
    assert "Select action Action 1 (12 January 2022)" in response.text


def test_a_card_brought_forward_names_the_meeting_of_a_restarting_reference(
    client, opcc_user, panel
):
    january, february, _march = three_meetings(panel)
    earlier = raise_typed(january, "Action 1")
    raise_typed(february, "Action 1")
    review = ActionReview.objects.create(
        item=ItemFactory(meeting=february, kind=ItemKind.BROUGHT_FORWARD), action=earlier
    )
    client.force_login(opcc_user)
    page = client.get(review.get_absolute_url())
    assert re.findall(r'class="h6 card-title">([^<]*)<', page.text) == [
        "Brought forward: action Action 1 (12 January 2022)"
    ]


def test_an_item_brought_forward_names_the_meeting_of_a_restarting_reference(panel, hta):
    january, february, _march = three_meetings(panel)
    earlier = raise_typed(january, "Action 1", "Inspect the cells")
    generated = raise_action(
        item=ItemFactory(meeting=MeetingFactory(series=hta, date=D(2022, 1, 26))), text="Report"
    )
    assert brought_forward_heading(earlier, february) == (
        "Action 1 (12 January 2022): Inspect the cells"
    )
    assert brought_forward_heading(earlier, MeetingFactory(series=hta, date=D(2022, 2, 23))) == (
        "Action 1 (PCP, 12 January 2022): Inspect the cells"
    )
    assert brought_forward_heading(generated, MeetingFactory(series=hta)) == (
        "Action 2022/01-01: Report"
    )


def test_search_names_the_meeting_of_each_action_of_a_restarting_reference(opcc_user, panel):
    january, february, _march = three_meetings(panel)
    raise_typed(january, "Action 1", "Inspect the cells")
    raise_typed(february, "Action 1", "Audit the cells")
    page = search(opcc_user, "cells")
    assert sorted((hit.title, hit.context) for hit in page.results) == [
        ("Action 1", "Police and Crime Panel February 2022"),
        ("Action 1", "Police and Crime Panel January 2022"),
    ]


def _log_queries(client):
    # Nothing kept (actions.record, actions.filters.filter_bar): the page worked out whole.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actions:log"))
    assert response.status_code == 200
    return len(queries), len(response.context["actions"])


def test_the_log_does_as_many_queries_for_many_repeated_references_as_for_one(
    client, opcc_user, panel
):
    client.force_login(opcc_user)
    meetings = [
        MeetingFactory(series=panel, date=D(2022, 1, 1) + datetime.timedelta(n)) for n in range(12)
    ]
    raise_typed(meetings[0], "Action 1")
    one, shown = _log_queries(client)
    assert shown == 1
    for meeting in meetings[1:]:
        raise_typed(meeting, "Action 1")
        raise_typed(meeting, "Action 2")
    many, shown = _log_queries(client)
    assert (many, shown) == (one, 23)
