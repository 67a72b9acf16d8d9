"""Titles and short names are unique now that every row has one; the single chair is gone,
carried over to the chair links by 0010."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("meetings", "0010_series_chairs_titles_data")]

    operations = [
        migrations.RemoveField(
            model_name="historicalmeeting",
            name="chair",
        ),
        migrations.RemoveField(
            model_name="meeting",
            name="chair",
        ),
        migrations.RemoveField(
            model_name="meetingseries",
            name="default_chair",
        ),
        migrations.AlterField(
            model_name="historicalmeeting",
            name="title",
            field=models.CharField(
                db_index=True,
                help_text="Tells this meeting apart from every other, for example Monthly Assurance Meeting October 2017.",
                max_length=200,
            ),
        ),
        migrations.AlterField(
            model_name="historicalmeetingseries",
            name="short_name",
            field=models.CharField(
                db_index=True,
                help_text="How the series is known for short, for example HTA or JAC.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="meeting",
            name="title",
            field=models.CharField(
                help_text="Tells this meeting apart from every other, for example Monthly Assurance Meeting October 2017.",
                max_length=200,
                unique=True,
            ),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="short_name",
            field=models.CharField(
                help_text="How the series is known for short, for example HTA or JAC.",
                max_length=20,
                unique=True,
            ),
        ),
    ]
