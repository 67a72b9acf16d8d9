"""The dashboard, the action log and My actions keep what they show for each version of the
record (actions.record). Kept content is never stale: every kind of change the pages show
is seen on the very next request, with nothing cleared between. And it never crosses
viewers: what one person was shown, restricted text included, reaches no one who may not see
it, by the page or by htmx."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.services import add_update, change_owners, mark_complete, set_action_status
from core.record import record_version
from meetings.services import set_minutes_status
from people import roles
from tests.factories import (
    ActionFactory,
    FindingFactory,
    ItemFactory,
    PersonFactory,
    PostFactory,
    user_with_role,
)
from themes.models import Theme

pytestmark = pytest.mark.django_db

D = datetime.date
LOG = reverse("actions:log")
MINE = reverse("actions:mine")
DASHBOARD = reverse("dashboard")


def _text(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, url):
    """How many queries the page took, and the page with its CSRF tokens taken out (each
    response masks the token anew)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


# While nothing changes, a page is kept: the session (1; saved at most once a minute:
# core.sessions), the login with its roles (1: signin.backends) and the record's version (1),
# which also says whether a progress update was added since the page was last filled in
# (core.record.kept_page). The first time it is served after it was kept, or after an update,
# its rows' latest updates are read to fill it in (1: actions.latest), however many rows it
# shows; then it is kept filled in. The pages read without a transaction, so no savepoints.
FILLED_QUERIES = 3
KEPT_QUERIES = FILLED_QUERIES + 1


def kept_queries(url):
    """The minutes page shows no latest updates, and reads inside the request's transaction:
    two savepoints."""
    return FILLED_QUERIES + 2 if url.startswith("/meetings/") else KEPT_QUERIES


@pytest.mark.parametrize(
    ("url", "who"), [(DASHBOARD, "opcc"), (LOG, "opcc"), (LOG, "owner"), (MINE, "owner")]
)
def test_a_page_asked_for_again_unchanged_is_kept(client, action, opcc_user, owner_user, url, who):
    client.force_login(opcc_user if who == "opcc" else owner_user)
    worked, page = _queries(client, url)
    assert worked > KEPT_QUERIES
    assert _queries(client, url) == (KEPT_QUERIES, page)
    # Filled in once, it is served as it is until an update is added.
    assert _queries(client, url) == (FILLED_QUERIES, page)


def test_the_version_moves_with_every_write_and_only_then(action, opcc_user):
    before = record_version()
    assert record_version() == before
    add_update(action, text="Progress", on_date=D(2017, 11, 1), by=opcc_user)
    after_event = record_version()
    assert after_event != before
    action.item.meeting.save()
    assert record_version() not in (before, after_event)


def test_an_update_shows_at_once_in_the_log_and_my_actions(client, action, owner_user):
    client.force_login(owner_user)
    assert "Briefing drafted" not in _text(client, LOG)
    assert "Briefing drafted" not in _text(client, MINE)
    add_update(action, text="Briefing drafted", on_date=D(2017, 11, 2), by=owner_user)
    assert "2 November 2017: Briefing drafted" in _text(client, LOG)
    assert "2 November 2017: Briefing drafted" in _text(client, MINE)


@pytest.mark.parametrize("url", [DASHBOARD, LOG, MINE, "minutes"])
def test_an_update_leaves_the_kept_page_kept_and_shows_on_it_as_a_fresh_page_would(
    client, action, owner_user, opcc_user, url
):
    """The record's version moves, but what the pages keep is kept under the version without
    updates (core.record.settled): a row's latest update is filled in as it is served."""
    from django.core.cache import cache

    url = action.meeting.get_absolute_url() if url == "minutes" else url
    client.force_login(opcc_user if url in (DASHBOARD, LOG) else owner_user)
    add_update(action, text="Briefing drafted", on_date=D(2017, 11, 2), by=owner_user)
    _queries(client, url)  # rendered and kept
    _queries(client, url)  # filled in, and kept filled in
    add_update(action, text="Briefing <i>shared</i>", on_date=D(2017, 11, 3), by=owner_user)
    queries, page = _queries(client, url)
    assert queries == kept_queries(url)
    if not url.startswith("/meetings/"):
        assert _queries(client, url) == (FILLED_QUERIES, page)
    if url.startswith("/meetings/"):
        # The minutes show no progress updates.
        assert "Briefing" not in page
    else:
        assert "3 November 2017: Briefing &lt;i&gt;shared&lt;/i&gt;" in page
        assert "Briefing drafted" not in page
    cache.clear()
    assert _queries(client, url)[1] == page


