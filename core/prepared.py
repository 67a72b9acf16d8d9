"""Statements every signed-in request runs, planned once for each database connection.

PostgreSQL plans every statement it is sent. For the few that every page asks (the login's
roles, the record's version, the latest updates a page shows), planning cost as much as
running them, or more. So on PostgreSQL each is prepared the first time a connection runs it
(``PREPARE``) and executed by name after; a worker keeps its connection (CONN_MAX_AGE), so it
plans each once. A table changed since (a migration, a restore) makes PostgreSQL plan the
statement again by itself, and a prepared statement outlives a transaction rolled back.
Elsewhere (SQLite, which plans cheaply) the statement is run as it is.
"""

import collections
import hashlib
import itertools
import re
import weakref

# The connections (psycopg2's own) on which each statement is prepared, by its name.
_PREPARED = collections.defaultdict(weakref.WeakSet)


def execute(cursor, sql, params=()):
    """Run ``sql`` (written for Django's cursor: ``%s`` for each of ``params``) on ``cursor``,
    prepared on the cursor's own connection first if it is PostgreSQL."""
    if cursor.db.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    name = f"prepared_{hashlib.sha256(sql.encode()).hexdigest()[:16]}"
    raw = cursor.db.connection
    if raw not in _PREPARED[name]:
        if "%%" in sql:
            raise ValueError("A statement to prepare cannot hold a literal %.")
        numbered = itertools.count(1)
        text = f"PREPARE {name} AS {re.sub('%s', lambda _: f'${next(numbered)}', sql)}"
        # On the driver's own cursor, past Django's record of queries: planning once per
        # connection is no query of the page's, and a page's count is then the same whatever
        # the connection asked before. Without parameters the driver leaves the text alone:
        # the $1... are PostgreSQL's.
        with cursor.db.wrap_database_errors:
            cursor.cursor.execute(text)
        _PREPARED[name].add(raw)
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")
