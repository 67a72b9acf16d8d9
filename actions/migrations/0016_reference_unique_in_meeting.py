"""A typed reference is unique within its meeting; one the series' scheme makes stays unique in
the series. Every row already satisfies both: references were unique in each series, and an
action's meeting is of its series."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0015_reference_per_meeting_data"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="action",
            constraint=models.UniqueConstraint(
                fields=("meeting", "reference"), name="actions_action_reference_unique_in_meeting"
            ),
        ),
        migrations.RemoveConstraint(
            model_name="action",
            name="actions_action_reference_unique_in_series",
        ),
        migrations.AddConstraint(
            model_name="action",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reference_per_meeting", False)),
                fields=("series", "reference"),
                name="actions_action_reference_unique_in_series",
            ),
        ),
    ]
