"""GIN indexes for the assurance statements and decisions search reads (PostgreSQL only)."""

import importlib

from django.db import migrations

first = importlib.import_module("search.migrations.0001_full_text_indexes")

INDEXES = [
    ("search_assurancestatement_document", "meetings_assurancestatement", ("narrative",)),
    ("search_decision_document", "meetings_decision", ("reference", "text")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_full_text_indexes"),
        ("meetings", "0016_assurance_and_decisions"),
    ]

    operations = [migrations.RunPython(first.creator(INDEXES), first.dropper(INDEXES))]
