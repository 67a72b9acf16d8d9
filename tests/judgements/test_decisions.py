"""Decisions: minuted at an item, numbered through the year in each series, listed in a
register with filters, exported, frozen with the minutes, and hidden with a restricted item."""

import csv
import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from judgements import services as judgements_services
from judgements.models import Decision
from meetings import services
from meetings.minutes import Block, DecisionLine, MinutesDocument, build_document
from tests.factories import ItemFactory, MeetingFactory, PersonFactory, SeriesFactory
from themes.models import Theme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def meeting_on(series, date, status="draft"):
    return MeetingFactory(series=series, date=date, status=status)


@pytest.fixture
def hta(db):
    return SeriesFactory(name="Monthly Assurance Meeting")


@pytest.fixture
def jac(db):
    return SeriesFactory(name="Joint Audit Committee", short_name="JAC")


def test_decisions_are_numbered_through_the_year_in_each_series(hta, jac):
    october = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    november = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 11, 29)))
    audit = ItemFactory(meeting=meeting_on(jac, datetime.date(2017, 11, 1)))
    january = ItemFactory(meeting=meeting_on(hta, datetime.date(2018, 1, 30)))
    made = [
        judgements_services.record_decision(october, text="One", by_chair=True),
        judgements_services.record_decision(october, text="Two", by_chair=True),
        judgements_services.record_decision(audit, text="Audit one", by_chair=True),
        judgements_services.record_decision(november, text="Three", by_chair=True),
        judgements_services.record_decision(january, text="New year", by_chair=True),
        judgements_services.record_decision(audit, text="Audit two", by_chair=True),
    ]
    assert [(d.series.short_name, d.reference) for d in made] == [
        ("MAM", "D2017/01"),
        ("MAM", "D2017/02"),
        ("JAC", "D2017/01"),
        ("MAM", "D2017/03"),
        ("MAM", "D2018/01"),
        ("JAC", "D2017/02"),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            item=october, series=hta, reference="D2017/01", text="Again", by_chair=True
        )


def test_a_decision_is_by_the_chair_or_by_one_person_never_both(hta):
    item = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            item=item,
            series=hta,
            reference="D2017/09",
            text="Both",
            by_chair=True,
            decided_by=PersonFactory(),
        )


def test_the_officer_adds_a_decision_at_an_item_with_htmx(client, opcc_user, hta):
    item = ItemFactory(number="4", meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    dcc = PersonFactory(name="Amanda Blakeman", initials="AB")
    client.force_login(opcc_user)
    url = reverse("judgements:decision_add", args=[item.pk])
    data = {"text": "The force to adopt the plan.", "decided_by": dcc.pk, "submission": ""}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert response.templates[0].name == "judgements/_item_decisions.html"
    client.post(url, {"text": "Report back in March.", "decided_by": ""}, **HTMX)
    assert [(d.reference, d.text, d.decided_by, d.by_chair) for d in item.decisions.all()] == [
        ("D2017/01", "The force to adopt the plan.", dcc, False),
        ("D2017/02", "Report back in March.", None, True),
    ]
    assert item_blocks(build_document(item.meeting), item)[-2:] == (
        Block("label", "Decisions:"),
        Block(
            "decisions",
            items=(
                DecisionLine("D2017/01", "The force to adopt the plan.", "Amanda Blakeman"),
                DecisionLine("D2017/02", "Report back in March.", "the chair"),
            ),
        ),
    )


def test_a_decision_posted_twice_is_added_once(client, opcc_user, hta):
    item = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    client.force_login(opcc_user)
    url = reverse("judgements:decision_add", args=[item.pk])
    data = {"text": "Once only.", "submission": "6a3c0c62-4e2b-4a55-9d7b-0f0a7b1f2c3d"}
    client.post(url, data)
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(item.decisions.values_list("text", flat=True)) == ["Once only."]


def test_a_decision_without_text_is_refused_beside_the_field_keeping_the_choice(
    client, opcc_user, hta
):
    item = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    person = PersonFactory(name="Amanda Blakeman")
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:decision_add", args=[item.pk]),
        {"text": "", "decided_by": person.pk},
        **HTMX,
    )
    page = response.content.decode()
    assert f'id="decision-{item.pk}-error">Write what was decided.</div>' in page
    assert f'<option value="{person.pk}" selected>Amanda Blakeman (P' in page
    assert not Decision.objects.exists()


def test_a_decision_edited_from_a_stale_form_is_refused(client, opcc_user, hta):
    item = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    decision = judgements_services.record_decision(item, text="First.", by_chair=True)
    client.force_login(opcc_user)
    url = reverse("judgements:decision_edit", args=[decision.pk])
    assert client.post(url, {"text": "Second.", "version": "1"}).status_code == 302
    response = client.post(url, {"text": "Stale.", "version": "1"})
    assert "Someone else saved this since you opened it" in response.content.decode()
    assert "Stale.</textarea>" in response.content.decode()
    decision.refresh_from_db()
    assert (decision.text, decision.version) == ("Second.", 2)


