"""Actions of series whose officer types the references are numbered within their meeting.

Apart from the schema changes before and after it: on PostgreSQL, rows updated in the same
transaction as an ALTER TABLE of their table can refuse the ALTER (pending trigger events).
"""

from django.db import migrations


def per_meeting(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Action.objects.filter(series__reference_scheme="typed").update(reference_per_meeting=True)


def series_wide(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Action.objects.filter(reference_per_meeting=True).update(reference_per_meeting=False)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0014_reference_per_meeting"),
        ("meetings", "0012_series_reference_scheme"),
    ]

    operations = [migrations.RunPython(per_meeting, series_wide)]