def test_a_finding_leaves_the_pages_of_actions_kept_and_shows_on_the_minutes_at_once(
    client, action, opcc_user, owner_user
):
    minutes = action.meeting.get_absolute_url()
    client.force_login(opcc_user)
    before = {url: _queries(client, url)[1] for url in (DASHBOARD, LOG, minutes)}
    FindingFactory(item=action.item, text="Stop and search records were incomplete.")
    for url in (DASHBOARD, LOG):
        assert _queries(client, url) == (kept_queries(url), before[url])
    assert "Stop and search records were incomplete." in _queries(client, minutes)[1]
    client.force_login(owner_user)
    page = _queries(client, MINE)[1]
    FindingFactory(item=action.item, text="A second finding.")
    assert _queries(client, MINE) == (KEPT_QUERIES, page)


def test_text_that_looks_like_a_mark_is_shown_as_typed(client, action, item, owner_user):
    other = ActionFactory(item=item, owners=list(action.owner_posts.all()))
    add_update(other, text="Secret progress", on_date=D(2017, 11, 2), by=owner_user)
    action.text = f"See <!--latest-update:{other.pk}-->"
    action.save()
    client.force_login(owner_user)
    page = _text(client, MINE)
    assert f"See &lt;!--latest-update:{other.pk}--&gt;" in page
    assert page.count("Secret progress") == 1


def test_htmx_results_have_their_latest_updates_filled_in(client, action, owner_user):
    add_update(action, text="Briefing drafted", on_date=D(2017, 11, 2), by=owner_user)
    client.force_login(owner_user)
    for url in (LOG, MINE):
        results = _text(client, url, HX_Request="true")
        assert "2 November 2017: Briefing drafted" in results
        assert "latest-update:" not in results


def test_marking_complete_and_closing_show_at_once_on_the_dashboard(
    client, action, owner_user, commissioner_user
):
    client.force_login(commissioner_user)
    assert "No action is awaiting agreement of closure." in _text(client, DASHBOARD)
    mark_complete(action, note="Brief shared with all chief officers", by=owner_user)
    page = _text(client, DASHBOARD)
    assert "awaiting agreement of closure (1)" in page
    assert "Brief shared with all chief officers" in page
    set_action_status(action, "closed", by=commissioner_user)
    page = _text(client, DASHBOARD)
    assert "No action is awaiting agreement of closure." in page
    assert "1 action closed in" in page


def test_new_owners_show_at_once_and_the_action_moves_between_my_actions(
    client, action, acc, owner_user, other_force_user, opcc_user
):
    client.force_login(other_force_user)
    assert "You have no outstanding actions." in _text(client, MINE)
    client.force_login(owner_user)
    assert action.reference in _text(client, MINE)
    change_owners(action, by=opcc_user, owner_posts=[acc], reason="Moved to the ACC.")
    assert "You have no outstanding actions." in _text(client, MINE)
    assert "<td>ACC</td>" in _text(client, LOG)
    client.force_login(other_force_user)
    assert action.reference in _text(client, MINE)


def test_a_new_holder_of_a_post_sees_its_actions_at_once(client, action, dcc, owner_user):
    newcomer = PersonFactory(name="Richard Moore", initials="RM")
    newcomer_user = type(owner_user).objects.create_user("newcomer")
    newcomer_user.groups.add(Group.objects.get_or_create(name=roles.FORCE_OFFICER)[0])
    newcomer.user = newcomer_user
    newcomer.save()
    client.force_login(newcomer_user)
    assert "You have no outstanding actions." in _text(client, MINE)
    dcc.holder = newcomer
    dcc.save()
    assert action.reference in _text(client, MINE)


def test_names_shown_in_the_log_change_at_once(client, item, opcc_user):
    person = PersonFactory(name="Anna Jones", initials="AJ")
    ActionFactory(item=item, owners=[person])
    client.force_login(opcc_user)
    assert "<td>AJ</td>" in _text(client, LOG)
    person.initials = "AMJ"
    person.save()
    assert "<td>AMJ</td>" in _text(client, LOG)
    meeting = item.meeting
    meeting.title = "Performance and Accountability Board"
    meeting.save()
    assert "Performance and Accountability Board, item 2" in _text(client, LOG)
    Theme.objects.create(name="Putting Victims and Survivors First")
    assert "Putting Victims and Survivors First" in _text(client, LOG)


