"""Each post with a holder gets a holding: from the first meeting on record (or today, with
no meetings yet), since nothing earlier says when the holder took the post."""

from django.db import migrations
from django.utils import timezone


def start_holdings(apps, schema_editor):
    Post = apps.get_model("meetings", "Post")
    PostHolding = apps.get_model("meetings", "PostHolding")
    Meeting = apps.get_model("meetings", "Meeting")
    first = Meeting.objects.order_by("date").values_list("date", flat=True).first()
    started_on = first or timezone.localdate()
    PostHolding.objects.bulk_create(
        PostHolding(post_id=post.pk, person_id=post.holder_id, started_on=started_on)
        for post in Post.objects.filter(holder__isnull=False)
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0014_directory")]

    operations = [migrations.RunPython(start_holdings, migrations.RunPython.noop)]
