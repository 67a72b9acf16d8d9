"""Three meetings in a row, through what later issues added to a meeting: assurance
statements, decisions, the public site and search. At the end, the first meeting's agreed
minutes are exactly what was agreed, in every version, and its restricted text reaches only
those who may see it, whatever was changed since."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from actions.services import agree_in_room, raise_action
from judgements.models import AssuranceStatement, Decision
from judgements.services import record_assurance, record_decision
from meetings.models import Finding, MinutesStatus
from meetings.services import set_minutes_status
from people import roles
from room.models import RoomFocus
from search.engine import search
from tests.factories import PersonFactory, user_with_role
from tests.meetings.test_record import open_next, previous_minutes_item, snapshot
from themes.report import Year, theme_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(demo):
    from meetings.models import Meeting

    return Meeting.objects.get(date="2017-10-31")


REASON = "Operationally sensitive"
SECRET_HEADING = "Covert tasking review"
SECRET_FINDING = "Kestrel informant handling was audited by the surveillance commissioner."
SECRET_ASSURANCE = "Not assured: Kestrel informant handling records were incomplete."
SECRET_DECISION = "Commission an independent Kestrel informant handling inspection."
OPEN_ASSURANCE = "Partially assured: burglary response times are improving."
OPEN_DECISION = "Publish the burglary response figures monthly."
SECRETS = [SECRET_HEADING, SECRET_FINDING, SECRET_ASSURANCE, SECRET_DECISION]


def test_three_meetings_leave_the_first_agreed_minutes_and_their_restricted_text_as_minuted(
    october,
):
    # November: an open item and a restricted one, each with a statement and a decision.
    november = open_next(october, datetime.date(2017, 11, 29))
    open_item, secret = november.items.filter(parent=None).order_by("position")[1:3]
    record_assurance(open_item, level="partially_assured", narrative=OPEN_ASSURANCE)
    record_decision(open_item, text=OPEN_DECISION, by_chair=True)
    secret.heading = SECRET_HEADING
    secret.restricted = True
    secret.restriction_reason = REASON
    secret.save()
    Finding.objects.create(item=secret, text=SECRET_FINDING, position=0)
    record_assurance(secret, level="not_assured", narrative=SECRET_ASSURANCE)
    record_decision(secret, text=SECRET_DECISION, by_chair=True)
    set_minutes_status(november, MinutesStatus.AGREED, by=None)
    set_minutes_status(november, MinutesStatus.PUBLISHED, by=None)
    agreed = snapshot(november)
    full, public, _docx = agreed
    full_text = "\n".join(full.text_lines())
    for text in [*SECRETS, OPEN_ASSURANCE, OPEN_DECISION]:
        assert text in full_text
    public_text = "\n".join(public.text_lines())
    assert [text for text in SECRETS if text in public_text] == []
    assert OPEN_ASSURANCE in public_text and REASON in public_text

    # December and January move on; November's rows are changed behind the app's back.
    december = open_next(november, datetime.date(2017, 12, 20))
    AssuranceStatement.objects.filter(item=open_item).update(
        narrative="Rewritten later.", level="assured"
    )
    Decision.objects.filter(item=open_item).update(text="Rewritten later too.")
    Finding.objects.filter(item=secret).update(text="A finding rewritten later.")
    set_minutes_status(december, MinutesStatus.AGREED, by=None)
    january = open_next(december, datetime.date(2018, 1, 31))
    set_minutes_status(january, MinutesStatus.AGREED, by=None)

    # November's agreed minutes, full, public and in Word, are exactly as agreed.
    assert snapshot(november) == agreed

    # The public site shows the agreed public version, the reason and nothing restricted.
    page = Client().get(reverse("public:minutes", args=[november.pk])).content.decode()
    assert OPEN_ASSURANCE in page and OPEN_DECISION in page and REASON in page
    assert [text for text in SECRETS if text in page] == []
    assert "Rewritten later" not in page

    # Search and the decisions register: the restricted text for those who may see it only.
    force = user_with_role(roles.FORCE_OFFICER, username="outsider", person=PersonFactory())
    staff = user_with_role(roles.OPCC_STAFF, username="staff")
    assert search(force, "kestrel").paginator.count == 0
    # Search reads the rows as they stand: the finding rewritten behind the app's back is gone.
    found = search(staff, "kestrel")
    assert sorted(result.kind for result in found.results) == ["assurance", "decision"]
    client = Client()
    client.force_login(force)
    register = client.get(reverse("judgements:decisions")).content.decode()
    assert "Rewritten later too." in register  # the register is the live log of decisions
    assert SECRET_DECISION not in register

    # The theme report counts November's statements as agreed, the restricted one only for
    # those who may see it.
    def november_levels(user):
        return [
            (item.number, item.level_label)
            for theme in theme_report(user, Year(2017)).themes
            for item in theme.items
            if item.meeting.pk == november.pk and item.number in (open_number, secret_number)
        ]

    open_number, secret_number = open_item.label, secret.label
    assert november_levels(staff) == [
        (open_number, "Partially assured"),
        (secret_number, "Not assured"),
    ]
    assert november_levels(force) == [(open_number, "Partially assured")]


SECRET_INTEREST = "a director of Kestrel Security Ltd"
OPEN_INTEREST = "a trustee of the Safer Streets charity"


def test_three_meetings_keep_the_first_minutes_comings_goings_and_interests_as_minuted(
    october,
):
    from meetings.models import Attendance, Declaration, HeldAs

    # November is adjourned part-way; the DCC joins and leaves by the clock; an interest is
    # declared at an open item and another at a restricted one, each item with a presenter.
    november = open_next(october, datetime.date(2017, 11, 29))
    november.held_as, november.held_note = HeldAs.ADJOURNED, "Adjourned at 12:15 to 6 December."
    november.save()
    dcc = november.attendances.get(capacity="Deputy Chief Constable (DCC)")
    dcc.joined_at_time, dcc.left_at_time = datetime.time(10, 50), datetime.time(11, 40)
    dcc.left_reason = "on urgent business"
    dcc.save()
    open_item, secret = november.items.filter(parent=None).order_by("position")[1:3]
    open_item.presented_by = "the ACC"
    open_item.save()
    secret.heading, secret.presented_by = SECRET_HEADING, "the Head of Intelligence"
    secret.restricted, secret.restriction_reason = True, REASON
    secret.save()
    chief = PersonFactory(name="Pat Kestrel")
    Declaration.objects.create(item=open_item, person=chief, interest=OPEN_INTEREST)
    Declaration.objects.create(
        item=secret, person=chief, interest=SECRET_INTEREST, part=Declaration.Part.WITHDREW
    )
    # Agreed at December's meeting, as the officer records it there.
    december = open_next(november, datetime.date(2017, 12, 20))
    previous_minutes_item(december)
    set_minutes_status(november, MinutesStatus.AGREED, by=None, at_meeting=december)
    set_minutes_status(november, MinutesStatus.PUBLISHED, by=None)
    agreed = snapshot(november)
    full, public, docx = agreed
    full_text = "\n".join(full.text_lines())
    minuted = [
        "Held: The meeting was adjourned. Adjourned at 12:15 to 6 December.",
        "Presented by the ACC.",
        "Presented by the Head of Intelligence.",
        f"Pat Kestrel declared an interest: {OPEN_INTEREST}.",
        f"Pat Kestrel declared an interest: {SECRET_INTEREST} and left the room for the item.",
        "joined the meeting at 10:50",
        "left the meeting at 11:40 on urgent business",
    ]
    assert [line for line in minuted if line not in full_text] == []
    docx_text = str(docx)
    assert [line for line in minuted if line not in docx_text] == []
    agreed_at = "Agreed as a correct record at the meeting of 20 December 2017."
    assert (full.agreed_note, public.agreed_note) == (agreed_at, agreed_at)
    assert agreed_at in docx_text
    public_text = "\n".join(public.text_lines())
    assert [text for text in [SECRET_HEADING, SECRET_INTEREST] if text in public_text] == []
    assert f"declared an interest: {OPEN_INTEREST}." in public_text

    # December and January move on; November's rows change, some behind the app's back.
    Meeting = type(november)
    Meeting.objects.filter(pk=november.pk).update(held_as=HeldAs.MEETING, held_note="")
    Attendance.objects.filter(pk=dcc.pk).update(
        joined_at_time=datetime.time(9, 0), left_at_time=None, left_reason=""
    )
    Declaration.objects.filter(item=open_item).update(interest="Rewritten later.")
    Declaration.objects.filter(item=secret).delete()
    type(open_item).objects.filter(pk=open_item.pk).update(presented_by="Someone else")
    set_minutes_status(december, MinutesStatus.AGREED, by=None)
    january = open_next(december, datetime.date(2018, 1, 31))
    set_minutes_status(january, MinutesStatus.AGREED, by=None)

    # November's agreed minutes, full, public and in Word, read exactly as agreed, and the
    # public page holds the open interest and nothing of the restricted item.
    assert snapshot(november) == agreed
    page = Client().get(reverse("public:minutes", args=[november.pk])).content.decode()
    assert OPEN_INTEREST in page and "adjourned" in page and REASON in page and agreed_at in page
    assert [text for text in [SECRET_HEADING, SECRET_INTEREST, "Rewritten"] if text in page] == []
    # December's minutes record November's agreement without anyone typing it.
    december_text = "\n".join(snapshot(december)[0].text_lines())
    assert (
        "The minutes of the meeting held on 29 November 2017 were agreed as a correct record."
        in december_text
    )


SECRET_ACTION = "Brief the Commissioner privately on the Kestrel handling inspection."
OPEN_ACTION = "Publish the burglary response plan."


def test_three_meetings_keep_what_the_room_agreed_and_the_room_never_shows_the_force_a_secret(
    october,
):
    # November: an action at an open item and one at a restricted item, agreed in the room.
    november = open_next(october, datetime.date(2017, 11, 29))
    open_item, secret = november.items.filter(parent=None).order_by("position")[1:3]
    secret.heading, secret.restricted, secret.restriction_reason = SECRET_HEADING, True, REASON
    secret.save()
    raise_action(item=open_item, text=OPEN_ACTION)
    secret_action = raise_action(item=secret, text=SECRET_ACTION)
    agree_in_room(open_item, by=None)
    agree_in_room(secret, by=None)
    set_minutes_status(november, MinutesStatus.AGREED, by=None)
    agreed = snapshot(november)
    full, public, _docx = agreed
    full_text = "\n".join(full.text_lines())
    assert full_text.count("Agreed in the room as shown.") == 2
    assert SECRET_ACTION in full_text
    public_text = "\n".join(public.text_lines())
    assert SECRET_ACTION not in public_text and SECRET_HEADING not in public_text
    assert f"{OPEN_ACTION} (" in public_text

    # December brings the secret action forward; its rows are changed behind the app's back.
    december = open_next(november, datetime.date(2017, 12, 20))
    Action.objects.filter(pk=secret_action.pk).update(
        text="Rewritten later.", agreed_in_room_at=None
    )
    brought = december.items.get(review__action=secret_action)
    assert brought.restricted
    RoomFocus.objects.create(meeting=december, item=brought)
    staff = Client()
    staff.force_login(user_with_role(roles.OPCC_STAFF, username="staff"))
    screen = reverse("room:content", args=[december.pk])
    force_view = staff.get(screen, {"view": "force"}).text
    assert "This item is not shown in this view." in force_view
    assert "Rewritten later." not in force_view and SECRET_HEADING not in force_view
    assert "Rewritten later." in staff.get(screen, {"view": "full"}).text
    set_minutes_status(december, MinutesStatus.AGREED, by=None)
    january = open_next(december, datetime.date(2018, 1, 31))
    set_minutes_status(january, MinutesStatus.AGREED, by=None)

    # November's agreed minutes still say what the room agreed, in every version.
    assert snapshot(november) == agreed
