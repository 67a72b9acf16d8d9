"""Meeting series managed in the app: co-chairs, usual attendees, titles, long item numbers.

The fields that must be filled before they become unique (titles, short names) start
without the constraint; 0010 fills them and carries the chairs over, 0011 constrains them and
drops the single chair."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0008_submission_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingseries",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="historicalmeeting",
            name="title",
            field=models.CharField(
                db_index=True,
                default="",
                help_text="Tells this meeting apart from every other, for example Monthly Assurance Meeting October 2017.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="title",
            field=models.CharField(
                default="",
                help_text="Tells this meeting apart from every other, for example Monthly Assurance Meeting October 2017.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="minute_taker_capacity",
            field=models.CharField(
                blank=True,
                help_text="As minuted, for example: Policy Officer, OPCC.",
                max_length=200,
                verbose_name="minute-taker's capacity",
            ),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="retired_on",
            field=models.DateField(
                blank=True,
                help_text="A retired series keeps its meetings but opens no new ones.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="rhythm",
            field=models.CharField(
                blank=True, help_text="For example: Monthly, last Tuesday.", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="short_name",
            field=models.CharField(
                default="",
                help_text="How the series is known for short, for example HTA or JAC.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="number",
            field=models.CharField(
                help_text='As minuted: "1.1", "5a", "AOB", "HTA/2019/07/3.1".', max_length=40
            ),
        ),
        migrations.AlterField(
            model_name="historicalagendaitem",
            name="number",
            field=models.CharField(
                help_text='As minuted: "1.1", "5a", "AOB", "HTA/2019/07/3.1".', max_length=40
            ),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="default_minute_taker",
            field=models.ForeignKey(
                blank=True,
                help_text="Anyone, from the OPCC or the force.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="meetings.person",
                verbose_name="minute-taker",
            ),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="default_start_time",
            field=models.TimeField(blank=True, null=True, verbose_name="usual start time"),
        ),
        migrations.AlterField(
            model_name="meetingseries",
            name="default_venue",
            field=models.CharField(blank=True, max_length=200, verbose_name="venue"),
        ),
        migrations.AlterField(
            model_name="standingsection",
            name="number",
            field=models.CharField(max_length=40),
        ),
        migrations.CreateModel(
            name="HistoricalMeetingChair",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical meeting chair",
                "verbose_name_plural": "historical meeting chairs",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalMeetingSeries",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=160)),
                (
                    "short_name",
                    models.CharField(
                        db_index=True,
                        default="",
                        help_text="How the series is known for short, for example HTA or JAC.",
                        max_length=20,
                    ),
                ),
                (
                    "default_venue",
                    models.CharField(blank=True, max_length=200, verbose_name="venue"),
                ),
                (
                    "default_start_time",
                    models.TimeField(blank=True, null=True, verbose_name="usual start time"),
                ),
                (
                    "rhythm",
                    models.CharField(
                        blank=True, help_text="For example: Monthly, last Tuesday.", max_length=200
                    ),
                ),
                (
                    "minute_taker_capacity",
                    models.CharField(
                        blank=True,
                        help_text="As minuted, for example: Policy Officer, OPCC.",
                        max_length=200,
                        verbose_name="minute-taker's capacity",
                    ),
                ),
                (
                    "retired_on",
                    models.DateField(
                        blank=True,
                        help_text="A retired series keeps its meetings but opens no new ones.",
                        null=True,
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "default_minute_taker",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Anyone, from the OPCC or the force.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.person",
                        verbose_name="minute-taker",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical meeting series",
                "verbose_name_plural": "historical meeting series",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalSeriesChair",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.person",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.meetingseries",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical series chair",
                "verbose_name_plural": "historical series chairs",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalStandingSection",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("number", models.CharField(max_length=40)),
                ("heading", models.CharField(max_length=300)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("item", "Item"),
                            ("brought_forward", "Action brought forward"),
                            ("next_meeting", "Date of next meeting"),
                        ],
                        default="item",
                        max_length=20,
                    ),
                ),
                (
                    "brings_forward",
                    models.BooleanField(
                        default=False,
                        help_text="New meetings list every outstanding action under this section.",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.standingsection",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.meetingseries",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical standing section",
                "verbose_name_plural": "historical standing sections",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalUsualAttendee",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "capacity",
                    models.CharField(
                        help_text="As minuted: Deputy Chief Constable (DCC).", max_length=200
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.person",
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="The post they attend as, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.post",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="meetings.meetingseries",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical usual attendee",
                "verbose_name_plural": "historical usual attendees",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="MeetingChair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chair_links",
                        to="meetings.meeting",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="meetings.person",
                    ),
                ),
            ],
            options={
                "ordering": ["meeting", "position", "pk"],
            },
        ),
        migrations.AddField(
            model_name="meeting",
            name="chairs",
            field=models.ManyToManyField(
                blank=True,
                related_name="meetings_chaired",
                through="meetings.MeetingChair",
                to="meetings.person",
            ),
        ),
        migrations.CreateModel(
            name="SeriesChair",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="meetings.person",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="chair_links",
                        to="meetings.meetingseries",
                    ),
                ),
            ],
            options={
                "ordering": ["series", "position", "pk"],
            },
        ),
        migrations.AddField(
            model_name="meetingseries",
            name="chairs",
            field=models.ManyToManyField(
                blank=True,
                related_name="series_chaired",
                through="meetings.SeriesChair",
                to="meetings.person",
            ),
        ),
        migrations.CreateModel(
            name="UsualAttendee",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "capacity",
                    models.CharField(
                        help_text="As minuted: Deputy Chief Constable (DCC).", max_length=200
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="meetings.person",
                    ),
                ),
                (
                    "post",
                    models.ForeignKey(
                        blank=True,
                        help_text="The post they attend as, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="meetings.post",
                    ),
                ),
                (
                    "series",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="usual_attendees",
                        to="meetings.meetingseries",
                    ),
                ),
            ],
            options={
                "ordering": ["series", "position", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="meetingchair",
            constraint=models.UniqueConstraint(
                fields=("meeting", "person"), name="meetings_meetingchair_person_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="serieschair",
            constraint=models.UniqueConstraint(
                fields=("series", "person"), name="meetings_serieschair_person_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="usualattendee",
            constraint=models.UniqueConstraint(
                fields=("series", "person"), name="meetings_usualattendee_person_unique"
            ),
        ),
    ]
