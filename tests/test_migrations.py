"""Existing data migrates to the record model: each action gets what its meeting minuted from
its history, restricted subtrees get their reason, and agreed minutes get a frozen version."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.apps import freeze_after_migrating

BEFORE = [("meetings", "0004_restricted_items"), ("actions", "0004_history")]


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    """Migrate to ``targets`` (an app's name with None: none of its migrations), and the
    models as they stood there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_actions_get_their_as_raised_record_and_agreed_minutes_a_frozen_version():
    old = migrate(BEFORE)
    try:
        Series = old.get_model("meetings", "MeetingSeries")
        Meeting = old.get_model("meetings", "Meeting")
        AgendaItem = old.get_model("meetings", "AgendaItem")
        Post = old.get_model("meetings", "Post")
        Action = old.get_model("actions", "Action")
        HistoricalAction = old.get_model("actions", "HistoricalAction")
        ActionEvent = old.get_model("actions", "ActionEvent")
        series = Series.objects.create(name="Monthly Assurance Meeting")
        october = Meeting.objects.create(
            series=series, date=datetime.date(2017, 10, 31), status="agreed"
        )
        section = AgendaItem.objects.create(
            meeting=october,
            number="5a",
            heading="Performance",
            restricted=True,
            restriction_reason="Sensitive",
        )
        question = AgendaItem.objects.create(
            meeting=october, parent=section, number="1", heading="DVPNs"
        )
        dcc = Post.objects.create(
            abbreviation="DCC", title="Deputy Chief Constable", organisation="force"
        )
        acc = Post.objects.create(
            abbreviation="ACC", title="Assistant Chief Constable", organisation="force", seniority=5
        )
        action = Action.objects.create(
            reference="2017/10-01",
            text="Share the plan",
            meeting=october,
            item=question,
            due_wording="By end January 2018",
            due_date=datetime.date(2018, 1, 31),
        )
        action.owner_posts.set([dcc])
        history = {f.name: getattr(action, f.name) for f in Action._meta.concrete_fields}
        HistoricalAction.objects.create(
            **{k: v for k, v in history.items() if k != "id"},
            id=action.pk,
            history_date=datetime.datetime(2017, 10, 31, 12, tzinfo=datetime.UTC),
            history_type="+",
        )
        # Then, as the first release allowed, carried forward and given to the ACC in place.
        Action.objects.filter(pk=action.pk).update(
            due_wording="February meeting", due_date=None, due_meeting=datetime.date(2018, 2, 1)
        )
        action.owner_posts.set([acc])
        ActionEvent.objects.create(
            action=action,
            kind="owners",
            on_date=datetime.date(2017, 11, 29),
            text="Owners changed from DCC to ACC.",
        )
        migrate(latest())
        # What `manage.py migrate` does once every migration has run.
        freeze_after_migrating(using="default")
    finally:
        migrate(latest())

    from actions.models import Action as CurrentAction
    from meetings.models import AgendaItem as CurrentItem
    from meetings.models import Meeting as CurrentMeeting

    migrated = CurrentAction.objects.get(reference="2017/10-01")
    assert (
        migrated.raised_owners,
        migrated.raised_due_date,
        migrated.raised_due_wording,
        migrated.owner_display,
        migrated.due_display,
    ) == ("DCC", datetime.date(2018, 1, 31), "By end January 2018", "ACC", "February meeting")
    assert list(
        CurrentItem.objects.order_by("number").values_list("number", "withheld_reason")
    ) == [
        ("1", "Sensitive"),
        ("5a", "Sensitive"),
    ]
    version = CurrentMeeting.objects.get().versions.get()
    assert version.number == 1
    assert [line["owners"] for line in version.content["full"]["summary"]] == ["DCC"]
    assert [line["due"] for line in version.content["full"]["summary"]] == ["By end January 2018"]
    assert version.content["public"]["summary"] == []


SERIES_BEFORE = [("meetings", "0008_submission_tokens")]


@pytest.mark.django_db(transaction=True)
def test_every_chair_is_carried_over_and_every_meeting_gets_a_title_of_its_own():
    old = migrate(SERIES_BEFORE)
    try:
        Series = old.get_model("meetings", "MeetingSeries")
        Meeting = old.get_model("meetings", "Meeting")
        HistoricalMeeting = old.get_model("meetings", "HistoricalMeeting")
        Person = old.get_model("meetings", "Person")
        campion = Person.objects.create(name="John Campion", initials="JC", organisation="opcc")
        onslow = Person.objects.create(name="Tracey Onslow", initials="TO", organisation="opcc")
        monthly = Series.objects.create(name="Monthly Assurance Meeting", default_chair=campion)
        Series.objects.create(name="Mental Assurance Meeting")  # the same initials, MAM
        meetings = [
            Meeting.objects.create(series=monthly, date=datetime.date(*day), chair=chair)
            for day, chair in [
                ((2025, 7, 1), campion),
                ((2025, 7, 29), onslow),
                ((2025, 8, 26), None),
            ]
        ]
        HistoricalMeeting.objects.create(
            id=meetings[1].pk,
            series=monthly,
            date=meetings[1].date,
            status="draft",
            version=1,
            history_date=datetime.datetime(2025, 7, 29, 12, tzinfo=datetime.UTC),
            history_type="+",
        )
        migrate(latest())
    finally:
        migrate(latest())

    from meetings.models import Meeting as CurrentMeeting
    from meetings.models import MeetingSeries as CurrentSeries

    assert list(CurrentSeries.objects.order_by("pk").values_list("name", "short_name")) == [
        ("Monthly Assurance Meeting", "MAM"),
        ("Mental Assurance Meeting", "MAM2"),
    ]
    series = CurrentSeries.objects.get(short_name="MAM")
    assert [p.name for p in series.ordered_chairs()] == ["John Campion"]
    assert [
        (m.title, [p.name for p in m.ordered_chairs()])
        for m in CurrentMeeting.objects.order_by("date")
    ] == [
        ("Monthly Assurance Meeting July 2025", ["John Campion"]),
        ("Monthly Assurance Meeting 29 July 2025", ["Tracey Onslow"]),
        ("Monthly Assurance Meeting August 2025", []),
    ]
    assert list(CurrentMeeting.history.values_list("title", flat=True)) == [
        "Monthly Assurance Meeting 29 July 2025"
    ]


@pytest.mark.django_db(transaction=True)
def test_actions_owned_by_all_become_the_all_bodys_and_every_action_gets_its_series_and_kind():
    old = migrate([("meetings", "0008_submission_tokens"), ("actions", "0006_as_raised_data")])
    try:
        Series = old.get_model("meetings", "MeetingSeries")
        Meeting = old.get_model("meetings", "Meeting")
        AgendaItem = old.get_model("meetings", "AgendaItem")
        Action = old.get_model("actions", "Action")
        ActionReview = old.get_model("actions", "ActionReview")
        series = Series.objects.create(name="Monthly Assurance Meeting")
        october = Meeting.objects.create(series=series, date=datetime.date(2017, 10, 31))
        november = Meeting.objects.create(series=series, date=datetime.date(2017, 11, 29))
        item = AgendaItem.objects.create(meeting=october, number="2", heading="Athena")
        everyone = Action.objects.create(
            reference="2017/10-01",
            text="Read the brief",
            meeting=october,
            item=item,
            owned_by_all=True,
            due_meeting=datetime.date(2017, 11, 1),
            raised_due_meeting=datetime.date(2017, 11, 1),
        )
        Action.objects.create(
            reference="2017/10-02",
            text="Share the plan",
            meeting=october,
            item=item,
            due_date=datetime.date(2018, 1, 31),
        )
        ActionReview.objects.create(
            item=AgendaItem.objects.create(meeting=november, number="1.1", heading="Athena"),
            action=everyone,
            outcome="carried_forward",
            new_due_date=datetime.date(2018, 2, 28),
        )
        migrate(latest())
    finally:
        migrate(latest())

    from actions.models import Action as CurrentAction
    from actions.models import ActionReview as CurrentReview
    from people.models import Body

    body = Body.objects.get()
    assert (body.label, body.name) == ("ALL", "All attendees")
    assert list(
        CurrentAction.objects.order_by("reference").values_list(
            "reference", "series__name", "due_kind", "raised_due_kind"
        )
    ) == [
        ("2017/10-01", "Monthly Assurance Meeting", "month", "month"),
        ("2017/10-02", "Monthly Assurance Meeting", "date", ""),
    ]
    assert CurrentAction.objects.get(reference="2017/10-01").owner_display == "ALL"
    assert CurrentReview.objects.get().new_due_kind == "date"


@pytest.mark.django_db(transaction=True)
def test_each_post_holder_gets_a_holding_from_the_first_meeting_on_record():
    old = migrate([("meetings", "0014_directory")])
    try:
        Series = old.get_model("meetings", "MeetingSeries")
        Meeting = old.get_model("meetings", "Meeting")
        Person = old.get_model("meetings", "Person")
        Post = old.get_model("meetings", "Post")
        series = Series.objects.create(name="Monthly Assurance Meeting", short_name="HTA")
        for day in (datetime.date(2017, 10, 31), datetime.date(2017, 7, 25)):
            Meeting.objects.create(series=series, date=day, title=f"HTA {day:%B %Y}")
        holder = Person.objects.create(name="Amanda Blakeman", initials="AB", organisation="force")
        Post.objects.create(
            abbreviation="DCC", title="Deputy Chief Constable", organisation="force", holder=holder
        )
        Post.objects.create(abbreviation="ACO", title="Vacant post", organisation="force")
        migrate(latest())
    finally:
        migrate(latest())

    from people.models import Post as CurrentPost
    from people.models import PostHolding

    assert list(
        PostHolding.objects.values_list("post__abbreviation", "person__initials", "started_on")
    ) == [("DCC", "AB", datetime.date(2017, 7, 25))]
    dcc = CurrentPost.objects.get(abbreviation="DCC")
    assert dcc.holder_on(datetime.date(2017, 7, 24)) is None
    assert dcc.holder_on(datetime.date(2017, 10, 31)).initials == "AB"


# Today's release, before people, judgements, themes and core had rooms of their own, and
# before the PDF of agreed minutes moved to meetings.
BEFORE_ROOMS = [
    ("meetings", "0019_theme_history"),
    ("actions", "0011_action_log_and_dashboard_indexes"),
    ("kept", "0001_initial"),
    ("circulation", "0001_initial"),
    ("people", None),
    ("judgements", None),
    ("themes", None),
    ("core", None),
]


def with_history(historical, row, when):
    """A history row of ``row``, as django-simple-history writes one."""
    values = {
        f.attname: getattr(row, f.attname)
        for f in type(row)._meta.concrete_fields
        if f.attname != "id"
    }
    return historical.objects.create(**values, id=row.pk, history_date=when, history_type="+")


@pytest.mark.django_db(transaction=True)
def test_moving_models_into_rooms_of_their_own_keeps_every_row_and_permission():
    old = migrate(BEFORE_ROOMS)
    when = datetime.datetime(2017, 10, 31, 12, tzinfo=datetime.UTC)
    try:
        m = lambda name: old.get_model("meetings", name)  # noqa: E731
        User = old.get_model("auth", "User")
        Permission = old.get_model("auth", "Permission")
        officer = User.objects.create(username="officer@opcc.example")
        jackie = m("Person").objects.create(
            name="Jackie Irvin", initials="JI", organisation="opcc", user=officer
        )
        with_history(m("HistoricalPerson"), jackie, when)
        alias = m("PersonAlias").objects.create(person=jackie, initials="JLI")
        with_history(m("HistoricalPersonAlias"), alias, when)
        dcc = m("Post").objects.create(
            abbreviation="DCC", title="Deputy Chief Constable", organisation="force"
        )
        with_history(m("HistoricalPost"), dcc, when)
        holding = m("PostHolding").objects.create(
            post=dcc, person=jackie, started_on=datetime.date(2017, 1, 1)
        )
        with_history(m("HistoricalPostHolding"), holding, when)
        m("LoginEvent").objects.create(user=officer, kind="created", detail="First login")
        theme = m("Theme").objects.create(name="Putting Victims and Survivors First")
        with_history(m("HistoricalTheme"), theme, when)
        series = m("MeetingSeries").objects.create(name="Monthly Assurance Meeting")
        october = m("Meeting").objects.create(
            series=series, date=datetime.date(2017, 10, 31), status="agreed"
        )
        item = m("AgendaItem").objects.create(
            meeting=october, number="2", heading="Victims", theme=theme
        )
        statement = m("AssuranceStatement").objects.create(
            item=item, level="assured", narrative="Good progress."
        )
        with_history(m("HistoricalAssuranceStatement"), statement, when)
        decision = m("Decision").objects.create(
            item=item, series=series, reference="D2017/01", text="Publish.", by_chair=True
        )
        with_history(m("HistoricalDecision"), decision, when)
        m("Submission").objects.create(token=uuid.UUID(int=7), user=officer)
        version = m("MinutesVersion").objects.create(
            meeting=october, number=1, content={}, checksum="0" * 64
        )
        old.get_model("kept", "KeptMinutesPdf").objects.create(
            version=version, variant="full", file="kept/minutes/1-v1-full.pdf"
        )
        body = old.get_model("actions", "Body").objects.create(name="All attendees", label="ALL")
        body.members.set([jackie])
        historical_body = with_history(old.get_model("actions", "HistoricalBody"), body, when)
        old.get_model("actions", "HistoricalBody_members").objects.create(
            id=body.members.through.objects.get().pk,
            history=historical_body,
            body=body,
            person=jackie,
        )
        officer.user_permissions.add(
            Permission.objects.get(codename="manage_users", content_type__app_label="meetings")
        )
        migrate(latest())
    finally:
        migrate(latest())

    from core.models import Submission
    from judgements.models import AssuranceStatement, Decision
    from meetings.models import AgendaItem, KeptMinutesFile
    from people.models import Body, LoginEvent, Person, PersonAlias, Post, PostHolding
    from themes.models import Theme

    person = Person.objects.get()
    assert (person.name, person.user.username) == ("Jackie Irvin", "officer@opcc.example")
    assert list(PersonAlias.objects.values_list("person__initials", "initials")) == [("JI", "JLI")]
    assert list(Post.objects.values_list("abbreviation", flat=True)) == ["DCC"]
    assert list(PostHolding.objects.values_list("post__abbreviation", "person__initials")) == [
        ("DCC", "JI")
    ]
    assert list(LoginEvent.objects.values_list("kind", "detail")) == [("created", "First login")]
    assert AgendaItem.objects.get().theme == Theme.objects.get()
    assert list(AssuranceStatement.objects.values_list("item__number", "narrative")) == [
        ("2", "Good progress.")
    ]
    assert list(Decision.objects.values_list("reference", "series__name")) == [
        ("D2017/01", "Monthly Assurance Meeting")
    ]
    assert list(Submission.objects.values_list("token", flat=True)) == [uuid.UUID(int=7)]
    assert list(KeptMinutesFile.objects.values_list("version__number", "file")) == [
        (1, "kept/minutes/1-v1-full.pdf")
    ]
    body = Body.objects.get()
    assert list(body.members.all()) == [person]
    # Every history row is found through the models' new homes.
    assert [
        model.history.count()
        for model in (Person, PersonAlias, Post, PostHolding, Theme, AssuranceStatement)
    ] == [1, 1, 1, 1, 1, 1]
    assert Decision.history.get().reference == "D2017/01"
    assert list(body.history.get().members.values_list("person__initials", flat=True)) == ["JI"]
    # The right to give logins went with its model: the login still holds it.
    assert person.user.has_perm("people.manage_users")


@pytest.mark.django_db(transaction=True)
def test_actions_of_a_series_whose_officer_types_references_are_numbered_within_their_meeting():
    from actions.models import Action
    from meetings.models import ReferenceScheme
    from tests.factories import ItemFactory, MeetingFactory, SeriesFactory

    # The meetings' tables stay as they are: only the actions' migrations are undone.
    old = migrate([("actions", "0013_update_links")])
    try:
        OldAction = old.get_model("actions", "Action")
        for name, scheme, reference in [
            ("Police and Crime Panel", ReferenceScheme.TYPED, "Action 1"),
            ("Monthly Assurance Meeting", ReferenceScheme.YEAR_MONTH_SEQUENCE, "2022/01-01"),
        ]:
            series = SeriesFactory(name=name, reference_scheme=scheme)
            item = ItemFactory(
                meeting=MeetingFactory(series=series, date=datetime.date(2022, 1, 12))
            )
            OldAction.objects.create(
                reference=reference,
                text="Report",
                meeting_id=item.meeting_id,
                series_id=series.pk,
                item_id=item.pk,
            )
        migrate(latest())
    finally:
        migrate(latest())

    assert list(
        Action.objects.order_by("reference").values_list("reference", "reference_per_meeting")
    ) == [("2022/01-01", False), ("Action 1", True)]
    # Numbering that restarts: the next meeting's Action 1 is accepted.
    panel = Action.objects.get(reference="Action 1").series
    february = ItemFactory(meeting=MeetingFactory(series=panel, date=datetime.date(2022, 2, 9)))
    Action.objects.create(
        reference="Action 1", text="Again", meeting=february.meeting, item=february
    )
    assert Action.objects.filter(reference="Action 1").count() == 2
