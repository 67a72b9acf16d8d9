"""A decision linked to a decision of another body (joint police and fire boards, a deputy
deciding under delegation), shown on both decisions' pages and in the minutes; numbers stay
unique per series, and a number two bodies share is qualified by series in lists."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from judgements import services
from judgements.models import Decision, LinkKind
from meetings.minutes import Block, DecisionLine, build_document, decision_lines
from meetings.models import Meeting
from people import roles
from tests.factories import ItemFactory, MeetingFactory, SeriesFactory, user_with_role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def police(db):
    return SeriesFactory(name="Police Accountability Board", short_name="PAB")


@pytest.fixture
def fire(db):
    return SeriesFactory(name="Fire Authority", short_name="FA")


def decide(series, date, text, status="draft", **links):
    """A decision minuted at a new item of the series' meeting on ``date``, then the minutes
    left at ``status``."""
    meeting = Meeting.objects.filter(series=series, date=date).first()
    meeting = meeting or MeetingFactory(series=series, date=date)
    decision = services.record_decision(
        ItemFactory(meeting=meeting), text=text, by_chair=True, **links
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    return decision


def edit_data(decision, **link):
    return {
        "text": decision.text,
        "decided_by": "",
        "version": decision.version,
        "link_kind": "",
        "link_series": "",
        "link_reference": "",
        **link,
    }


def test_two_bodies_decisions_share_a_number_each_unique_in_its_series(police, fire):
    ours = decide(police, D(2022, 3, 1), "Adopt the joint estates strategy")
    theirs = decide(fire, D(2022, 3, 2), "Adopt the joint estates strategy")
    assert (ours.reference, theirs.reference) == ("D2022/01", "D2022/01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            item=ours.item, series=police, reference="D2022/01", text="Again", by_chair=True
        )


def test_the_officer_links_a_decision_to_the_other_bodys_and_both_pages_show_it(
    client, opcc_user, police, fire
):
    theirs = decide(fire, D(2022, 3, 2), "Adopt the joint estates strategy")
    ours = decide(police, D(2022, 3, 1), "Adopt the joint estates strategy")
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:decision_edit", args=[ours.pk]),
        edit_data(ours, link_kind="jointly", link_series=fire.pk, link_reference="D2022/01"),
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.link_kind, ours.linked_to) == (LinkKind.JOINTLY, theirs)

    page = client.get(ours.get_absolute_url())
    assert re.findall(
        r'<dd class="col-sm-9 decision-linked-to"><a href="([^"]+)">([^<]+)</a>', page.text
    ) == [(theirs.get_absolute_url(), "D2022/01 (FA)")]
    assert '<dt class="col-sm-3">Taken jointly with</dt>' in page.text
    other_page = client.get(theirs.get_absolute_url())
    assert re.findall(
        r'<dt class="col-sm-3">([^<]+)</dt><dd class="col-sm-9 decision-linked-from">'
        r'<a href="([^"]+)">([^<]+)</a>',
        other_page.text,
    ) == [("Taken jointly with", ours.get_absolute_url(), "D2022/01 (PAB)")]


def test_a_decision_under_delegation_reads_the_other_way_on_the_delegating_decision(
    client, opcc_user, police, fire
):
    delegating = decide(fire, D(2022, 1, 10), "Delegate the estates sale to the deputy")
    taken = decide(
        police,
        D(2022, 2, 1),
        "Sell the old station",
        link_kind=LinkKind.DELEGATION,
        linked_to=delegating,
    )
    client.force_login(opcc_user)
    page = client.get(delegating.get_absolute_url())
    assert re.findall(
        r'<dt class="col-sm-3">([^<]+)</dt><dd class="col-sm-9 decision-linked-from">', page.text
    ) == ["Delegated, and taken as"]
    assert taken.link_wording == (
        "taken under delegation from decision D2022/01 of the Fire Authority"
    )


def test_the_minutes_say_what_the_decision_was_taken_with(police, fire):
    theirs = decide(fire, D(2022, 3, 2), "Adopt the joint estates strategy")
    ours = decide(
        police,
        D(2022, 3, 1),
        "Adopt the joint estates strategy",
        link_kind=LinkKind.JOINTLY,
        linked_to=theirs,
    )
    document = build_document(ours.item.meeting)
    blocks = [block for row in document.rows for block in row.blocks if block.kind == "decisions"]
    assert blocks == [
        Block(
            "decisions",
            items=(
                DecisionLine(
                    "D2022/01",
                    "Adopt the joint estates strategy",
                    "the chair",
                    "taken jointly with decision D2022/01 of the Fire Authority",
                ),
            ),
        )
    ]
    assert decision_lines(blocks[0]) == [
        "Adopt the joint estates strategy (decided by the chair) (D2022/01) – taken jointly "
        "with decision D2022/01 of the Fire Authority"
    ]
    # Minutes frozen before links read back as they were.
    assert DecisionLine(**{"reference": "D2017/01", "text": "T", "decided_by": "X"}).link == ""


@pytest.mark.parametrize(
    ("link", "field", "message"),
    [
        (
            {"link_kind": "jointly", "link_series": "fire", "link_reference": "D2022/09"},
            "link_reference",
            "The Fire Authority has no decision D2022/09.",
        ),
        (
            {"link_kind": "", "link_series": "fire", "link_reference": "D2022/01"},
            "link_kind",
            "Say how it is linked to the other body's decision.",
        ),
        (
            {"link_kind": "jointly", "link_series": "", "link_reference": "D2022/01"},
            "link_series",
            "Choose the other body's meetings.",
        ),
        (
            {"link_kind": "delegation", "link_series": "fire", "link_reference": ""},
            "link_reference",
            "Give the other body's decision number.",
        ),
        (
            {"link_kind": "jointly", "link_series": "police", "link_reference": "D2022/01"},
            "link_series",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_a_link_that_names_no_decision_of_another_body_is_refused_beside_the_field(
    client, opcc_user, police, fire, link, field, message
):
    decide(fire, D(2022, 3, 2), "Theirs")
    ours = decide(police, D(2022, 3, 1), "Ours")
    series = {"fire": fire.pk, "police": police.pk, "": ""}
    link = {**link, "link_series": series[link["link_series"]]}
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:decision_edit", args=[ours.pk]), edit_data(ours, **link)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    ours.refresh_from_db()
    assert ours.linked_to is None


def test_the_service_refuses_a_link_within_the_series(police):
    first = decide(police, D(2022, 3, 1), "First")
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            first.item, text="Second", by_chair=True, link_kind="jointly", linked_to=first
        )
    assert refused.value.message_dict == {
        "link_reference": [
            "Link a decision of another body: D2022/01 is the Police Accountability Board's own."
        ]
    }


def test_the_database_refuses_a_link_without_a_kind(police, fire):
    theirs = decide(fire, D(2022, 3, 2), "Theirs")
    ours = decide(police, D(2022, 3, 1), "Ours")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=ours.pk).update(linked_to=theirs)


# The decision's page, for each role.


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        (roles.OPCC_STAFF, "draft", 200),
        (roles.COMMISSIONER, "draft", 200),
        (roles.FORCE_OFFICER, "draft", 404),
        (roles.FORCE_OFFICER, "agreed", 200),
    ],
)
def test_the_decisions_page_is_seen_as_the_minutes_are(client, police, role, status, expected):
    decision = decide(police, D(2022, 3, 1), "Adopt", status=status)
    client.force_login(user_with_role(role))
    assert client.get(decision.get_absolute_url()).status_code == expected


def test_the_decisions_page_asks_a_visitor_to_sign_in(client, police):
    decision = decide(police, D(2022, 3, 1), "Adopt", status="agreed")
    response = client.get(decision.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_force_does_not_see_a_link_from_a_decision_of_draft_minutes(
    client, force_user, police, fire
):
    theirs = decide(fire, D(2022, 3, 2), "Theirs", status="agreed")
    decide(police, D(2022, 3, 1), "Ours", link_kind="jointly", linked_to=theirs)
    client.force_login(force_user)
    page = client.get(theirs.get_absolute_url())
    assert page.status_code == 200
    assert list(page.context["linked_from"]) == []


def test_only_the_officer_is_offered_the_edit_of_a_decision_of_draft_minutes(
    client, opcc_user, commissioner_user, police
):
    decision = decide(police, D(2022, 3, 1), "Adopt")
    edit = reverse("judgements:decision_edit", args=[decision.pk])
    client.force_login(opcc_user)
    assert edit in client.get(decision.get_absolute_url()).text
    client.force_login(commissioner_user)
    assert edit not in client.get(decision.get_absolute_url()).text


# The register: a number two series share is qualified by series.


def test_the_register_and_its_export_qualify_a_number_another_series_shares(
    client, opcc_user, police, fire
):
    decide(police, D(2022, 3, 1), "Ours")
    decide(police, D(2022, 3, 1), "Ours again")
    decide(fire, D(2022, 3, 2), "Theirs")
    client.force_login(opcc_user)
    response = client.get(reverse("judgements:decisions"))
    assert [d.reference_label for d in response.context["decisions"]] == [
        "D2022/01 (FA)",
        "D2022/01 (PAB)",
        "D2022/02",
    ]
    assert re.findall(r'data-label="Ref."><a href="/[^"]+">([^<]+)</a>', response.text) == [
        "D2022/01 (FA)",
        "D2022/01 (PAB)",
        "D2022/02",
    ]
    exported = client.get(reverse("judgements:decisions_csv"))
    content = b"".join(exported.streaming_content)
    # Excel reads a CSV as UTF-8 only when it begins with the byte order mark.
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [row[0] for row in rows] == ["Reference", "D2022/01 (FA)", "D2022/01 (PAB)", "D2022/02"]


def test_the_register_costs_the_same_queries_for_one_linked_decision_or_many(
    client, opcc_user, police, fire, django_assert_num_queries
):
    client.force_login(opcc_user)
    theirs = decide(fire, D(2022, 3, 2), "Theirs")
    decide(police, D(2022, 3, 1), "Ours", link_kind="jointly", linked_to=theirs)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("judgements:decisions"))
    for n in range(12):
        other = decide(fire, D(2022, 4, 2), f"Theirs {n}")
        decide(police, D(2022, 4, 1), f"Ours {n}", link_kind="delegation", linked_to=other)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("judgements:decisions"))
    assert len(response.context["decisions"]) == 26


def test_the_decisions_page_costs_the_same_queries_for_one_link_or_many(
    client, opcc_user, police, fire, django_assert_num_queries
):
    client.force_login(opcc_user)
    delegating = decide(fire, D(2022, 1, 10), "Delegate")
    decide(police, D(2022, 2, 1), "Taken 0", link_kind="delegation", linked_to=delegating)
    with CaptureQueriesContext(connection) as one:
        client.get(delegating.get_absolute_url())
    for n in range(1, 8):
        decide(police, D(2022, 2, 1), f"Taken {n}", link_kind="delegation", linked_to=delegating)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(delegating.get_absolute_url())
    assert len(response.context["linked_from"]) == 8


def test_a_number_shared_only_with_a_decision_the_force_cannot_see_is_not_qualified(
    client, force_user, police, fire
):
    decide(police, D(2022, 3, 1), "Ours", status="agreed")
    decide(fire, D(2022, 3, 2), "Theirs, still a draft")
    client.force_login(force_user)
    response = client.get(reverse("judgements:decisions"))
    assert [d.reference_label for d in response.context["decisions"]] == ["D2022/01"]