def test_overdue_moves_with_the_day_though_nothing_else_does(client, action, opcc_user):
    # A minute either side of midnight, well within how long content is kept: the day is in
    # the key, not left to the content's expiry.
    london = ZoneInfo("Europe/London")
    before = datetime.datetime(2018, 1, 1, 23, 59, 30, tzinfo=london)
    with time_machine.travel(before, tick=False):
        client.force_login(opcc_user)
        assert "Overdue by 1 day</span>" in _text(client, LOG)
    with time_machine.travel(before + datetime.timedelta(minutes=1), tick=False):
        assert "Overdue by 2 days</span>" in _text(client, LOG)


def test_restricting_an_item_hides_its_action_from_the_force_at_once(
    client, action, other_force_user, opcc_user
):
    client.force_login(other_force_user)
    assert action.text in _text(client, LOG)
    item = action.item
    set_minutes_status(item.meeting, "draft", by=opcc_user, reason="Item 2 is sensitive.")
    item.restricted, item.restriction_reason = True, "Operationally sensitive"
    item.save()
    set_minutes_status(item.meeting, "agreed", by=opcc_user)
    assert action.text not in _text(client, LOG)


def test_minutes_agreed_show_their_actions_to_the_force_at_once(
    client, opcc_user, other_force_user, dcc
):
    draft = ItemFactory(meeting__status="draft", meeting__date=D(2017, 11, 29), number="3")
    action = ActionFactory(item=draft, owners=[dcc], text="Review the Athena roll-out")
    client.force_login(other_force_user)
    assert action.text not in _text(client, LOG)
    set_minutes_status(draft.meeting, "agreed", by=opcc_user)
    assert action.text in _text(client, LOG)


# Who is looking.


@pytest.fixture
def restricted_action(item, dcc, opcc_user):
    """An action of the ACC under a restricted item of agreed minutes: the DCC's holder, a
    force officer who does not own it, may not see it."""
    hidden = ItemFactory(
        meeting=item.meeting,
        number="9",
        heading="Nuneaton firearms incident",
        restricted=True,
        restriction_reason="Live investigation",
    )
    owner = PostFactory(abbreviation="ACC-C", title="ACC Crime", seniority=70)
    return ActionFactory(item=hidden, owners=[owner], text="Brief on the firearms incident")


@pytest.mark.parametrize("htmx", [False, True])
def test_what_the_commissioner_was_shown_never_reaches_the_force(
    client, restricted_action, commissioner_user, owner_user, htmx
):
    headers = {"HX-Request": "true"} if htmx else {}
    client.force_login(commissioner_user)
    assert restricted_action.text in _text(client, LOG, **headers)
    assert restricted_action.text in _text(client, LOG + "?q=firearms", **headers)
    client.force_login(owner_user)
    assert restricted_action.text not in _text(client, LOG, **headers)
    assert restricted_action.text not in _text(client, LOG + "?q=firearms", **headers)


def test_htmx_results_and_the_page_are_kept_apart(client, action, opcc_user):
    client.force_login(opcc_user)
    page = _text(client, LOG)
    results = _text(client, LOG, HX_Request="true")
    assert page.startswith("<!DOCTYPE html>")
    assert results.startswith('\n<div id="action-log-results">')
    assert "<!DOCTYPE html>" not in results
    assert _text(client, LOG).startswith("<!DOCTYPE html>")


def test_each_force_officer_sees_their_own_my_actions(client, action, owner_user, other_force_user):
    client.force_login(owner_user)
    assert action.reference in _text(client, MINE)
    client.force_login(other_force_user)
    assert action.reference not in _text(client, MINE)


@pytest.mark.parametrize("role", [roles.OPCC_STAFF, roles.COMMISSIONER])
@pytest.mark.parametrize("htmx", [False, True])
def test_two_logins_with_the_same_powers_each_see_only_their_own_my_actions(
    client, item, role, htmx
):
    headers = {"HX-Request": "true"} if htmx else {}
    first, second = PersonFactory(name="Jo First"), PersonFactory(name="Sam Second")
    one = user_with_role(role, username="one", person=first)
    two = user_with_role(role, username="two", person=second)
    mine_one = ActionFactory(item=item, owners=[first], text="Action owned by Jo")
    mine_two = ActionFactory(item=item, owners=[second], text="Action owned by Sam")
    texts = {}
    for user in (one, two, one, two):
        client.force_login(user)
        page = _text(client, MINE, **headers)
        texts.setdefault(user.username, []).append(
            [action.text for action in (mine_one, mine_two) if action.text in page]
        )
    assert texts == {
        "one": [["Action owned by Jo"], ["Action owned by Jo"]],
        "two": [["Action owned by Sam"], ["Action owned by Sam"]],
    }
    if htmx:
        assert page.startswith('\n<div id="my-actions-results">')