def item_blocks(document, item):
    return next(row.blocks for row in document.rows if row.anchor == f"item-{item.pk}")


def test_agreed_minutes_keep_their_decisions_as_agreed(client, opcc_user, commissioner_user, hta):
    item = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 10, 31)))
    decision = judgements_services.record_decision(item, text="As agreed.", by_chair=True)
    services.set_minutes_status(item.meeting, "agreed", by=commissioner_user)
    client.force_login(opcc_user)
    response = client.post(
        reverse("judgements:decision_edit", args=[decision.pk]), {"text": "Later.", "version": "1"}
    )
    assert response.status_code == 302
    Decision.objects.filter(pk=decision.pk).update(text="Changed in the database.")
    document = MinutesDocument.from_dict(item.meeting.versions.get().content["full"])
    assert item_blocks(document, item)[-1] == Block(
        "decisions", items=(DecisionLine("D2017/01", "As agreed.", "the chair"),)
    )
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "As agreed. (decided by the chair)" in page
    assert "Changed in the database." not in page


@pytest.fixture
def register(hta, jac):
    """Five decisions: two series, two years, two themes, a restricted item and a draft."""
    victims = Theme.objects.create(name="Putting Victims and Survivors First")
    roads = Theme.objects.create(name="Safer Roads")
    october = meeting_on(hta, datetime.date(2017, 10, 31), status="agreed")
    january = meeting_on(hta, datetime.date(2018, 1, 30), status="agreed")
    audit = meeting_on(jac, datetime.date(2017, 11, 1), status="agreed")
    draft = meeting_on(hta, datetime.date(2018, 2, 27))
    secret = ItemFactory(
        meeting=october, restricted=True, restriction_reason="Operationally sensitive"
    )

    def decide(meeting, text, theme=None, item=None):
        item = item or ItemFactory(meeting=meeting, theme=theme)
        # Recorded as the minutes were written, before they were agreed.
        status = meeting.status
        meeting.status = "draft"
        decision = judgements_services.record_decision(item, text=text, by_chair=True)
        meeting.status = status
        return decision

    return {
        "victims": decide(october, "Fund the victims' hub.", victims),
        "secret": decide(october, "Covert operation to continue.", item=secret),
        "roads": decide(january, '=HYPERLINK("x") speed cameras', roads),
        "audit": decide(audit, "Accept the audit plan."),
        "draft": decide(draft, "Draft decision.", victims),
        "themes": (victims, roads),
    }


def register_refs(client, **params):
    response = client.get(reverse("judgements:decisions"), params)
    assert response.status_code == 200
    return [(d.series.short_name, d.reference) for d in response.context["decisions"]]


def test_the_register_filters_by_series_year_theme_and_text(client, opcc_user, register, hta):
    victims, roads = register["themes"]
    client.force_login(opcc_user)
    assert register_refs(client) == [
        ("MAM", "D2018/02"),
        ("MAM", "D2018/01"),
        ("JAC", "D2017/01"),
        ("MAM", "D2017/01"),
        ("MAM", "D2017/02"),
    ]
    assert register_refs(client, series=hta.pk, year=2017) == [
        ("MAM", "D2017/01"),
        ("MAM", "D2017/02"),
    ]
    assert register_refs(client, theme=victims.pk) == [("MAM", "D2018/02"), ("MAM", "D2017/01")]
    assert register_refs(client, theme=roads.pk) == [("MAM", "D2018/01")]
    assert register_refs(client, q="audit") == [("JAC", "D2017/01")]
    assert register_refs(client, q="D2017/02") == [("MAM", "D2017/02")]


def test_a_year_out_of_range_gets_a_message_not_an_error(client, opcc_user, register):
    client.force_login(opcc_user)
    response = client.get(reverse("judgements:decisions"), {"year": "99999999999999999999"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 2099." in response.content.decode()


@pytest.mark.parametrize("role", ["force_user", "owner"])
def test_restricted_and_draft_decisions_are_hidden_from_the_force_everywhere(
    client, register, role, request
):
    if role == "owner":
        from people.roles import FORCE_OFFICER
        from tests.factories import user_with_role

        user = user_with_role(FORCE_OFFICER, username="dcc", person=PersonFactory(name="DCC"))
    else:
        user = request.getfixturevalue("force_user")
    client.force_login(user)
    assert register_refs(client) == [("MAM", "D2018/01"), ("JAC", "D2017/01"), ("MAM", "D2017/01")]
    csv_text = client.get(reverse("judgements:decisions_csv")).getvalue().decode("utf-8-sig")
    assert "Covert" not in csv_text and "Draft decision." not in csv_text
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("judgements:decisions_xlsx")).getvalue())
    ).active
    # Two series' D2017/01, each qualified by its series.
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "D2018/01",
        "D2017/01 (JAC)",
        "D2017/01 (MAM)",
    ]
    october = register["secret"].item.meeting
    page = client.get(october.get_absolute_url()).content.decode()
    assert "Fund the victims" in page
    assert "Covert operation" not in page


