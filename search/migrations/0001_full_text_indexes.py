"""GIN indexes for full-text search, on PostgreSQL only (SQLite searches without them).

Each index is on exactly the expression search/engine.py filters on, SearchVector's
``to_tsvector('english'::regconfig, COALESCE(a, '') || ' ' || COALESCE(b, '') ...)`` over the
fields of its source in search/sources.py, so that the planner can use it.
"""

from django.db import migrations

# (index, table, fields): the sources' fields, in the sources' order.
INDEXES = [
    ("search_agendaitem_document", "meetings_agendaitem", ("number", "heading", "question")),
    ("search_finding_document", "meetings_finding", ("text",)),
    ("search_action_document", "actions_action", ("reference", "text")),
    # Only updates are searched: a partial index would not serve a query that does not repeat
    # its condition word for word, so the whole table is indexed.
    ("search_actionevent_document", "actions_actionevent", ("text",)),
]


def document(fields):
    joined = " || ' ' || ".join(f"COALESCE({field}, '')" for field in fields)
    return f"to_tsvector('english'::regconfig, {joined})"


def creator(indexes):
    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, table, fields in indexes:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({document(fields)})"
            )

    return create


def dropper(indexes):
    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _fields in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return drop


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0015_post_holdings_data"),
        ("actions", "0010_review_outcome_changes"),
    ]

    operations = [migrations.RunPython(creator(INDEXES), dropper(INDEXES))]
