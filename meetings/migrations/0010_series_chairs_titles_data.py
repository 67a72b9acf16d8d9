import re

from django.db import migrations
from django.utils.formats import date_format


def short_name_for(name, taken):
    """The initials of the name's words ("Monthly Assurance Meeting": MAM), numbered when
    another series has them already."""
    base = "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", name)).upper()[:16] or "S"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate


def title_for(meeting, taken):
    """The rule the app applies when a meeting is opened: "<series> <Month YYYY>", or with the
    day when an earlier meeting of the series that month has that title already."""
    name = meeting.series.name
    month = f"{name} {date_format(meeting.date, 'F Y')}"
    if month not in taken:
        return month
    day = f"{name} {date_format(meeting.date, 'j F Y')}"
    candidates = [day, *(f"{day} ({n})" for n in range(2, 1000))]
    return next(title for title in candidates if title not in taken)


def forwards(apps, schema_editor):
    MeetingSeries = apps.get_model("meetings", "MeetingSeries")
    SeriesChair = apps.get_model("meetings", "SeriesChair")
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingChair = apps.get_model("meetings", "MeetingChair")
    HistoricalMeeting = apps.get_model("meetings", "HistoricalMeeting")

    taken = set()
    for series in MeetingSeries.objects.order_by("pk"):
        series.short_name = short_name_for(series.name, taken)
        taken.add(series.short_name)
        series.save(update_fields=["short_name"])
        if series.default_chair_id:
            SeriesChair.objects.create(series=series, person_id=series.default_chair_id)

    titles = set()
    for meeting in Meeting.objects.select_related("series").order_by("series_id", "date", "pk"):
        meeting.title = title_for(meeting, titles)
        titles.add(meeting.title)
        meeting.save(update_fields=["title"])
        # The history shows the title the meeting always had, not a change from nothing.
        HistoricalMeeting.objects.filter(id=meeting.pk).update(title=meeting.title)
        if meeting.chair_id:
            MeetingChair.objects.create(meeting=meeting, person_id=meeting.chair_id)


def backwards(apps, schema_editor):
    """Back to one chair: the first named."""
    MeetingChair = apps.get_model("meetings", "MeetingChair")
    SeriesChair = apps.get_model("meetings", "SeriesChair")
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingSeries = apps.get_model("meetings", "MeetingSeries")
    for link in MeetingChair.objects.order_by("meeting_id", "-position", "-pk"):
        Meeting.objects.filter(pk=link.meeting_id).update(chair_id=link.person_id)
    for link in SeriesChair.objects.order_by("series_id", "-position", "-pk"):
        MeetingSeries.objects.filter(pk=link.series_id).update(default_chair_id=link.person_id)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0009_series_chairs_titles")]

    operations = [migrations.RunPython(forwards, backwards)]
