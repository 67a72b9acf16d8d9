"""The circulation pages: sending from the meeting, reading and commenting on the draft, the
officer's page of comments and of what was sent."""

import datetime

import pytest
from django.urls import reverse

from circulation import services
from circulation.models import Comment, EmailLog
from meetings.models import Attendance
from tests.factories import ItemFactory, PersonFactory
from tests.mail import BASE, text_of

pytestmark = pytest.mark.django_db


def test_the_minutes_offer_opcc_staff_the_circulation_page(world, client):
    client.force_login(world.jackie_user)
    page = client.get(world.november.get_absolute_url()).content.decode()
    url = reverse("circulation:meeting", args=[world.november.pk])
    assert f'href="{url}">Circulate by email</a>' in page

    client.force_login(world.john_user)
    assert url not in client.get(world.november.get_absolute_url()).content.decode()


def test_the_draft_goes_to_attendees_with_a_link_to_comment(world, smtp, client):
    client.force_login(world.jackie_user)
    response = client.post(reverse("circulation:draft", args=[world.november.pk]))

    assert response.status_code == 302
    assert smtp.recipients() == ["PCC@opcc.example", "dcc@force.example", "ji@opcc.example"]
    [amanda] = smtp.to("dcc@force.example")
    assert amanda["Subject"] == "Draft minutes for comment: Monthly Assurance Meeting November 2030"
    link = f"{BASE}/circulation/meetings/{world.november.pk}/read/#comment"
    assert (
        f"Read and comment on the draft minutes of the Monthly Assurance Meeting November 2030: "
        f"{link}" in text_of(amanda)
    )
    client.post(reverse("circulation:draft", args=[world.november.pk]))
    assert len(smtp.messages) == 3


def test_a_force_officer_reads_the_circulated_draft_without_the_restricted_item(
    world, smtp, client
):
    read = reverse("circulation:read", args=[world.november.pk])
    client.force_login(world.amanda_user)
    assert client.get(read).status_code == 404

    services.circulate_draft(world.november, by=None, base_url=BASE)
    page = client.get(read).content.decode()

    assert "Rural crime fell by a tenth." in page
    assert "Withheld: Operationally sensitive" in page
    assert "Operation Sentinel" not in page
    assert "Two informants were paid." not in page
    assert "Audit the informant payments" not in page
    options = client.get(read).context["form"].fields["item"].queryset
    assert list(options) == [world.item1, world.item2]


def test_the_draft_for_comment_says_who_attended_and_when_the_next_meeting_is(world, smtp, client):
    november = world.november
    november.next_meeting_date = datetime.date(2030, 12, 17)
    november.next_meeting_time = datetime.time(10, 30)
    november.save()
    Attendance.objects.filter(meeting=november, person=world.una).update(
        presence="apologies", reason="On leave"
    )
    Attendance.objects.filter(meeting=november, person=world.amanda).update(
        left_at_time=datetime.time(11, 0), left_reason="on urgent business"
    )
    ItemFactory(meeting=november, number="9", heading="Date of next meeting", kind="next_meeting")
    services.circulate_draft(november, by=None, base_url=BASE)
    client.force_login(world.amanda_user)
    page = client.get(reverse("circulation:read", args=[november.pk])).text
    assert "<li>Amanda Blakeman*, DCC</li>" in page
    assert "<li>Una Known, Guest – On leave</li>" in page
    assert "*Amanda Blakeman left the meeting at 11:00 on urgent business" in page
    assert "<strong>9</strong> Date of next meeting: 10:30 on 17 December 2030</p>" in page


def test_a_comment_is_saved_against_an_item_the_commenter_may_see(world, smtp, client):
    services.circulate_draft(world.november, by=None, base_url=BASE)
    client.force_login(world.amanda_user)
    read = reverse("circulation:read", args=[world.november.pk])

    response = client.post(read, {"item": world.item2.pk, "text": "The fall was 12%, not 10%."})

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.meeting, comment.item, comment.author, comment.text) == (
        world.november,
        world.item2,
        world.amanda_user,
        "The fall was 12%, not 10%.",
    )


