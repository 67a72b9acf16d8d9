"""Search: a word from each kind of text, an exact phrase first, nothing restricted leaked.

The same tests run on SQLite and PostgreSQL with the same expected results: the data use
words that stem to themselves, so full-text search and the plain fallback agree on them.
"""

import datetime
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from judgements.models import AssuranceStatement, Decision
from people import roles
from search import engine
from search.engine import search
from search.sources import SOURCES
from tests.factories import (
    ActionEventFactory,
    ActionFactory,
    BodyFactory,
    FindingFactory,
    ItemFactory,
    MeetingFactory,
    PersonFactory,
    PostFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def minutes():
    """Agreed minutes with an open item and a restricted one (with a sub-item), and a draft."""
    dcc = PersonFactory(name="Dee Deputy", initials="DD")
    post = PostFactory(abbreviation="DCC", title="Deputy Chief Constable", holder=dcc)
    agreed = MeetingFactory(date=datetime.date(2017, 10, 31), status="agreed")
    item = ItemFactory(
        meeting=agreed,
        number="5a",
        heading="Domestic abuse referrals",
        question="How quickly are victims contacted?",
        position=1,
    )
    finding = FindingFactory(item=item, text="Response times for burglary improved.")
    action = ActionFactory(
        item=item,
        reference="2017/10-04",
        text="Report the mobile data rollout to the next meeting.",
        owners=[post],
    )
    update = ActionEventFactory(action=action, text="Tablets issued to neighbourhood teams.")
    secret = ItemFactory(
        meeting=agreed,
        number="8",
        heading="Covert surveillance authorities",
        question="Are covert authorities reviewed?",
        position=2,
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    secret_finding = FindingFactory(item=secret, text="Informant payments for covert work checked.")
    sub = ItemFactory(meeting=agreed, parent=secret, number="8.1", heading="Covert deployments")
    body_action = ActionFactory(
        item=sub,
        reference="2017/10-08",
        text="Audit the covert fund.",
        owners=[BodyFactory(label="ALL", name="All attendees")],
    )
    body_update = ActionEventFactory(action=body_action, text="Covert fund audit begun.")
    owned_action = ActionFactory(
        item=secret,
        reference="2017/10-09",
        text="Brief the PCC on covert fund controls.",
        owners=[post],
    )
    assurance = AssuranceStatement.objects.create(
        item=item, level="partially_assured", narrative="Partially assured: triage delays persist."
    )
    decision = Decision.objects.create(
        item=item,
        series=agreed.series,
        reference="D2017/01",
        text="Commission an independent helpline review.",
        by_chair=True,
    )
    secret_assurance = AssuranceStatement.objects.create(
        item=secret, level="not_assured", narrative="Not assured on covert oversight."
    )
    secret_decision = Decision.objects.create(
        item=secret,
        series=agreed.series,
        reference="D2017/02",
        text="Covert fund capped.",
        by_chair=True,
    )
    draft = MeetingFactory(date=datetime.date(2017, 11, 29), status="draft")
    draft_item = ItemFactory(meeting=draft, number="3", heading="Covert firearms licensing")
    draft_finding = FindingFactory(item=draft_item, text="Covert firearms backlog halved.")
    users = {
        "OPCC staff": user_with_role(roles.OPCC_STAFF),
        "Commissioner": user_with_role(roles.COMMISSIONER),
        "owner": user_with_role(roles.FORCE_OFFICER, username="dcc", person=dcc),
        "other force officer": user_with_role(
            roles.FORCE_OFFICER, username="outsider", person=PersonFactory(name="Sam Outsider")
        ),
    }
    return locals()


def found(user, query):
    page = search(user, query)
    return [(result.kind, result.title) for result in page.results], page.paginator.count


@pytest.mark.parametrize(
    "query, expected",
    [
        ("referrals", ("item", "Item 5a: Domestic abuse referrals")),
        ("victims", ("item", "Item 5a: Domestic abuse referrals")),
        ("burglary", ("finding", "Finding at item 5a: Domestic abuse referrals")),
        ("rollout", ("action", "Action 2017/10-04")),
        ("2017/10-04", ("action", "Action 2017/10-04")),
        ("tablets", ("update", "Update on action 2017/10-04")),
        ("triage", ("assurance", "Assurance at item 5a: Domestic abuse referrals")),
        ("helpline", ("decision", "Decision D2017/01")),
    ],
)
def test_a_word_from_each_kind_of_text_is_found(minutes, query, expected):
    for role in ("OPCC staff", "Commissioner", "owner", "other force officer"):
        assert found(minutes["users"][role], query) == ([expected], 1), role


def test_a_hit_links_to_where_it_is_and_marks_the_words_found(minutes):
    page = search(minutes["users"]["other force officer"], "burglary")
    [result] = page.results
    meeting, item = minutes["agreed"], minutes["item"]
    assert result.url == f"/meetings/{meeting.pk}/#item-{item.pk}"
    assert result.label == "Finding"
    assert result.context == meeting.title
    assert str(result.excerpt) == "Response times for <mark>burglary</mark> improved."


def test_a_number_reused_under_a_parent_is_qualified_by_the_parents(minutes):
    question = ItemFactory(
        meeting=minutes["agreed"], parent=minutes["item"], number="1", heading="Hate crime"
    )
    FindingFactory(item=question, text="Hate crime reports rose.")
    sub = ItemFactory(meeting=minutes["agreed"], parent=minutes["item"], number="5a.2")
    FindingFactory(item=sub, text="Hate crime training given.")
    results, _count = found(minutes["users"]["OPCC staff"], "hate")
    assert sorted(results) == [
        ("finding", "Finding at item 5a.2: " + sub.heading),
        ("finding", "Finding at item 5a/1: Hate crime"),
        ("item", "Item 5a/1: Hate crime"),
    ]


def test_an_excerpt_is_escaped(minutes):
    FindingFactory(item=minutes["item"], text="Overtime <script>alert(1)</script> & more")
    [result] = search(minutes["users"]["OPCC staff"], "overtime").results
    assert str(result.excerpt) == (
        "<mark>Overtime</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    )


def test_an_exact_phrase_ranks_first(minutes):
    item = minutes["item"]
    # Created first, so that it would come last without the phrase (newest first on a tie).
    phrase = FindingFactory(item=item, text="Stop and search use is falling in the county.")
    FindingFactory(item=item, text="Search powers were used to stop vehicles in the county.")
    FindingFactory(item=item, text="Officers stop vehicles, then search them, in the county.")
    results, count = found(minutes["users"]["OPCC staff"], '"stop and search" county')
    assert count == 1  # a quoted phrase must occur as a phrase
    results, count = found(minutes["users"]["OPCC staff"], "stop and search")
    assert count == 3
    page = search(minutes["users"]["OPCC staff"], "stop and search")
    assert page.results[0].excerpt.startswith("<mark>Stop</mark>")
    assert page.results[0].url.endswith(f"#item-{phrase.item_id}")
    assert "Stop and search use is falling" in page.results[0].excerpt.replace(
        "<mark>", ""
    ).replace("</mark>", "")


ALL_COVERT = sorted(
    [
        ("action", "Action 2017/10-09"),
        ("action", "Action 2017/10-08"),
        ("assurance", "Assurance at item 8: Covert surveillance authorities"),
        ("decision", "Decision D2017/02"),
        ("finding", "Finding at item 3: Covert firearms licensing"),
        ("finding", "Finding at item 8: Covert surveillance authorities"),
        ("item", "Item 3: Covert firearms licensing"),
        ("item", "Item 8.1: Covert deployments"),
        ("item", "Item 8: Covert surveillance authorities"),
        ("update", "Update on action 2017/10-08"),
    ]
)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("OPCC staff", ALL_COVERT),
        ("Commissioner", ALL_COVERT),
        # The DCC owns one action under the restricted item, and sees it as on its own page.
        ("owner", [("action", "Action 2017/10-09")]),
        ("other force officer", []),
    ],
)
def test_restricted_and_draft_content_is_found_only_by_those_who_may_see_it(
    minutes, client, role, expected
):
    # Full-text ranking weighs a word found twice; the fallback does not: the order may differ.
    results, count = found(minutes["users"][role], "covert")
    assert (sorted(results), count) == (expected, len(expected))
    client.force_login(minutes["users"][role])
    response = client.get(reverse("search:search"), {"q": "covert"})
    html = response.content.decode()
    noun = "result" if len(expected) == 1 else "results"
    assert f"{len(expected)} {noun} for “covert”" in html
    for secret in ("surveillance", "Informant", "deployments", "audit", "firearms", "backlog"):
        assert (secret.lower() in html.lower()) == (role in ("OPCC staff", "Commissioner"))


def test_the_page_lists_results_under_a_count_with_headings(minutes, client):
    client.force_login(minutes["users"]["other force officer"])
    response = client.get(reverse("search:search"), {"q": "tablets"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div role="status"><h2 id="results-heading" class="h5">1 result for “tablets”</h2></div>'
        in html
    )
    assert 'for="id_q" class="form-label requiredField">' in html
    assert "<mark>Tablets</mark> issued to neighbourhood teams." in html


@pytest.mark.parametrize("query", ["", '  "" ', "-", "!?"])
def test_a_search_without_a_word_is_refused_beside_the_field(minutes, client, query):
    client.force_login(minutes["users"]["OPCC staff"])
    response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200
    assert "Enter a word to search for." in response.content.decode()
    assert "results for" not in response.content.decode()


def test_a_search_for_common_words_only_finds_nothing(minutes):
    # PostgreSQL's English configuration ignores them; the fallback does likewise.
    assert found(minutes["users"]["OPCC staff"], "the and of") == ([], 0)


def test_results_are_paginated(minutes, client):
    for n in range(25):
        FindingFactory(item=minutes["item"], text=f"Hate crime figure number {n}.")
    client.force_login(minutes["users"]["OPCC staff"])
    response = client.get(reverse("search:search"), {"q": "hate", "page": 2})
    html = response.content.decode()
    assert "25 results for “hate”" in html
    assert "Page 2 of 2" in html
    assert html.count('class="search-result ') == 5
    assert 'href="?q=hate&amp;page=1"' in html


def texts(page):
    return [
        str(result.excerpt).replace("<mark>", "").replace("</mark>", "") for result in page.results
    ]


BOUNDED = (
    "Showing the best of the 3 most recent matches of each kind; "
    "narrow the search to see older ones."
)


def test_a_common_word_ranks_only_the_most_recent_matches_of_each_kind(
    minutes, client, monkeypatch
):
    monkeypatch.setattr(engine, "RANKED_PER_SOURCE", 3)
    # The oldest, and the only action: its kind's bound is its own, findings take none of it.
    ActionFactory(item=minutes["item"], reference="H1", text="Hate crime action.")
    # Says the word most often: ranked with the rest, it would come first.
    FindingFactory(item=minutes["item"], text="Hate crime, hate speech, hate incidents.")
    for n in range(5):
        FindingFactory(item=minutes["item"], text=f"Hate crime figure number {n}.")
    page = search(minutes["users"]["OPCC staff"], "hate")
    assert (page.paginator.count, page.bounded) == (4, True)
    assert texts(page) == [
        "H1 Hate crime action.",
        "Hate crime figure number 4.",
        "Hate crime figure number 3.",
        "Hate crime figure number 2.",
    ]
    client.force_login(minutes["users"]["OPCC staff"])
    html = client.get(reverse("search:search"), {"q": "hate"}).content.decode()
    assert "More than 4 results for “hate”</h2>" in html
    assert BOUNDED in html
    assert html.count('class="search-result ') == 4


def test_an_exact_phrase_ranks_first_among_the_most_recent_matches(minutes, monkeypatch):
    monkeypatch.setattr(engine, "RANKED_PER_SOURCE", 3)
    item = minutes["item"]
    FindingFactory(item=item, text="Stop and search use is falling in the county.")
    FindingFactory(item=item, text="Stop and search checks rose.")
    FindingFactory(item=item, text="Search powers were used to stop vehicles.")
    FindingFactory(item=item, text="Officers stop vehicles, then search them.")
    page = search(minutes["users"]["OPCC staff"], "stop and search")
    assert (page.paginator.count, page.bounded) == (3, True)
    found_texts = texts(page)
    assert found_texts[0] == "Stop and search checks rose."
    assert sorted(found_texts[1:]) == [
        "Officers stop vehicles, then search them.",
        "Search powers were used to stop vehicles.",
    ]


def test_rows_a_user_may_not_see_take_none_of_the_places_ranked(minutes, client, monkeypatch):
    monkeypatch.setattr(engine, "RANKED_PER_SOURCE", 3)
    for n in range(3):
        FindingFactory(item=minutes["item"], text=f"Hate crime figure number {n}.")
    # Newer: had the matches been bounded before the user's rows were chosen, these would
    # have filled the places and left the force nothing.
    for n in range(4):
        FindingFactory(item=minutes["secret"], text=f"Hate crime informant {n}.")
    outsider = search(minutes["users"]["other force officer"], "hate")
    assert (outsider.paginator.count, outsider.bounded) == (3, False)
    assert texts(outsider) == [f"Hate crime figure number {n}." for n in (2, 1, 0)]
    staff = search(minutes["users"]["OPCC staff"], "hate")
    assert (staff.paginator.count, staff.bounded) == (3, True)
    assert texts(staff) == [f"Hate crime informant {n}." for n in (3, 2, 1)]
    client.force_login(minutes["users"]["other force officer"])
    html = client.get(reverse("search:search"), {"q": "hate"}).content.decode()
    assert '<h2 id="results-heading" class="h5">3 results for “hate”</h2></div>' in html
    assert "most recent matches" not in html
    assert "informant" not in html.lower()
    client.force_login(minutes["users"]["OPCC staff"])
    html = client.get(reverse("search:search"), {"q": "hate"}).content.decode()
    assert "More than 3 results for “hate”</h2>" in html
    assert BOUNDED in html


def _queries(client, query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("search:search"), {"q": query})
    assert response.status_code == 200
    return len(context.captured_queries)


def test_a_search_costs_the_same_queries_for_one_hit_and_twenty(
    minutes, client, django_assert_num_queries
):
    client.force_login(minutes["users"]["other force officer"])
    _queries(client, "warm")  # the session, read once per page
    one = _queries(client, "burglary")
    for n in range(5):
        FindingFactory(item=minutes["item"], text=f"Burglary note {n}.")
        ItemFactory(meeting=minutes["agreed"], heading=f"Burglary item {n}", number=f"B{n}")
        action = ActionFactory(item=minutes["item"], text=f"Burglary action {n}.")
        ActionEventFactory(action=action, text=f"Burglary update {n}.")
    assert search(minutes["users"]["other force officer"], "burglary").paginator.count == 21
    with django_assert_num_queries(one):
        client.get(reverse("search:search"), {"q": "burglary"})
    # The session, the login with its roles, the user's person, the count, the page of hits
    # and their details (the session is saved at most once a minute: core.sessions).
    assert one == 8


def test_the_migration_indexes_the_fields_each_source_searches():
    indexes = [
        *importlib.import_module("search.migrations.0001_full_text_indexes").INDEXES,
        *importlib.import_module("search.migrations.0002_assurance_and_decisions").INDEXES,
    ]
    tables = {source.model._meta.db_table: source.fields for source in SOURCES}
    assert {table: fields for _name, table, fields in indexes} == tables


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_postgresql_uses_the_gin_indexes(minutes):
    from django.contrib.postgres.search import SearchQuery

    from search.engine import document

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        for source in SOURCES:
            terms = SearchQuery("covert", config="english", search_type="websearch")
            # Without the model's ordering, whose join to the meeting the planner may rather
            # walk by another index: only the document's condition is left to plan.
            queryset = source.model.objects.order_by().annotate(document=document(source))
            plan = queryset.filter(document=terms).explain()
            index = f"search_{source.model._meta.model_name}_document"
            assert index in plan, plan
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
