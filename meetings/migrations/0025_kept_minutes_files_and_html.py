# The kept PDFs of agreed minutes become kept files of either kind (PDF or Word), made in the
# background and so with a status; the ones already kept are ready. The minutes' page keeps
# its rendered minutes per frozen version too.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0024_held_as_presenters_declarations"),
    ]

    operations = [
        migrations.RenameModel(old_name="KeptMinutesPdf", new_name="KeptMinutesFile"),
        migrations.RemoveConstraint(
            model_name="keptminutesfile", name="kept_keptminutespdf_one_per_variant"
        ),
        migrations.AddField(
            model_name="keptminutesfile",
            name="kind",
            field=models.CharField(
                choices=[("pdf", "PDF"), ("docx", "Word")], default="pdf", max_length=8
            ),
        ),
        migrations.AddField(
            model_name="keptminutesfile",
            name="status",
            field=models.CharField(
                choices=[
                    ("preparing", "Being prepared"),
                    ("ready", "Ready to download"),
                    ("failed", "Could not be prepared"),
                ],
                default="ready",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="keptminutesfile",
            name="status",
            field=models.CharField(
                choices=[
                    ("preparing", "Being prepared"),
                    ("ready", "Ready to download"),
                    ("failed", "Could not be prepared"),
                ],
                default="preparing",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="keptminutesfile",
            name="file",
            field=models.FileField(blank=True, upload_to="kept/minutes/"),
        ),
        migrations.AddField(
            model_name="keptminutesfile",
            name="base_url",
            field=models.CharField(blank=True, max_length=400),
        ),
        migrations.AddField(
            model_name="keptminutesfile",
            name="failure",
            field=models.TextField(
                blank=True, help_text="Why it could not be made, for the reader."
            ),
        ),
        migrations.AddField(
            model_name="keptminutesfile",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="keptminutesfile",
            constraint=models.UniqueConstraint(
                fields=("version", "variant", "kind"), name="kept_keptminutespdf_one_per_variant"
            ),
        ),
        migrations.AddConstraint(
            model_name="keptminutesfile",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["pdf", "docx"])),
                name="meetings_keptminutesfile_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="keptminutesfile",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["preparing", "ready", "failed"])),
                name="meetings_keptminutesfile_status_valid",
            ),
        ),
        migrations.CreateModel(
            name="KeptMinutesHtml",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "variant",
                    models.CharField(
                        choices=[
                            ("full", "Full"),
                            ("public", "Public"),
                            ("published", "Published"),
                        ],
                        max_length=16,
                    ),
                ),
                ("html", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="meetings.minutesversion",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "variant"),
                        name="meetings_keptminuteshtml_one_per_variant",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("variant__in", ["full", "public", "published"])),
                        name="meetings_keptminuteshtml_variant_valid",
                    ),
                ],
            },
        ),
    ]
