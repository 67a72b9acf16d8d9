"""A meeting's emails go through the task queue: sent at once by default (the in-process
backend), or by the worker later, the officer told which."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from circulation import tasks
from circulation.models import EmailLog
from tests.mail import BASE

pytestmark = pytest.mark.django_db


def told(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_by_default_the_agenda_is_sent_before_the_page_answers(world, smtp, client):
    client.force_login(world.jackie_user)
    response = client.post(reverse("circulation:agenda", args=[world.november.pk]))
    assert response.status_code == 302
    assert len(smtp.messages) == 3
    [message] = told(response)
    assert message.startswith("Agenda issued. Sent to ")


def test_with_a_worker_the_officer_is_told_the_emails_are_on_their_way(
    world, smtp, client, settings
):
    # A queue whose worker has not run yet: nothing is sent while the page answers.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(world.jackie_user)
    response = client.post(
        reverse("circulation:updates", args=[world.november.pk]), {"deadline": "19/11/2030"}
    )
    assert response.status_code == 302
    assert smtp.messages == []
    assert told(response) == [
        "Updates requested: being sent. Each email appears below once it has gone: "
        "refresh this page to see them."
    ]
    # The worker runs the task as it was queued.
    outcome = tasks.circulate.call(
        world.november.pk, "updates", world.jackie_user.pk, BASE, "2030-11-19"
    )
    assert outcome["lines"][0].startswith("Sent to ")
    assert EmailLog.objects.filter(kind="updates").count() == len(smtp.messages) > 0


def test_the_task_sends_once_however_often_it_runs(world, smtp):
    first = tasks.circulate.call(world.november.pk, "agenda", None, BASE)
    again = tasks.circulate.call(world.november.pk, "agenda", None, BASE)
    assert len(smtp.messages) == 3
    assert first == {
        "lines": [
            "Sent to Amanda Blakeman, Jackie Irvin, John Campion.",
            "Not sent to Una Known: no email address in the directory.",
        ],
        "trouble": True,
    }
    assert again["lines"][0] == (
        "Already sent to Amanda Blakeman, Jackie Irvin, John Campion: not sent again."
    )
