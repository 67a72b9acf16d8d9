"""Load the October 2017 West Mercia minutes, the meetings they refer to, and demo logins."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import Action, ActionReview, Status
from actions.services import raise_action, set_action_status
from demo import data
from meetings.models import (
    AgendaItem,
    Attendance,
    Finding,
    Meeting,
    MeetingSeries,
    MinutesStatus,
    StandingSection,
)
from meetings.services import set_chairs, set_minutes_status
from people import roles
from people.accounts import manage_users_permission
from people.models import OFFICE_PK, Body, Office, Person, Post, PostHolding
from themes.models import Theme

DEMO_PASSWORD = "assurance-demo"
LOGIN_ROLES = {
    "officer": roles.OPCC_STAFF,
    "commissioner": roles.COMMISSIONER,
    "dcc": roles.FORCE_OFFICER,
}


class Command(BaseCommand):
    help = "Load the October 2017 Monthly Assurance Meeting and demo logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (demo logins have a published password).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: the demo logins share a published "
                "password. Use --force if you really mean it."
            )
        with transaction.atomic():
            loaded = load_demo()
        if loaded:
            self.stdout.write(self.style.SUCCESS("Loaded the October 2017 minutes."))
        else:
            self.stdout.write("The October 2017 minutes were already loaded; nothing changed.")
        self.stdout.write(
            f"Demo logins (password {DEMO_PASSWORD!r}): officer (OPCC policy officer, "
            "Jackie Irvin), commissioner (John Campion, PCC), dcc (Amanda Blakeman, DCC)."
        )


def load_demo(*, october=True):
    """Create what is missing; return False when the October meeting was already there.

    Without ``october``, only what came before it: people, posts, the series and the July
    and September actions, as an OPCC would have them before minuting October.
    """
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)
    Office.objects.get_or_create(pk=OFFICE_PK, defaults=data.OFFICE)
    people = _people()
    posts = _posts(people)
    themes = {
        name: Theme.objects.get_or_create(name=name, defaults={"position": i})[0]
        for i, name in enumerate(data.THEMES)
    }
    series = _series(people)
    if series.meetings.filter(date=data.OCTOBER["date"]).exists():
        return False
    for earlier in data.EARLIER_MEETINGS:
        if not series.meetings.filter(date=earlier["date"]).exists():
            _earlier_meeting(series, earlier, people, posts, themes)
    if october:
        _october(series, people, posts, themes)
    return True


def _people():
    user_model = get_user_model()
    people = {}
    for initials, (name, job_title, organisation, login) in data.PEOPLE.items():
        person, _ = Person.objects.get_or_create(
            initials=initials,
            defaults={"name": name, "job_title": job_title, "organisation": organisation},
        )
        if login and person.user_id is None:
            first, last = name.split(" ", 1)
            user, created = user_model.objects.get_or_create(
                username=login, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=LOGIN_ROLES[login]))
            if LOGIN_ROLES[login] == roles.OPCC_STAFF:
                # The demo's policy officer gives the other logins: no superuser is needed.
                user.user_permissions.add(manage_users_permission())
            person.user = user
            person.save(update_fields=["user"])
        people[initials] = person
    return people


def _posts(people):
    posts = {}
    # The holders held their posts from the first meeting the demo has, as far as it knows.
    held_from = min(meeting["date"] for meeting in data.EARLIER_MEETINGS)
    for abbreviation, (title, organisation, holder, seniority) in data.POSTS.items():
        posts[abbreviation], created = Post.objects.get_or_create(
            abbreviation=abbreviation,
            defaults={
                "title": title,
                "organisation": organisation,
                "holder": people[holder],
                "seniority": seniority,
            },
        )
        if created:
            PostHolding.objects.create(
                post=posts[abbreviation], person=people[holder], started_on=held_from
            )
    return posts


def _series(people):
    spec = dict(data.SERIES)
    chairs = [people[initials] for initials in spec.pop("chairs")]
    minute_taker = people[spec.pop("default_minute_taker")]
    series, created = MeetingSeries.objects.get_or_create(
        name=spec.pop("name"), defaults={**spec, "default_minute_taker": minute_taker}
    )
    if created:
        set_chairs(series, chairs)
        position = 0
        for number, heading, kind, brings_forward, children in data.STANDING_SECTIONS:
            parent = StandingSection.objects.create(
                series=series,
                number=number,
                heading=heading,
                kind=kind,
                brings_forward=brings_forward,
                position=position,
            )
            position += 1
            for child_number, child_heading in children:
                StandingSection.objects.create(
                    series=series,
                    parent=parent,
                    number=child_number,
                    heading=child_heading,
                    position=position,
                )
                position += 1
    return series


def _all_attendees():
    return Body.objects.get_or_create(label="ALL", defaults={"name": "All attendees"})[0]


def _owners(spec, posts, people):
    names = spec.get("owners", [])
    return {
        "owner_posts": [posts[n] for n in names if n in posts],
        "owner_people": [people[n] for n in names if n in people],
        "owner_bodies": [_all_attendees()] if "ALL" in names else [],
    }


def _earlier_meeting(series, spec, people, posts, themes):
    meeting = Meeting.objects.create(
        series=series,
        date=spec["date"],
        start_time=series.default_start_time,
        venue=series.default_venue,
        minute_taker=people["JI"],
        minute_taker_capacity="Policy Officer, OPCC",
    )
    set_chairs(meeting, [people["JC"]])
    number, heading, theme = spec["item"]
    item = AgendaItem.objects.create(
        meeting=meeting, number=number, heading=heading, theme=themes[theme]
    )
    for action in spec["actions"]:
        raise_action(
            item=item,
            text=action["text"],
            due_meeting=action.get("due_meeting"),
            due_wording=action.get("due_wording", ""),
            **_owners(action, posts, people),
        )
    # Recorded as a draft, then agreed: agreeing freezes the minutes as every agreement does.
    set_minutes_status(meeting, MinutesStatus.AGREED, by=None)


def _october(series, people, posts, themes):
    spec = data.OCTOBER
    meeting = Meeting.objects.create(
        series=series,
        date=spec["date"],
        start_time=spec["start_time"],
        venue=spec["venue"],
        minute_taker=people[spec["minute_taker"]],
        minute_taker_capacity=spec["minute_taker_capacity"],
        next_meeting_date=spec["next_meeting_date"],
        next_meeting_time=spec["next_meeting_time"],
    )
    set_chairs(meeting, [people[initials] for initials in spec["chairs"]])
    items_by_number = {}
    for position, item_spec in enumerate(data.OCTOBER_ITEMS):
        _item(meeting, None, position, item_spec, items_by_number, people, posts, themes)
    for position, (initials, post, capacity, presence, left_after) in enumerate(spec["attendance"]):
        Attendance.objects.create(
            meeting=meeting,
            person=people[initials],
            post=posts[post],
            capacity=capacity,
            presence=presence,
            left_after_item=items_by_number.get(left_after),
            position=position,
        )
    set_minutes_status(meeting, spec["status"], by=None)


def _item(meeting, parent, position, spec, items_by_number, people, posts, themes):
    item = AgendaItem.objects.create(
        meeting=meeting,
        parent=parent,
        number=spec["number"],
        position=position,
        kind=spec.get("kind", "item"),
        heading=spec["heading"],
        theme=themes.get(spec.get("theme")),
        background=spec.get("background", ""),
        question=spec.get("question", ""),
        label_findings=spec.get("label_findings", True),
        nil_return=spec.get("nil_return", ""),
        action_column_note=spec.get("action_column_note", ""),
    )
    items_by_number.setdefault(spec["number"], item)
    Finding.objects.bulk_create(
        Finding(item=item, text=text, position=i) for i, text in enumerate(spec.get("findings", []))
    )
    reviewed = None
    if "reviews" in spec:
        reference, outcome = spec["reviews"]
        reviewed = Action.objects.get(reference=reference)
        ActionReview.objects.create(
            item=item,
            action=reviewed,
            outcome=outcome,
            owners_before=reviewed.owner_display,
            owners_after=reviewed.owner_display,
        )
    raised = []
    for action in spec.get("actions", []):
        follows_from = action.get("follows_from")
        raised.append(
            raise_action(
                item=item,
                text=action["text"],
                due_date=action.get("due_date"),
                due_meeting=action.get("due_meeting"),
                due_wording=action.get("due_wording", ""),
                follows_from=Action.objects.get(reference=follows_from) if follows_from else None,
                **_owners(action, posts, people),
            )
        )
    if reviewed is not None:
        set_action_status(
            reviewed,
            Status.CLOSED,
            by=None,
            reason="Update given; closed and replaced by "
            + ", ".join(a.reference for a in raised)
            + ".",
            meeting=meeting,
            on_date=meeting.date,
        )
    for child_position, child in enumerate(spec.get("children", [])):
        _item(meeting, item, child_position, child, items_by_number, people, posts, themes)
