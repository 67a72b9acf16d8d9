import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from people import roles
from tests.factories import MeetingFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(demo):
    return Meeting.objects.get(date="2017-10-31")


def test_anonymous_users_are_sent_to_log_in(client, october):
    for url in ["/", reverse("meetings:list"), october.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_login_page_is_open_to_all(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in" in response.text


def test_wrong_password_is_told_beside_the_form(client, demo):
    response = client.post(reverse("login"), {"username": "dcc", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


@pytest.mark.parametrize("username", ["officer", "commissioner", "dcc"])
def test_every_role_reads_the_agreed_october_minutes(client, october, username):
    client.login(username=username, password="assurance-demo")
    response = client.get(october.get_absolute_url())
    assert response.status_code == 200
    assert "Monthly Assurance Meeting October 2017 – Meeting Notes" in response.text
    assert "Tuesday 31 October 2017 @ 10:30" in response.text
    assert "*The ACC left the meeting after item 1.2" in response.text
    assert response.text.count("There were no actions arising.") == 3


def test_meetings_are_listed_newest_first(client, demo):
    client.login(username="commissioner", password="assurance-demo")
    response = client.get(reverse("meetings:list"))
    assert [m.date.isoformat() for m in response.context["meetings"]] == [
        "2017-10-31",
        "2017-09-26",
        "2017-07-25",
    ]
    assert "Agreed" in response.text


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [(roles.OPCC_STAFF, True), (roles.COMMISSIONER, True), (roles.FORCE_OFFICER, False)],
)
def test_draft_minutes_are_for_the_opcc_and_commissioner_only(client, db, role, sees_draft):
    draft = MeetingFactory(status="draft")
    agreed = MeetingFactory(status="agreed")
    client.force_login(user_with_role(role))
    listed = list(client.get(reverse("meetings:list")).context["meetings"])
    assert listed == ([draft, agreed] if sees_draft else [agreed])
    assert client.get(draft.get_absolute_url()).status_code == (200 if sees_draft else 404)


def test_minutes_show_the_summary_of_actions_arising(client, october):
    client.login(username="officer", password="assurance-demo")
    response = client.get(october.get_absolute_url())
    summary = [
        (line.reference, line.item, line.owners, line.due)
        for line in response.context["doc"].summary
    ]
    assert summary == [
        ("2017/10-01", "1.1", "DCC", "in two months"),
        ("2017/10-02", "1.2", "DCC", "Not set"),
        ("2017/10-03", "1.2", "ACC", "Not set"),
        ("2017/10-04", "1.2", "JI", "Not set"),
        ("2017/10-05", "2", "DCC", "Not set"),
        ("2017/10-06", "4", "DCC", "By end January 2018"),
        ("2017/10-07", "5a/1", "PCC", "Not set"),
        ("2017/10-08", "5a/2", "DCC", "in advance of November’s HTA"),
    ]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_meeting_list_queries_do_not_grow_with_meetings(client, db):
    client.force_login(user_with_role(roles.COMMISSIONER))
    MeetingFactory()
    one = queries_for(client, reverse("meetings:list"))
    MeetingFactory.create_batch(49)
    assert queries_for(client, reverse("meetings:list")) == one


def test_minutes_queries_do_not_grow_with_items(client, db):
    from tests.factories import ActionFactory, FindingFactory, ItemFactory

    client.force_login(user_with_role(roles.COMMISSIONER))
    meeting = MeetingFactory()
    FindingFactory(item=ActionFactory(item=ItemFactory(meeting=meeting)).item)
    one = queries_for(client, meeting.get_absolute_url())
    for _ in range(49):
        FindingFactory(item=ActionFactory(item=ItemFactory(meeting=meeting)).item)
    assert queries_for(client, meeting.get_absolute_url()) == one