def test_the_exports_hold_what_the_register_shows_formulas_made_inert(
    client, opcc_user, register, hta
):
    client.force_login(opcc_user)
    response = client.get(reverse("judgements:decisions_csv"), {"series": hta.pk, "year": 2018})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows == [
        ["Reference", "Decision", "Decided by", "Meeting", "Date", "Item", "Theme"],
        [
            "D2018/02",
            "Draft decision.",
            "The chair",
            "Monthly Assurance Meeting February 2018",
            "27/02/2018",
            register["draft"].item.number,
            "Putting Victims and Survivors First",
        ],
        [
            "D2018/01",
            '\'=HYPERLINK("x") speed cameras',
            "The chair",
            "Monthly Assurance Meeting January 2018",
            "30/01/2018",
            register["roads"].item.number,
            "Safer Roads",
        ],
    ]
    response = client.get(reverse("judgements:decisions_xlsx"), {"series": hta.pk, "year": 2018})
    assert response.streaming
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert (sheet.title, sheet.freeze_panes, sheet["A1"].font.b, sheet.max_row) == (
        "Decisions",
        "A2",
        True,
        3,
    )
    assert [list(row) for row in sheet.iter_rows(values_only=True)][2] == [
        "D2018/01",
        '=HYPERLINK("x") speed cameras',
        "The chair",
        "Monthly Assurance Meeting January 2018",
        "30/01/2018",
        register["roads"].item.number,
        "Safer Roads",
    ]
    assert sheet["B3"].data_type == "s"


def test_the_register_costs_the_same_queries_for_one_decision_or_many(
    client, opcc_user, hta, django_assert_num_queries
):
    client.force_login(opcc_user)
    meeting = meeting_on(hta, datetime.date(2017, 10, 31))
    theme = Theme.objects.create(name="Safer Roads")
    judgements_services.record_decision(
        ItemFactory(meeting=meeting, theme=theme), text="One", by_chair=True
    )
    client.get(reverse("judgements:decisions"))  # sessions and caches warmed
    with django_assert_num_queries(8) as one:
        client.get(reverse("judgements:decisions"))
    for n in range(12):
        person = PersonFactory()
        item = ItemFactory(meeting=meeting_on(hta, datetime.date(2016, 1, 1 + n)), theme=theme)
        judgements_services.record_decision(item, text=f"Decision {n}", decided_by=person)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("judgements:decisions"))
    assert len(response.context["decisions"]) == 13


def test_a_decision_minuted_in_error_is_withdrawn_and_kept(client, opcc_user, hta):
    from meetings.models import MinutesStatus
    from search.engine import search

    item = ItemFactory(meeting=meeting_on(hta, datetime.date(2017, 11, 29)), number="4")
    kept = judgements_services.record_decision(
        item, text="Publish the figures monthly.", by_chair=True
    )
    wrong = judgements_services.record_decision(
        item, text="Quokka decision minuted in error.", by_chair=True
    )
    client.force_login(opcc_user)
    url = reverse("judgements:decision_withdraw", args=[wrong.pk])

    # No reason: told beside the field, and nothing changes.
    page = client.post(url, {"reason": "  "}).content.decode()
    assert "Say why the decision is withdrawn." in page
    wrong.refresh_from_db()
    assert wrong.withdrawn_at is None

    response = client.post(url, {"reason": "Minuted in error."}, follow=True)
    assert "Decision D2017/02 withdrawn; its number is not used again." in (
        response.content.decode()
    )
    wrong.refresh_from_db()
    assert (wrong.withdrawn_reason, wrong.withdrawn_at is not None) == ("Minuted in error.", True)
    assert wrong.history.first().history_user == opcc_user

    # Gone from the minutes, the record page, the register and search; the number stays used.
    lines = "\n".join(build_document(item.meeting).text_lines())
    assert "Publish the figures monthly. (decided by the chair) (D2017/01)" in lines
    assert "Quokka" not in lines
    assert "Quokka" not in client.get(item.meeting.get_record_url(item)).content.decode()
    assert "Quokka" not in client.get(reverse("judgements:decisions")).content.decode()
    assert "Quokka" not in client.get(reverse("judgements:decisions_csv")).getvalue().decode(
        "utf-8-sig"
    )
    assert search(opcc_user, "quokka").paginator.count == 0
    assert (
        judgements_services.record_decision(item, text="Next.", by_chair=True).reference
        == "D2017/03"
    )
    # A withdrawn decision is not edited or withdrawn again.
    assert client.get(reverse("judgements:decision_edit", args=[wrong.pk])).status_code == 404
    assert client.post(url, {"reason": "Again."}).status_code == 404
    assert Decision.objects.get(pk=kept.pk).withdrawn_at is None

    # Agreed minutes are the record: nothing is withdrawn from them.
    services.set_minutes_status(item.meeting, MinutesStatus.AGREED, by=None)
    response = client.post(
        reverse("judgements:decision_withdraw", args=[kept.pk]), {"reason": "Later."}
    )
    assert response.status_code == 302
    assert Decision.objects.get(pk=kept.pk).withdrawn_at is None
