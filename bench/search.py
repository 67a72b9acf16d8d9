"""How search and the theme report scale: time and queries with a large action log, as the
benchmark of pages.

Run with `python bench/search.py --actions 5000` (DATABASE_URL=postgres://... for PostgreSQL's
full-text search; SQLite's fallback otherwise). It builds the throwaway database of
bench/pages.py, then times searches that hit a few rows and thousands, as the Commissioner
and as the DCC; on PostgreSQL it prints the plan of a selective match on actions, which
shows the GIN index of search/migrations in use. Then it gives every benchmark item a theme
and an assurance statement, freezes the agreed minutes as agreeing them would, and times the
busiest year's theme report on screen, as a workbook and as PDF.
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
            page = search(user, query)
            # Beyond the bound, search counts no further: "more than" what it ranked.
            hits = f"{'>' if page.bounded else ''}{page.paginator.count}"
            ms, queries, _size = pages.timed(
                client, f"/search/?{urlencode({'q': query})}", args.repeat
            )
            print(f"{username:<13} {query:<24} {hits:>6} {ms:>10.1f} {queries:>8}")
    if connection.vendor == "postgresql":
        source = next(source for source in SOURCES if source.kind == "action")
        terms = SearchQuery("2017/10-04", config="english", search_type="websearch")
        matching = source.model.objects.annotate(document=document(source)).filter(document=terms)
        print(matching.explain())
    theme_report(args)


def theme_report(args):
    """The year with the most agreed meetings, as the Commissioner and the DCC see it."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from judgements.models import AssuranceLevel, AssuranceStatement
    from meetings.models import IN_PROGRESS, AgendaItem, Meeting, MeetingSeries
    from meetings.services import freeze_minutes
    from themes.models import Theme
    from themes.report import Year

    start = time.perf_counter()
    themes = list(Theme.objects.all())
    levels = AssuranceLevel.values
    bench_items = AgendaItem.objects.filter(heading="Risks", theme=None)
    for index, theme in enumerate(themes):
        bench_items.filter(meeting__date__month__in=range(index + 1, 13, len(themes))).update(
            theme=theme
        )
    AssuranceStatement.objects.bulk_create(
        AssuranceStatement(item=item, level=levels[n % len(levels)], narrative="Benchmark.")
        for n, item in enumerate(AgendaItem.objects.filter(heading="Risks", assurance=None))
    )
    agreed = Meeting.objects.exclude(status__in=IN_PROGRESS)
    years = {}
    for meeting in agreed.only("date"):
        year = Year.containing(meeting.date).start
        years[year] = years.get(year, 0) + 1
    year = max(years, key=lambda start: (years[start], start))
    in_year = agreed.filter(date__gte=Year(year).first_day, date__lte=Year(year).last_day)
    # As agreeing them would have: the report reads each meeting's frozen minutes.
    for meeting in in_year.filter(versions__isnull=True).with_people():
        freeze_minutes(meeting)
    print(
        f"themes, statements and that year's frozen minutes in {time.perf_counter() - start:.1f} s"
    )
    actions = in_year.aggregate(total=Count("actions_arising"))["total"]
    print(
        f"theme report {Year(year).label}: {years[year]} meetings, {actions} actions raised "
        f"({connection.vendor})"
    )
    # The demo's series alone: what one OPCC's monthly meeting gives its report.
    demo = MeetingSeries.objects.order_by("pk").first()
    print(f"{'user':<13} {'page':<36} {'median ms':>10} {'queries':>8} {'KiB':>8}")
    for username in ("commissioner", "dcc"):
        client = Client()
        client.login(username=username, password="assurance-demo")
        one = f"?series={demo.pk}"
        for url in (
            f"/themes/{year}/",
            f"/themes/{year}/report.xlsx",
            f"/themes/{year}/report.pdf",
            f"/themes/{year}/{one}",
            f"/themes/{year}/report.pdf{one}",
        ):
            repeat = 1 if ".pdf" in url else args.repeat
            ms, queries, size = pages.timed(client, url, repeat)
            print(f"{username:<13} {url:<36} {ms:>10.1f} {queries:>8} {size / 1024:>8.1f}")


def pages_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


if __name__ == "__main__":
    main()
