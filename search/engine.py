"""Searching the sources: full-text search on PostgreSQL, a plain fallback on SQLite.

Three queries answer a page whatever the number of hits: the count of each source's matches,
the page of hits (kind, key and rank of each, across every source at once, ranked together),
and the page's titles, links and excerpts. Excerpts are worked out for the page's hits only.

Only the most recent RANKED_PER_SOURCE matches of each source are ranked, and no more are
counted: when a source has more, the page says so, and that there are more than it counts.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Replace
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from search.sources import SOURCES

PAGE_SIZE = 20
# The text search configuration: Snowball's English stemmer, the same for British English.
CONFIG = "english"
# An exact phrase ranks above any hit without it, whatever full-text ranking gives the rest.
PHRASE_BOOST = 10.0
# ts_headline marks matches with these; the excerpt is escaped, then they become <mark>.
START, STOP = "\ue000", "\ue001"
EXCERPT_WORDS = 30
# Ranking reads each match's text again (the index only says which rows match), so ranking
# every match of a common word took seconds. Finding the most recent matches is cheap (the
# primary key's order, once the index has found them) and they are what a search is most
# often after; a narrower search reaches older ones.
RANKED_PER_SOURCE = 500


class JoinedText(Func):
    """The searched fields as one text, joined as SearchVector joins them (the index's text)."""

    arg_joiner = " || ' ' || "
    template = "%(expressions)s"
    output_field = TextField()

    def __init__(self, *fields):
        super().__init__(*[Coalesce(F(field), Value("")) for field in fields])


def uses_full_text():
    return connection.vendor == "postgresql"


# Words PostgreSQL's English configuration ignores, which the fallback ignores as well (the
# most common of Snowball's list: enough for the two to agree on ordinary searches).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
    ]
)


def words_of(query):
    return [word for word in re.findall(r"\w+", query) if word.lower() not in STOP_WORDS]


def _parsed(query):
    """The fallback's reading of a web-search query: quoted phrases, words, -excluded words."""
    phrases = [" ".join(p.split()) for p in re.findall(r'"([^"]*)"', query) if p.strip()]
    rest = re.sub(r'"[^"]*"?', " ", query)
    excluded = [w for token in rest.split() if token.startswith("-") for w in words_of(token)]
    words = [w for token in rest.split() if not token.startswith("-") for w in words_of(token)]
    return phrases, words, excluded


def phrase_of(query):
    return " ".join(query.replace('"', " ").split())


def document(source):
    """The source's text as PostgreSQL indexes it (search/migrations): the same expression, so
    that the planner uses the GIN index."""
    return SearchVector(*source.fields, config=CONFIG)


def _terms(query):
    return SearchQuery(query, config=CONFIG, search_type="websearch")


def _matching(source, user, query):
    """The rows of a source that the user may see and that match, unranked."""
    rows = source.visible(user)
    if uses_full_text():
        return rows.annotate(document=document(source)).filter(document=_terms(query))
    phrases, words, excluded = _parsed(query)
    if not phrases and not words:
        return rows.none()
    rows = rows.annotate(document=JoinedText(*source.fields))
    for text in phrases + words:
        rows = rows.filter(document__icontains=text)
    for word in excluded:
        rows = rows.exclude(document__icontains=word)
    return rows


