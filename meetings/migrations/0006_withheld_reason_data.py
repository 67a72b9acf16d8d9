from django.db import migrations


def derive_withheld_reason(apps, schema_editor):
    """Restriction covers an item's whole subtree: give every item the reason it inherits."""
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    items = list(AgendaItem.objects.order_by("meeting_id", "pk"))
    by_pk = {item.pk: item for item in items}

    def reason(item):
        if item.restricted:
            return item.restriction_reason
        parent = by_pk.get(item.parent_id)
        return reason(parent) if parent else ""

    changed = []
    for item in items:
        item.withheld_reason = reason(item)
        if item.withheld_reason:
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["withheld_reason"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_record_model")]

    operations = [migrations.RunPython(derive_withheld_reason, migrations.RunPython.noop)]
