from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0013_update_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="reference_per_meeting",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Typed by the officer: unique within its meeting, not its series.",
            ),
        ),
        migrations.AddField(
            model_name="historicalaction",
            name="reference_per_meeting",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Typed by the officer: unique within its meeting, not its series.",
            ),
        ),
    ]