def test_a_comment_on_a_restricted_item_is_refused_and_keeps_the_text(world, smtp, client):
    services.circulate_draft(world.november, by=None, base_url=BASE)
    client.force_login(world.amanda_user)
    read = reverse("circulation:read", args=[world.november.pk])

    response = client.post(read, {"item": world.item3.pk, "text": "About the informants"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "item": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert "About the informants</textarea>" in response.content.decode()
    assert "Operation Sentinel" not in response.content.decode()
    assert Comment.objects.count() == 0


def test_someone_not_sent_the_draft_may_not_comment(world, client):
    services.issue_agenda(world.november, by=None, base_url=BASE)
    client.force_login(world.amanda_user)
    read = reverse("circulation:read", args=[world.november.pk])

    page = client.get(read)
    assert page.status_code == 200
    assert page.context["can_comment"] is False
    assert "Rural crime fell" not in page.content.decode()
    assert client.post(read, {"text": "Hello"}).status_code == 403
    assert Comment.objects.count() == 0


def test_the_officer_sees_every_comment_by_item(world, client):
    Comment.objects.create(
        meeting=world.november, item=world.item3, author=world.john_user, text="Name the unit."
    )
    Comment.objects.create(meeting=world.november, author=world.amanda_user, text="All fine.")
    client.force_login(world.jackie_user)

    response = client.get(reverse("circulation:comments", args=[world.november.pk]))

    assert [c.text for c in response.context["comments"]] == ["Name the unit.", "All fine."]
    page = response.content.decode()
    assert "Item 3 Operation Sentinel</a> (restricted)" in page
    assert "The minutes as a whole" in page


def test_the_circulation_page_lists_what_was_sent_to_whom(world, smtp, client):
    services.issue_agenda(world.november, by=world.jackie_user, base_url=BASE)
    client.force_login(world.jackie_user)

    response = client.get(reverse("circulation:meeting", args=[world.november.pk]))

    assert sorted(e.recipient for e in response.context["emails"]) == [
        "dcc@force.example",
        "ji@opcc.example",
        "pcc@opcc.example",
    ]
    page = response.content.decode()
    assert "Amanda Blakeman &lt;dcc@force.example&gt;" in page
    assert "Agenda: Monthly Assurance Meeting November 2030, 26 November 2030" in page


def _many_emails(world, count):
    for n in range(count):
        person = PersonFactory(email=f"p{n}@force.example")
        EmailLog.objects.create(
            kind="agenda",
            meeting=world.november,
            key="agenda:x",
            recipient=person.email,
            person=person,
            subject="Agenda",
            sent_by=world.jackie_user,
        )


@pytest.mark.parametrize("count", [1, 12])
def test_the_circulation_page_costs_the_same_whatever_was_sent(
    world, client, django_assert_num_queries, count
):
    _many_emails(world, count)
    client.force_login(world.jackie_user)
    url = reverse("circulation:meeting", args=[world.november.pk])
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["emails"]) == count


@pytest.mark.parametrize("count", [1, 12])
def test_the_comments_page_costs_the_same_whatever_its_length(
    world, client, django_assert_num_queries, count
):
    for n in range(count):
        Comment.objects.create(
            meeting=world.november,
            item=[world.item1, world.item2, world.item3, None][n % 4],
            author=[world.amanda_user, world.john_user][n % 2],
            text=f"Comment {n}",
        )
    client.force_login(world.jackie_user)
    url = reverse("circulation:comments", args=[world.november.pk])
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["comments"]) == count


def test_a_deadline_in_the_past_is_refused(world, client, smtp):
    client.force_login(world.jackie_user)
    response = client.post(
        reverse("circulation:updates", args=[world.november.pk]), {"deadline": "1/1/2020"}
    )
    assert response.context["updates_form"].errors == {
        "deadline": ["The deadline cannot be in the past."]
    }
    assert smtp.messages == []


def test_the_draft_of_agreed_minutes_is_not_circulated(world, smtp):
    world.november.status = "agreed"
    world.november.save()
    outcome = services.circulate_draft(world.november, by=None, base_url=BASE)
    assert outcome.lines() == ["These minutes are no longer a draft: nothing was sent."]
    assert smtp.messages == []
    assert datetime.date(2030, 11, 26) == world.november.date


@pytest.mark.parametrize("kind", ["agenda", "updates", "draft"])
def test_nothing_for_before_the_meeting_goes_out_for_published_minutes(world, smtp, client, kind):
    world.november.status = "published"
    world.november.save()
    client.force_login(world.jackie_user)
    page = client.get(reverse("circulation:meeting", args=[world.november.pk])).text
    assert "Issue the agenda" not in page
    assert "the agenda and requests for updates are no longer sent" in page
    response = client.post(
        reverse(f"circulation:{kind}", args=[world.november.pk]),
        {"deadline": "2030-11-20"},
        follow=True,
    )
    what = {
        "agenda": "the agenda is",
        "updates": "requests for updates are",
        "draft": "the draft for comment is",
    }[kind]
    assert [str(m) for m in response.context["messages"]] == [
        f"The minutes of Monthly Assurance Meeting November 2030 are published: {what} no "
        "longer sent. Nothing was sent."
    ]
    assert (smtp.messages, EmailLog.objects.count()) == ([], 0)
