"""Existing data migrates to the record model: each action gets what its meeting minuted from
its history, restricted subtrees get their reason, and agreed minutes get a frozen version."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from meetings.apps import freeze_after_migrating

BEFORE = [("meetings", "0004_restricted_items"), ("actions", "0004_history")]


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


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


@pytest.mark.django_db(transaction=True)
def test_each_post_holder_gets_a_holding_from_the_first_meeting_on_record():
    old = migrate([("meetings", "0009_directory")])
    try:
        Series = old.get_model("meetings", "MeetingSeries")
        Meeting = old.get_model("meetings", "Meeting")
        Person = old.get_model("meetings", "Person")
        Post = old.get_model("meetings", "Post")
        series = Series.objects.create(name="Monthly Assurance Meeting")
        Meeting.objects.create(series=series, date=datetime.date(2017, 10, 31))
        Meeting.objects.create(series=series, date=datetime.date(2017, 7, 25))
        holder = Person.objects.create(name="Amanda Blakeman", initials="AB", organisation="force")
        Post.objects.create(
            abbreviation="DCC", title="Deputy Chief Constable", organisation="force", holder=holder
        )
        Post.objects.create(abbreviation="ACO", title="Vacant post", organisation="force")
        migrate(latest())
    finally:
        migrate(latest())

    from meetings.models import Post as CurrentPost
    from meetings.models import PostHolding

    assert list(
        PostHolding.objects.values_list("post__abbreviation", "person__initials", "started_on")
    ) == [("DCC", "AB", datetime.date(2017, 7, 25))]
    dcc = CurrentPost.objects.get(abbreviation="DCC")
    assert dcc.holder_on(datetime.date(2017, 7, 24)) is None
    assert dcc.holder_on(datetime.date(2017, 10, 31)).initials == "AB"
