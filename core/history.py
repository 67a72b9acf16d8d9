"""Reading django-simple-history's records as a list of changes: who, when and what changed.

The minutes' changes page and the action page both show changes this way.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist

# Bookkeeping rather than content: every save bumps the version, and reordering moves positions.
IGNORED_FIELDS = ("version", "position")


def describe_changes(records):
    """Each historical record as who, when, what kind of change and which fields changed."""
    user_ids = {record.history_user_id for record in records if record.history_user_id}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids)}
    changes = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id), reverse=True):
        previous = record.prev_record
        fields = []
        if previous is not None and record.history_type == "~":
            fields = [
                (change.field, change.old, change.new)
                for change in record.diff_against(previous).changes
                if change.field not in IGNORED_FIELDS
            ]
            if not fields:
                continue
        what = record.instance._meta.verbose_name.capitalize()
        try:
            label = str(record.instance)
        except ObjectDoesNotExist:
            # What it belonged to (an item of a draft agenda) has since been deleted.
            label = f"{what} of something since deleted"
        changes.append(
            {
                "record": record,
                "what": what,
                "label": label,
                "user": users.get(record.history_user_id),
                "fields": fields,
            }
        )
    return changes
