import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from actions.models import Action, ActionEvent, ActionReview
from meetings.models import AgendaItem, Attendance, Finding, Meeting, MeetingSeries
from papers.models import Paper
from people import roles
from people.models import Body, Person, PersonAlias, Post, PostHolding


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    initials = factory.Sequence(lambda n: f"P{n}")
    organisation = "force"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    abbreviation = factory.Sequence(lambda n: f"POST{n}")
    title = factory.Sequence(lambda n: f"Post {n}")
    organisation = "force"
    holder = factory.SubFactory(PersonFactory)


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries
        django_get_or_create = ["name"]

    name = "Monthly Assurance Meeting"
    short_name = factory.LazyAttribute(
        lambda series: "".join(word[0] for word in series.name.split()).upper()
    )
    default_venue = "Meeting Room 1.38 – Hindlip"
    default_start_time = datetime.time(10, 30)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    series = factory.SubFactory(SeriesFactory)
    date = factory.Sequence(lambda n: datetime.date(2030, 12, 31) - datetime.timedelta(days=n))
    start_time = datetime.time(10, 30)
    venue = "Meeting Room 1.38 – Hindlip"
    status = "draft"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    heading = factory.Sequence(lambda n: f"Item {n}")


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    item = factory.SubFactory(ItemFactory)
    text = factory.Sequence(lambda n: f"Finding {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    capacity = "Deputy Chief Constable (DCC)"


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    item = factory.SubFactory(ItemFactory)
    meeting = factory.SelfAttribute("item.meeting")
    reference = factory.Sequence(lambda n: f"TEST/{n + 1:04d}")
    # As raise_action gives it: the kind of the due given.
    due_kind = factory.LazyAttribute(
        lambda o: "date" if o.due_date else "month" if o.due_meeting else ""
    )
    due_date = None
    due_meeting = None
    text = factory.Sequence(lambda n: f"Action {n}")

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        """owners=[post_or_person, ...]"""
        for owner in extracted or []:
            if isinstance(owner, Post):
                self.owner_posts.add(owner)
            elif isinstance(owner, Body):
                self.owner_bodies.add(owner)
            else:
                self.owner_people.add(owner)


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ["label"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Body {n}")
    label = factory.Sequence(lambda n: f"B{n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class ActionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionEvent

    action = factory.SubFactory(ActionFactory)
    kind = "update"
    on_date = datetime.date(2017, 11, 1)
    text = "Progress"


def blank_pdf(pages=1):
    """A valid PDF of ``pages`` blank A4 pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class PaperFactory(factory.django.DjangoModelFactory):
    """A PDF paper of an agenda item; pass ``update=`` (and ``item=None``) for an update's."""

    class Meta:
        model = Paper

    class Params:
        content = factory.LazyFunction(blank_pdf)

    item = factory.SubFactory(ItemFactory)
    title = factory.Sequence(lambda n: f"Paper {n}")
    kind = "pdf"
    original_name = factory.LazyAttribute(lambda o: f"{o.title}.pdf")
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="paper"))
    size = factory.LazyAttribute(lambda o: len(o.content))
    position = factory.Sequence(lambda n: n + 1)


def user_with_role(role, username=None, person=None):
    user = UserFactory(username=username or role.lower().replace(" ", "_"), role=role)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


# The day of the meeting whose owners are hard to read (meeting_with_owners).
OWNERS_DAY = datetime.date(2017, 10, 31)


def _hold(post, person, started_on, ended_on=None):
    PostHolding.objects.create(post=post, person=person, started_on=started_on, ended_on=ended_on)


def _raise(item, owners, column):
    action = ActionFactory(item=item, owners=owners)
    # What the meeting minuted, which later changes of owner leave alone.
    action.raised_owners = column
    action.save(update_fields=["raised_owners"])
    return action


def meeting_with_owners(count):
    """A meeting of 31 October 2017 whose ``count`` actions each have owners of their own (a
    post held by someone else before and after the day, a person minuted under initials
    they have since given up, and a body), each owner also owning an earlier action brought
    forward and not yet decided, and one item of the owners a directory can make hard to
    read: a post held by its attendee, a post never appointed through the directory, a post
    vacant on the day, a person merged twice over, initials in lower case, initials passed
    on to someone else, initials two people were minuted under, words of the minutes and
    letters that stand for no one."""
    earlier = MeetingFactory(date=datetime.date(2017, 9, 26))
    meeting = MeetingFactory(series=earlier.series, date=OWNERS_DAY)
    item = ItemFactory(meeting=meeting, number="1")
    for n in range(count):
        before, on_the_day = PersonFactory(), PersonFactory(job_title="Inspector")
        post = PostFactory(holder=PersonFactory())
        _hold(post, before, datetime.date(2015, 1, 1), datetime.date(2016, 12, 31))
        _hold(post, on_the_day, datetime.date(2017, 1, 1), datetime.date(2018, 3, 31))
        _hold(post, post.holder, datetime.date(2018, 4, 1))
        owner = PersonFactory(job_title="Analyst" if n % 2 else "")
        PersonAlias.objects.create(person=owner, initials=f"OLD{n}", used_until=OWNERS_DAY)
        body = BodyFactory()
        owners = [post, owner, body]
        _raise(item, owners, f"{post.abbreviation} OLD{n} {owner.initials} {body.label}")
        brought = _raise(ItemFactory(meeting=earlier), owners, "")
        ActionReview.objects.create(
            item=ItemFactory(meeting=meeting, number=f"R{n}"), action=brought
        )

    hard = ItemFactory(meeting=meeting, number="2")
    attended = PostFactory(abbreviation="DCC", title="Deputy Chief Constable")
    _hold(attended, attended.holder, datetime.date(2016, 1, 1))
    deputy = PersonFactory(name="Acting Deputy")
    Attendance.objects.create(meeting=meeting, person=deputy, post=attended, capacity="DCC")
    unrecorded = PostFactory(abbreviation="ACC", title="Assistant Chief Constable")
    unrecorded.holder.name = "Never Appointed"
    unrecorded.holder.save()
    vacant = PostFactory(abbreviation="CFO", title="Chief Finance Officer", holder=None)
    _hold(vacant, PersonFactory(), datetime.date(2015, 1, 1), datetime.date(2016, 1, 1))
    last = PersonFactory(name="Last Record", initials="LR", job_title="Policy Officer")
    middle = PersonFactory(name="Middle Record", initials="MR", merged_into=last)
    PersonFactory(name="First Record", initials="FR", merged_into=middle)
    PersonFactory(name="Jackie Irvin", initials="JI")
    jane = PersonFactory(name="Jane Smith", initials="JAS")
    PersonAlias.objects.create(person=jane, initials="JS", used_until=datetime.date(2018, 1, 1))
    PersonFactory(name="John Smith", initials="JS")
    for name, initials in (("Dan Ashby", "DAS"), ("Diane Adams", "DAD")):
        PersonAlias.objects.create(
            person=PersonFactory(name=name, initials=initials), initials="DA"
        )
    BodyFactory(label="ALL", name="All attendees")
    _raise(hard, [attended, unrecorded, vacant], "DCC ACC CFO FR ji JS DA ALL TBA XYZ")
    return meeting


ROLES = roles.ALL_ROLES
