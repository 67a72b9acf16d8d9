"""The content types of the models that moved app follow them, so that every permission
(``manage_users`` among them, on Person), every admin log entry and every history row's
content type keeps pointing at the same model."""

from django.db import migrations

MOVED = {
    ("meetings", "people"): [
        "person",
        "personalias",
        "post",
        "postholding",
        "loginevent",
        "historicalperson",
        "historicalpersonalias",
        "historicalpost",
        "historicalpostholding",
    ],
    ("actions", "people"): ["body", "historicalbody", "historicalbody_members"],
    ("meetings", "themes"): ["theme", "historicaltheme"],
    ("meetings", "judgements"): [
        "assurancestatement",
        "decision",
        "historicalassurancestatement",
        "historicaldecision",
    ],
    ("meetings", "core"): ["submission"],
    ("kept", "meetings"): ["keptminutespdf"],
}


def move(apps, schema_editor, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for (old, new), models in MOVED.items():
        source, target = (new, old) if backwards else (old, new)
        for model in models:
            # One made for the new place by a migrate stopped part way (its post_migrate)
            # gives way to the old one, which the granted permissions point at.
            ContentType.objects.filter(app_label=target, model=model).delete()
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_back(apps, schema_editor):
    move(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0001_initial"),
        ("core", "0001_initial"),
        ("themes", "0001_initial"),
        ("judgements", "0001_initial"),
        ("meetings", "0020_models_to_people_themes_judgements_core"),
        ("actions", "0012_body_to_people"),
        ("kept", "0002_minutes_pdf_to_meetings"),
    ]

    operations = [migrations.RunPython(move, move_back)]
