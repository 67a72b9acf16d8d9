import re

from django.db import migrations

OWNERS_CHANGED = re.compile(r"Owners changed from (?P<before>.*?) to ")
DUE_CHANGED = re.compile(r"Due changed from “.*?” to “(?P<after>.*?)”")


def owner_labels(action):
    labels = [p.abbreviation for p in action.owner_posts.order_by("seniority", "abbreviation")]
    labels += [person.initials for person in action.owner_people.order_by("name")]
    if action.owned_by_all:
        labels.append("ALL")
    return " ".join(labels)


def as_raised_from_history(apps, schema_editor):
    """Every action gets what its meeting minuted: the due of its first historical record,
    and the owners before the first recorded change of owners (else its owners now)."""
    Action = apps.get_model("actions", "Action")
    HistoricalAction = apps.get_model("actions", "HistoricalAction")
    ActionEvent = apps.get_model("actions", "ActionEvent")
    ActionReview = apps.get_model("actions", "ActionReview")
    for action in Action.objects.all():
        first = HistoricalAction.objects.filter(id=action.pk).order_by("history_date").first()
        source = first or action
        action.raised_due_date = source.due_date
        action.raised_due_meeting = source.due_meeting
        action.raised_due_wording = source.due_wording
        change = (
            ActionEvent.objects.filter(action=action, kind="owners").order_by("at", "pk").first()
        )
        match = OWNERS_CHANGED.match(change.text) if change else None
        if match:
            before = match["before"]
            action.raised_owners = "" if before == "None" else before
        else:
            action.raised_owners = owner_labels(action)
        action.save(
            update_fields=[
                "raised_owners",
                "raised_due_date",
                "raised_due_meeting",
                "raised_due_wording",
            ]
        )
    # What each review minuted: the update given at its meeting and, as the best the
    # record allows, the owners as they stand.
    for review in ActionReview.objects.select_related("item__meeting", "action"):
        update = (
            ActionEvent.objects.filter(
                action=review.action, kind="update", meeting=review.item.meeting
            )
            .order_by("at", "pk")
            .first()
        )
        review.update = update.text if update else ""
        review.owners_before = review.owners_after = owner_labels(review.action)
        due = (
            ActionEvent.objects.filter(
                action=review.action, kind="due", meeting=review.item.meeting
            )
            .order_by("at", "pk")
            .first()
        )
        match = DUE_CHANGED.match(due.text) if due else None
        review.new_due_wording = match["after"] if match and match["after"] != "Not set" else ""
        review.save(
            update_fields=["update", "owners_before", "owners_after", "new_due_wording"]
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0005_record_model"), ("meetings", "0006_withheld_reason_data")]

    operations = [migrations.RunPython(as_raised_from_history, migrations.RunPython.noop)]
