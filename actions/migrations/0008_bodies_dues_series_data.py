from django.db import migrations


def kind(due_date, due_meeting):
    if due_date:
        return "date"
    if due_meeting:
        return "month"
    return ""


def forwards(apps, schema_editor):
    """Actions owned by all become the ALL body's; each action gets its meeting's series and
    the kind of due it was given (a date, or a meeting's month)."""
    Action = apps.get_model("actions", "Action")
    ActionReview = apps.get_model("actions", "ActionReview")
    Body = apps.get_model("actions", "Body")
    everyone = Action.objects.filter(owned_by_all=True)
    if everyone.exists():
        body, _ = Body.objects.get_or_create(label="ALL", defaults={"name": "All attendees"})
        for action in everyone:
            action.owner_bodies.add(body)
    for action in Action.objects.select_related("meeting"):
        action.series_id = action.meeting.series_id
        action.due_kind = kind(action.due_date, action.due_meeting)
        action.raised_due_kind = kind(action.raised_due_date, action.raised_due_meeting)
        action.save(update_fields=["series", "due_kind", "raised_due_kind"])
    for review in ActionReview.objects.filter(outcome="carried_forward"):
        review.new_due_kind = kind(review.new_due_date, review.new_due_meeting)
        review.save(update_fields=["new_due_kind"])


def backwards(apps, schema_editor):
    Action = apps.get_model("actions", "Action")
    Action.objects.filter(owner_bodies__label="ALL").update(owned_by_all=True)


class Migration(migrations.Migration):
    dependencies = [("actions", "0007_bodies_dues_series")]

    operations = [migrations.RunPython(forwards, backwards)]