def _ranked(source, user, query):
    """The most recent matches of a source, with their rank (as "score")."""
    # Bounded after the user's own rows are chosen, so that rows they may not see take none
    # of their places.
    recent = _matching(source, user, query).order_by("-pk").values("pk")[:RANKED_PER_SOURCE]
    # By primary key alone: the rows are already the user's, and their joins need not be
    # made again.
    rows = source.model.objects.filter(pk__in=recent)
    if uses_full_text():
        phrase = SearchQuery(phrase_of(query), config=CONFIG, search_type="phrase")
        return rows.annotate(document=document(source)).annotate(
            score=SearchRank(F("document"), _terms(query))
            + Case(
                When(document=phrase, then=Value(PHRASE_BOOST)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    return rows.annotate(document=JoinedText(*source.fields)).annotate(
        score=Case(
            When(document__icontains=phrase_of(query), then=Value(PHRASE_BOOST)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )


def _counts(user, query):
    """The matches of each source the user may see, by kind, in one query: counted no further
    than one past the bound, which tells whether the source had more than were ranked."""
    arms = []
    for source in SOURCES:
        first = _matching(source, user, query).order_by().values("pk")[: RANKED_PER_SOURCE + 1]
        arms.append(
            source.model.objects.filter(pk__in=first)
            .order_by()
            .annotate(hit_kind=Value(source.kind))
            .values("hit_kind")
            .annotate(matches=Count("pk"))
            .values_list("hit_kind", "matches")
        )
    return dict(arms[0].union(*arms[1:], all=True))


def _hits(user, query):
    """The ranked matches of every source, as (kind, key, score), best first."""
    arms = [
        _ranked(source, user, query)
        .order_by()
        .annotate(hit_kind=Value(source.kind), hit_key=Cast("pk", IntegerField()))
        .values_list("hit_kind", "hit_key", "score")
        for source in SOURCES
    ]
    return arms[0].union(*arms[1:], all=True).order_by("-score", "hit_kind", "-hit_key")


class RankedPaginator(Paginator):
    """Pages through the ranked hits, whose number the count of matches already gives."""

    def __init__(self, hits, ranked):
        super().__init__(hits, PAGE_SIZE)
        self.ranked = ranked

    @cached_property
    def count(self):
        return self.ranked


@dataclass
class Result:
    kind: str
    label: str
    title: str
    context: str
    url: str
    excerpt: str


def _details(user, query, page_hits):
    """Titles, links and excerpts of the page's hits, in one query."""
    wanted = {}
    for kind, key, _score in page_hits:
        wanted.setdefault(kind, []).append(key)
    arms = []
    for source in SOURCES:
        if source.kind not in wanted:
            continue
        text = JoinedText(*source.fields)
        if uses_full_text():
            # ts_headline drops what looks like markup: the text goes in escaped instead.
            for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
                text = Replace(text, Value(char), Value(entity))
            text = SearchHeadline(
                text,
                _terms(query),
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=EXCERPT_WORDS,
                min_words=EXCERPT_WORDS // 2,
            )
        arms.append(
            source.visible(user)
            .filter(pk__in=wanted[source.kind])
            .order_by()
            .annotate(
                hit_kind=Value(source.kind),
                hit_key=Cast("pk", IntegerField()),
                hit_title=source.title(),
                hit_context=Cast(source.context(), TextField()),
                hit_target=Cast(source.target, IntegerField()),
                hit_anchor=Cast(source.anchor, IntegerField()),
                hit_text=text,
            )
            .values_list(
                "hit_kind",
                "hit_key",
                "hit_title",
                "hit_context",
                "hit_target",
                "hit_anchor",
                "hit_text",
            )
        )
    if not arms:
        return []
    rows = {(row[0], row[1]): row for row in arms[0].union(*arms[1:], all=True)}
    by_kind = {source.kind: source for source in SOURCES}
    results = []
    for kind, key, _score in page_hits:
        _kind, _key, title, context, target, anchor, text = rows[(kind, key)]
        source = by_kind[kind]
        if uses_full_text():
            excerpt = _marked(text)
        else:
            phrases, words, _excluded = _parsed(query)
            excerpt = _excerpt(text, [w for phrase in phrases for w in words_of(phrase)] + words)
        results.append(
            Result(kind, source.label, title, context, source.link(target, anchor), excerpt)
        )
    return results


def _marked(headline):
    """ts_headline's excerpt of the escaped text, with its marks as <mark>."""
    # The text was escaped before ts_headline saw it; nothing else may read as markup.
    html = headline.replace("<", "&lt;").replace(">", "&gt;")
    html = html.replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped in the query; only our own marks added


def _excerpt(text, words):
    """SQLite: about EXCERPT_WORDS words around the first match, escaped, matches marked."""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    first = pattern.search(text)
    tokens = text.split()
    if first is not None:
        before = len(text[: first.start()].split())
        start = max(0, before - EXCERPT_WORDS // 3)
    else:
        start = 0
    shown = " ".join(tokens[start : start + EXCERPT_WORDS])
    parts, last = [], 0
    for match in pattern.finditer(shown):
        parts.append(escape(shown[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(shown[last:]))
    prefix = "… " if start else ""
    suffix = " …" if start + EXCERPT_WORDS < len(tokens) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - each part escaped


def search(user, query, page_number=1):
    """The page of results for ``query`` that ``user`` may see, and its paginator's page.

    The paginator counts the hits ranked; the page is ``bounded`` when a source had more
    matches than were ranked, and then the number of matches is more than the count.
    """
    counts = _counts(user, query)
    ranked = sum(min(matches, RANKED_PER_SOURCE) for matches in counts.values())
    paginator = RankedPaginator(_hits(user, query), ranked)
    page = paginator.get_page(page_number)
    page.results = _details(user, query, list(page.object_list)) if ranked else []
    page.bounded = ranked < sum(counts.values())
    page.ranked_per_source = RANKED_PER_SOURCE
    return page