def test_a_change_of_role_changes_what_the_kept_page_offers(client, action, opcc_user):
    client.force_login(opcc_user)
    bodies_link = reverse("directory:bodies")
    assert bodies_link in _text(client, LOG)
    opcc_user.groups.set([Group.objects.get_or_create(name=roles.COMMISSIONER)[0]])
    # The change ended the session (signin.middleware): signed in again, with the new role.
    client.force_login(type(opcc_user).objects.get(pk=opcc_user.pk))
    assert bodies_link not in _text(client, LOG)
    assert action.text in _text(client, LOG)


def test_a_filter_in_error_is_never_kept_and_always_says_so(client, action, opcc_user):
    client.force_login(opcc_user)
    for _ in range(2):
        page = _text(client, LOG + "?due_from=31/02/2017")
        assert page.count("<title>Error: Action log") == 1
        assert "There is a problem" in page
    assert "<title>Error:" not in _text(client, LOG)


# The whole page is kept for its login (core.record.kept_page).


def _tokens(page):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', page)) | set(
        re.findall(r'"X-CSRFToken": "([A-Za-z0-9]{64})"', page)
    )


@pytest.mark.parametrize("url", [DASHBOARD, LOG, "minutes"])
def test_a_kept_page_carries_each_browsers_own_token_and_each_can_sign_out(action, opcc_user, url):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    url = action.item.meeting.get_absolute_url() if url == "minutes" else url
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(opcc_user)
    first_page = _text(first, url)
    # The second browser is served what the first was rendered, reading nothing more.
    with CaptureQueriesContext(connection) as queries:
        second_page = _text(second, url)
    assert len(queries) == kept_queries(url)
    assert "kept-page-csrf-token" not in second_page
    secrets = []
    for browser, page in ((first, first_page), (second, second_page)):
        (token,) = _tokens(page)
        secrets.append(_unmask_cipher_token(token))
        assert secrets[-1] == browser.cookies["csrftoken"].value
    assert secrets[0] != secrets[1]
    (token,) = _tokens(second_page)
    signed_out = second.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert (signed_out.status_code, signed_out.url) == (302, reverse("login"))


@pytest.mark.parametrize("url", [DASHBOARD, LOG, "minutes"])
def test_two_logins_with_the_same_powers_are_never_served_each_others_page(client, item, url):
    url = item.meeting.get_absolute_url() if url == "minutes" else url
    one = user_with_role(roles.OPCC_STAFF, username="one")
    two = user_with_role(roles.OPCC_STAFF, username="two")
    for user, (first, last) in ((one, ("Jo", "First")), (two, ("Sam", "Second"))):
        user.first_name, user.last_name = first, last
        user.save()
    shown = []
    for user in (one, two, one, two):
        client.force_login(user)
        page = _text(client, url)
        shown.append([name for name in ("Jo First", "Sam Second") if name in page])
    assert shown == [["Jo First"], ["Sam Second"], ["Jo First"], ["Sam Second"]]


def test_a_message_waiting_is_shown_once_and_never_kept(client, action, opcc_user):
    from django.contrib import messages
    from django.contrib.messages.storage import default_storage
    from django.http import HttpResponse
    from django.test import RequestFactory

    client.force_login(opcc_user)
    kept = _queries(client, DASHBOARD)[1]
    request = RequestFactory().get(DASHBOARD)
    request.session = client.session
    storage = default_storage(request)
    storage.add(messages.SUCCESS, "Closure agreed: 2017/10-01.")
    response = HttpResponse()
    storage.update(response)
    client.cookies.update(response.cookies)
    assert "Closure agreed: 2017/10-01." in _text(client, DASHBOARD)
    assert _queries(client, DASHBOARD) == (KEPT_QUERIES, kept)


def test_a_change_shows_on_the_kept_minutes_page_at_once(client, action, opcc_user):
    meeting = action.item.meeting
    client.force_login(opcc_user)
    reason = "Item 2 names a witness."
    assert reason not in _text(client, meeting.get_absolute_url())
    assert _queries(client, meeting.get_absolute_url())[0] == kept_queries("/meetings/")
    set_minutes_status(meeting, "draft", by=opcc_user, reason=reason)
    assert reason in _text(client, meeting.get_absolute_url())
