"""Circulating a meeting by email: the agenda, requests for updates, the draft minutes for
comment, and new actions to their owners.

Each send writes its log row and sends in one transaction, the row first: the unique
(key, recipient) pair refuses a second row, so a retry (a double click, a form posted again,
the command run twice) sends nothing to anyone already sent the same circulation. An email
that fails to send leaves no row, so it can be retried.

Restricted content goes only to recipients who may see it, decided as for pages by
``people.roles``: a recipient without an active login sees what the public sees.
"""

import datetime
import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string

from actions.calendar import action_due_ics
from actions.models import Action, Status
from actions.owners import login_of, owners_of, sees_restricted
from actions.reviews import actions_to_bring_forward
from circulation.models import EmailLog, Kind
from core.mail import OfferedFile, automatic_headers, size_as_sent
from meetings.minutes import minutes_rows
from meetings.models import MinutesStatus
from people import roles
from people.models import Office

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one circulation did: the lines the officer is shown."""

    sent: list = field(default_factory=list)
    already: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def lines(self):
        lines = []
        if self.sent:
            lines.append(f"Sent to {_names(self.sent)}.")
        if self.already:
            lines.append(f"Already sent to {_names(self.already)}: not sent again.")
        lines += self.skipped
        lines += [f"Could not send to {name}: {why}" for name, why in self.failed]
        return lines or ["No one to send it to."]


def _names(people):
    return ", ".join(people)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


# Who is sent what


def expected_attendees(meeting):
    """The series' usual attendees, the meeting's chairs and everyone on its attendance list,
    each once, in that order."""
    people = {}
    links = [
        *meeting.series.usual_attendees.select_related("person__user").order_by("position", "pk"),
        *meeting.chair_links.select_related("person__user").order_by("position", "pk"),
        *meeting.attendances.select_related("person__user").order_by("position", "pk"),
    ]
    for link in links:
        people.setdefault(link.person.pk, link.person)
    return list(people.values())


def actions_coming_to(meeting):
    """The open actions that come to ``meeting``: those brought forward to it, and those due
    at it not yet brought forward (as the record page would bring them)."""
    reviewed = Action.objects.filter(reviews__item__meeting=meeting)
    pending = actions_to_bring_forward(meeting)
    return list(
        Action.objects.filter(Q(pk__in=reviewed.values("pk")) | Q(pk__in=pending.values("pk")))
        .filter(status=Status.OPEN)
        .select_related("item", "meeting__series", "due_series", "due_at__series")
        .prefetch_related("owner_posts__holder__user", "owner_people__user", "owner_bodies")
        .prefetch_related("owner_bodies__members__user")
        .order_by("meeting__date", "reference")
    )


# Sending


def _absolute(base_url, path):
    return base_url.rstrip("/") + path


def send_once(
    *,
    kind,
    meeting,
    key,
    person,
    subject,
    template,
    context,
    by,
    outcome,
    connection,
    base_url="",
    attachments=(),
    offered=(),
    action_ids=(),
):
    """Send one email to ``person`` unless this key already went to their address.

    ``attachments`` are always attached; ``offered`` files are attached while the email stays
    within ``MAIL_ATTACHMENTS_MAX_MB`` and linked beyond it (``fit_offered``)."""
    if person.retired_on is not None:
        outcome.skipped.append(f"Not sent to {person.name}: retired from the directory.")
        return False
    address = person.email.strip().lower()
    if not address:
        outcome.skipped.append(f"Not sent to {person.name}: no email address in the directory.")
        return False
    # The office signs every email: a batch looks it up once and passes it in.
    office = context.get("office") or Office.current()
    context = {
        **context,
        "person": person,
        "meeting": meeting,
        "subject": subject,
        "office": office,
    }
    carried, linked = fit_offered(
        offered,
        lambda linked: _message(template, context, _files(linked, person, base_url), person),
        attachments,
    )
    context["files"] = _files(linked, person, base_url)
    try:
        with transaction.atomic():
            EmailLog.objects.create(
                kind=kind,
                meeting=meeting,
                key=key,
                recipient=address,
                person=person,
                subject=subject,
                action_ids=list(action_ids),
                attachments=[a.filename for a in [*attachments, *carried]],
                linked=[file.filename for file in linked],
                sent_by=by if by is not None and by.is_authenticated else None,
            )
            message = _message(template, context, context["files"], person, connection)
            for attachment in attachments:
                message.attach(attachment.filename, attachment.content, attachment.mimetype)
            for file in carried:
                message.attach(file.filename, file.read(), file.mimetype)
            # Opened once and kept for the rest of the circulation (a no-op once open).
            connection.open()
            message.send()
    except IntegrityError:
        outcome.already.append(person.name)
        return False
    except (smtplib.SMTPException, OSError) as error:
        # The officer reads what to do; the log keeps what the mail server said.
        logger.warning("Could not send %s to %s", key, address, exc_info=error)
        outcome.failed.append((person.name, failure_in_words(error)))
        return False
    outcome.sent.append(person.name)
    return True


def _message(template, context, files, person, connection=None):
    context = {**context, "files": files}
    message = EmailMultiAlternatives(
        subject=context["subject"],
        body=render_to_string(f"circulation/email/{template}.txt", context),
        to=[person.email],
        connection=connection,
        headers=automatic_headers(),
    )
    message.attach_alternative(
        render_to_string(f"circulation/email/{template}.html", context), "text/html"
    )
    return message


def _files(linked, person, base_url):
    """The files an email links rather than carries, each with its link for ``person``."""
    return [
        {
            "name": file.filename,
            "size": file.size,
            "url": _absolute(base_url, file.link(person)) if file.link else "",
        }
        for file in linked
    ]


def max_email_bytes():
    return int(settings.MAIL_ATTACHMENTS_MAX_MB * 1024 * 1024)


def fit_offered(offered, message_linking, attachments=()):
    """(files to attach, files to link): the ``offered`` files in order, each attached if the
    email stays within ``MAIL_ATTACHMENTS_MAX_MB`` as the relay counts it.

    The text is measured as it would be with every file linked (``message_linking(files)``
    builds that email), the longest it can be, so the email sent is never over the cap.
    A file too large is linked and the next is still tried: the pack comes first because
    it holds the agenda and every PDF paper, but a Word paper that fits is better in the
    inbox (read on a train, on a phone, without a signal) than behind a link; the email
    says which are where.
    """
    offered = list(offered)
    if not offered:
        return [], []
    budget = max_email_bytes() - len(message_linking(offered).message().as_bytes(linesep="\r\n"))
    budget -= sum(size_as_sent(len(a.content)) for a in attachments)
    carried, linked = [], []
    for file in offered:
        weight = size_as_sent(file.size)
        if weight <= budget:
            carried.append(file)
            budget -= weight
        else:
            linked.append(file)
    return carried, linked


def failure_in_words(error):
    """Why an email could not be sent, in words an officer can act on."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            "the mail server's certificate could not be verified. Ask IT to check the "
            "EMAIL_URL setting (the server's name, and whether it needs TLS)."
        )
    if isinstance(error, ssl.SSLError):
        return (
            "the secure connection to the mail server failed. Ask IT to check whether "
            "EMAIL_URL should use TLS (smtp+tls://) or SSL (smtps://)."
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            "the mail server refused the service's user name or password. Ask IT to check "
            "the EMAIL_URL setting."
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused this address. Check it in the directory."
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "the mail server refused the sending address. Ask IT to check DEFAULT_FROM_EMAIL."
    if isinstance(error, socket.gaierror):
        return "the mail server's name was not found. Ask IT to check the EMAIL_URL setting."
    if isinstance(error, (ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected)):
        return "the mail server could not be reached. Try again later; if it persists, tell IT."
    return "the mail server did not accept it. Try again later; if it persists, tell IT."


class _Batch:
    """One connection for the whole circulation, opened by the first email sent."""

    def __enter__(self):
        self.connection = get_connection()
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()


def _agenda_rows(meeting):
    """The agenda twice, fetched once each: in full, and as the public sees it."""
    return {
        True: minutes_rows(meeting, public=False),
        False: minutes_rows(meeting, public=True),
    }


def agenda_attachments(meeting, person):
    """Files to attach to the agenda, from the providers that settings name.

    ``CIRCULATION_AGENDA_ATTACHMENTS`` lists dotted paths of callables
    ``provider(meeting, user)`` returning a (filename, bytes, mimetype) triple, a
    ``core.mail.OfferedFile`` (which can be linked when too large to attach), a list of
    them, or None, such as the meeting's pack built for that user. ``user`` is the
    recipient's login (or an anonymous user), so a provider leaves out what that recipient
    may not see; what it gives may differ only by whether the user sees restricted items,
    as the agenda does.
    """
    files = []
    for path in getattr(settings, "CIRCULATION_AGENDA_ATTACHMENTS", []):
        provided = import_string(path)(meeting, login_of(person))
        if not isinstance(provided, list):
            provided = [provided] if provided else []
        files += [_offered(file) for file in provided]
    return files


def _offered(file):
    """A provider's file as one the agenda may link to: a (filename, bytes, mimetype) triple
    has no link, and is named in the email as one to ask the office for when too large."""
    if isinstance(file, OfferedFile):
        return file
    filename, content, mimetype = file
    return OfferedFile(filename, mimetype, len(content), lambda: content)


def issue_agenda(meeting, *, by, base_url):
    """Send the agenda to everyone expected: restricted items appear, withheld, to those who
    may not see them. Sent once per person per meeting."""
    outcome = Outcome()
    rows = _agenda_rows(meeting)
    when = date_format(meeting.date, "j F Y")
    subject = f"Agenda: {meeting.title}, {when}"
    link = _absolute(base_url, reverse("circulation:read", args=[meeting.pk]))
    links_until = date_format(
        timezone.localdate() + datetime.timedelta(days=settings.MAIL_FILE_LINK_DAYS), "j F Y"
    )
    # What a recipient may see is one of two versions, as the agenda's body is: each
    # attachment (a pack is a PDF of many pages) is built once per version, not per person.
    attachments = {}
    office = Office.current()
    with _Batch() as connection:
        for person in expected_attendees(meeting):
            sees = sees_restricted(person)
            if sees not in attachments:
                attachments[sees] = agenda_attachments(meeting, person)
            send_once(
                kind=Kind.AGENDA,
                meeting=meeting,
                key=f"agenda:{meeting.pk}",
                person=person,
                subject=subject,
                template="agenda",
                context={
                    "rows": rows[sees],
                    "link": link,
                    "when": when,
                    "office": office,
                    "links_until": links_until,
                },
                by=by,
                outcome=outcome,
                connection=connection,
                offered=attachments[sees],
                base_url=base_url,
            )
    return outcome


def request_updates(meeting, *, deadline, by, base_url):
    """Ask the owners of every open action coming to ``meeting`` for an update by
    ``deadline``, each action with a link to its update form. Actions no one owns are
    reported to the officer, not sent. Once per person per meeting and deadline."""
    outcome = Outcome()
    by_person, nobody = owners_of(actions_coming_to(meeting))
    for action in nobody:
        outcome.skipped.append(
            f"Action {action.reference} has no owner to ask ({action.owner_display}): "
            "allocate it, or ask for its update yourself."
        )
    when = date_format(meeting.date, "j F Y")
    by_when = date_format(deadline, "j F Y")
    subject = f"Update wanted by {by_when}: actions for the {meeting.title}"
    office = Office.current()
    with _Batch() as connection:
        for person, actions in by_person:
            lines = [
                {
                    "action": action,
                    "link": _absolute(
                        base_url, reverse("actions:detail", args=[action.pk]) + "#update-heading"
                    ),
                    "item": _item_line(action, person),
                }
                for action in actions
            ]
            send_once(
                kind=Kind.UPDATES,
                meeting=meeting,
                key=f"updates:{meeting.pk}:{deadline.isoformat()}",
                person=person,
                subject=subject,
                template="updates",
                context={"lines": lines, "when": when, "deadline": by_when, "office": office},
                by=by,
                outcome=outcome,
                connection=connection,
                action_ids=[action.pk for action in actions],
            )
    return outcome


def _item_line(action, person):
    """The item an action arose under, unless restricted and the person may not see it."""
    item = action.item
    if item.withheld_reason and not sees_restricted(person):
        return ""
    return item.numbered_title


def draft_round(meeting):
    """Which circulation of the draft this is: a second after the minutes were not agreed."""
    return 1 + meeting.status_events.filter(to_status=MinutesStatus.NOT_AGREED).count()


def circulate_draft(meeting, *, by, base_url):
    """Send everyone expected a link to the draft minutes, to comment on. Once per person per
    round (minutes not agreed are amended and circulated again)."""
    outcome = Outcome()
    if not meeting.in_progress:
        outcome.skipped.append("These minutes are no longer a draft: nothing was sent.")
        return outcome
    round_number = draft_round(meeting)
    subject = f"Draft minutes for comment: {meeting.title}"
    if round_number > 1:
        subject = f"Amended draft minutes for comment: {meeting.title}"
    link = _absolute(base_url, reverse("circulation:read", args=[meeting.pk]) + "#comment")
    office = Office.current()
    with _Batch() as connection:
        for person in expected_attendees(meeting):
            send_once(
                kind=Kind.DRAFT_MINUTES,
                meeting=meeting,
                key=f"draft:{meeting.pk}:{round_number}",
                person=person,
                subject=subject,
                template="draft",
                context={
                    "link": link,
                    "when": date_format(meeting.date, "j F Y"),
                    "office": office,
                },
                by=by,
                outcome=outcome,
                connection=connection,
            )
    return outcome


def new_actions(meeting):
    return list(
        meeting.actions_arising.exclude(status=Status.WITHDRAWN)
        .select_related("item", "meeting__series", "due_series", "due_at__series")
        .prefetch_related("owner_posts__holder__user", "owner_people__user", "owner_bodies")
        .prefetch_related("owner_bodies__members__user")
        .order_by("position", "reference")
    )


def tell_owners(meeting, *, by, base_url):
    """Tell each owner of the actions arising at ``meeting``, with an .ics file for each
    action due on a day. An owner is told of each action once: run again after more actions
    are raised, it tells only of the new ones."""
    outcome = Outcome()
    by_person, nobody = owners_of(new_actions(meeting))
    for action in nobody:
        outcome.skipped.append(
            f"Action {action.reference} has no owner to tell ({action.owner_display})."
        )
    told = {}
    for log in EmailLog.objects.filter(meeting=meeting, kind=Kind.NEW_ACTIONS):
        told.setdefault(log.recipient, set()).update(log.action_ids)
    subject = f"Your actions from the {meeting.title}"
    office = Office.current()
    with _Batch() as connection:
        for person, actions in by_person:
            fresh = [a for a in actions if a.pk not in told.get(person.email.strip().lower(), ())]
            if not fresh:
                outcome.already.append(person.name)
                continue
            attachments, lines = [], []
            for action in fresh:
                ics = action_due_ics(action)
                filename = ""
                if ics is not None:
                    filename = f"action-{action.reference.replace('/', '-')}-due.ics"
                    attachments.append(Attachment(filename, ics, "text/calendar"))
                lines.append(
                    {
                        "action": action,
                        "item": _item_line(action, person),
                        "link": _absolute(base_url, action.get_absolute_url()),
                        "ics": filename,
                    }
                )
            send_once(
                kind=Kind.NEW_ACTIONS,
                meeting=meeting,
                key=f"new-actions:{meeting.pk}:{','.join(str(a.pk) for a in fresh)}",
                person=person,
                subject=subject,
                template="new_actions",
                context={
                    "lines": lines,
                    "when": date_format(meeting.date, "j F Y"),
                    "office": office,
                },
                by=by,
                outcome=outcome,
                connection=connection,
                attachments=attachments,
                action_ids=[action.pk for action in fresh],
            )
    return outcome


# Reading and commenting


def may_read(user, meeting):
    """OPCC staff and the Commissioner read every meeting's page; anyone else once the
    meeting emailed them (the agenda, or the draft for comment)."""
    if roles.sees_all_minutes(user):
        return True
    person = getattr(user, "person", None)
    return person is not None and EmailLog.objects.filter(meeting=meeting, person=person).exists()


def may_comment(user, meeting):
    """The draft is open for comment while in progress, to those it was circulated to."""
    if not meeting.in_progress:
        return False
    if roles.sees_all_minutes(user):
        return True
    person = getattr(user, "person", None)
    return (
        person is not None
        and EmailLog.objects.filter(
            meeting=meeting, person=person, kind=Kind.DRAFT_MINUTES
        ).exists()
    )


def items_visible_to(user, meeting):
    """The meeting's items ``user`` may see: all, or those neither restricted nor under a
    restricted item."""
    items = meeting.items.all()
    if roles.sees_all_minutes(user):
        return items
    return items.filter(withheld_reason="")
