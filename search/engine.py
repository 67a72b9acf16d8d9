"""Searching the sources: full-text search on PostgreSQL, a plain fallback on SQLite.

Three queries answer a page whatever the number of hits: the count, the page of hits (kind,
key and rank of each, across every source at once, ranked together), and the page's titles,
links and excerpts. Excerpts are worked out for the page's hits only.
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
    F,
    FloatField,
    Func,
    IntegerField,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Replace
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


def _matching(source, user, query):
    """The rows of a source that match, with their rank (as "score")."""
    rows = source.visible(user)
    if uses_full_text():
        terms = SearchQuery(query, config=CONFIG, search_type="websearch")
        phrase = SearchQuery(phrase_of(query), config=CONFIG, search_type="phrase")
        return (
            rows.annotate(document=document(source))
            .filter(document=terms)
            .annotate(
                score=SearchRank(F("document"), terms)
                + Case(
                    When(document=phrase, then=Value(PHRASE_BOOST)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
            )
        )
    phrases, words, excluded = _parsed(query)
    if not phrases and not words:
        return rows.none().annotate(score=Value(0.0, output_field=FloatField()))
    rows = rows.annotate(document=JoinedText(*source.fields))
    for text in phrases + words:
        rows = rows.filter(document__icontains=text)
    for word in excluded:
        rows = rows.exclude(document__icontains=word)
    return rows.annotate(
        score=Case(
            When(document__icontains=phrase_of(query), then=Value(PHRASE_BOOST)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )


def _hits(user, query):
    """Every matching row of every source, as (kind, key, score), best first."""
    arms = [
        _matching(source, user, query)
        .order_by()
        .annotate(hit_kind=Value(source.kind), hit_key=Cast("pk", IntegerField()))
        .values_list("hit_kind", "hit_key", "score")
        for source in SOURCES
    ]
    return arms[0].union(*arms[1:], all=True).order_by("-score", "hit_kind", "-hit_key")


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
            terms = SearchQuery(query, config=CONFIG, search_type="websearch")
            text = SearchHeadline(
                text,
                terms,
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
    """The page of results for ``query`` that ``user`` may see, and its paginator's page."""
    paginator = Paginator(_hits(user, query), PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.results = _details(user, query, list(page.object_list)) if paginator.count else []
    return page
