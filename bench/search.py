"""How search scales: time and queries with a large action log, as the benchmark of pages.

Run with `python bench/search.py --actions 5000` (DATABASE_URL=postgres://... for PostgreSQL's
full-text search; SQLite's fallback otherwise). It builds the throwaway database of
bench/pages.py, then times searches that hit a few rows and thousands, as the Commissioner
and as the DCC; on PostgreSQL it prints the plan of a selective match on actions, which
shows the GIN index of search/migrations in use.
"""

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402 - bench/pages.py, beside this file

QUERIES = ["domestic abuse", '"benchmark action 7"', "benchmark", "progress", "2017/10-04"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000, help="actions to add (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per search")
    args = parser.parse_args()
    pages.with_test_database(run, args)


def run(args):
    from django.contrib.postgres.search import SearchQuery
    from django.db import connection
    from django.test import Client

    from search.engine import document, search
    from search.sources import SOURCES

    start = time.perf_counter()
    total = pages.build(args.actions)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {total} actions built in {time.perf_counter() - start:.1f} s")
    print(f"{'user':<13} {'query':<24} {'hits':>6} {'median ms':>10} {'queries':>8}")
    for username in ("commissioner", "dcc"):
        client = Client()
        client.login(username=username, password="assurance-demo")
        user = pages_user(username)
        for query in QUERIES:
            hits = search(user, query).paginator.count
            ms, queries, _size = pages.timed(
                client, f"/search/?{urlencode({'q': query})}", args.repeat
            )
            print(f"{username:<13} {query:<24} {hits:>6} {ms:>10.1f} {queries:>8}")
    if connection.vendor == "postgresql":
        source = next(source for source in SOURCES if source.kind == "action")
        terms = SearchQuery("2017/10-04", config="english", search_type="websearch")
        matching = source.model.objects.annotate(document=document(source)).filter(document=terms)
        print(matching.explain())


def pages_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


if __name__ == "__main__":
    main()
