"""Reading django-simple-history's records as a list of changes: who, when and what changed.

The minutes' changes page and the action page both show changes this way.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils.formats import date_format
from django.utils.text import capfirst

# Bookkeeping rather than content: every save bumps the version, and reordering moves positions.
IGNORED_FIELDS = ("version", "position")


def describe_changes(records):
    """Each historical record as who, when, what kind of change and which fields changed."""
    user_ids = {record.history_user_id for record in records if record.history_user_id}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=user_ids)}
    changes = []
    related = {}  # (model, pk): how a related row reads, looked up once
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id), reverse=True):
        previous = record.prev_record
        fields = []
        if previous is not None and record.history_type == "~":
            model = record.instance_type
            fields = [
                (
                    field_label(model, change.field),
                    readable(model, change.field, change.old, related),
                    readable(model, change.field, change.new, related),
                )
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


def _field(model, name):
    """The model's field ``name`` (or whose column it is: "due_at_id"), else None."""
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def field_label(model, name):
    """A field as the forms name it ("Due at the meeting"), not as the code does."""
    field = _field(model, name)
    return capfirst(field.verbose_name) if field is not None else name


def readable(model, name, value, related):
    """A value as a person reads it: the row a foreign key names, a choice's label, a date
    the British way, yes or no."""
    field = _field(model, name)
    if value is None or value == "" or field is None:
        return value
    if field.is_relation and field.many_to_one:
        key = (field.related_model, value)
        if key not in related:
            row = field.related_model._default_manager.filter(pk=value).first()
            related[key] = str(row) if row is not None else f"(deleted, #{value})"
        return related[key]
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(value, "j F Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return value
