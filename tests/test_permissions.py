"""Who may reach which page: every URL the project defines, for every role, GET and POST.

The URLs come from the resolver, not from a list kept by hand, so a new page cannot be
forgotten: a URL name without a row here fails the test, and so does a row whose URL is gone.
Each row gives the exact status code a role must get; an unexpected 200 is a failure like any
other. Requests carry an empty body: the point is who gets through, not what they submit.
"""

import copy
import datetime
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from actions import update_links
from actions.models import Action, ActionReview, CalendarFeed
from actions.reviews import bring_forward
from actions.services import raise_action
from judgements import services as judgements_services
from kept.exports import prepare as prepare_export
from kept.models import KeptExport
from meetings import services
from meetings.models import Attendance, Declaration, Meeting
from papers import emailed
from people import roles
from people.models import Body, Person, Post
from signin.models import RoleMapping, SignInSession
from tests.factories import (
    ActionEventFactory,
    FindingFactory,
    ItemFactory,
    PaperFactory,
    PersonFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ANON = "anonymous"
OPCC = "OPCC staff"
# OPCC staff without the permission to manage users (the demo's officer has it).
OPCC_PLAIN = "OPCC staff, no logins"
PCC = "Commissioner"
OWNER = "owner (DCC)"
OTHER = "other force officer"
ROLES = (ANON, OPCC, OPCC_PLAIN, PCC, OWNER, OTHER)
# A page open to anyone that sends them to the sign-in page itself, with no "next".
TO_SIGN_IN = "302 to /accounts/login/"


def url_names(patterns=None, namespace=""):
    """Every URL name the project defines, with its namespaces: ``{"meetings:detail": ...}``.

    The Django admin (the ``admin:`` namespace) is left out: Django tests its own pages, and
    all of them sit behind the admin login that `test_the_admin_is_for_superusers_only` checks.
    A pattern without a name is kept under a made-up name, so that it fails the table check
    rather than hiding from it.
    """
    names = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner != "admin:":
                names.update(url_names(pattern.url_patterns, inner))
        else:
            names[f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}"] = pattern
    return names


# What each role gets, by URL name. A name may have variants ("name@variant") that reach the
# same view with other objects: the meeting pages below are a draft meeting's unless the row
# says "agreed minutes", and the action pages are an agreed action the DCC owns.

EXPECTED_GET = {
    "home": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "login": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "logout": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # The page asks to stay signed in: nothing to refuse anyone signed in, 401 once signed out.
    "keep_alive": {ANON: 401, OPCC: 204, PCC: 204, OWNER: 204, OTHER: 204},
    # The proxy's health check: says only that the process is up.
    "healthz": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "readyz": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "dashboard": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 403, OTHER: 403},
    "calendar_feed": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "calendar_feed@unknown token": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "meetings:list": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "meetings:create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:detail": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:detail@agreed minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "meetings:docx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:docx@agreed minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "meetings:pdf": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # Agreed minutes are locked: OPCC staff are sent back to them to reopen them first.
    "meetings:edit@agreed minutes": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:history": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:record": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:agree": {ANON: 302, OPCC: 403, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:publish": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:reopen": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:attendance_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:attendance_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:attendance_delete": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:attendance_move": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:attendance_row": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:item_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_head": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:item_delete": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_move": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:renumber": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:finding_add": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:finding_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:finding_delete": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:finding_move": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:declarations": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:declaration_delete": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "judgements:assurance_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "judgements:assurance_edit@agreed minutes": {
        ANON: 302,
        OPCC: 302,
        PCC: 403,
        OWNER: 403,
        OTHER: 403,
    },
    "judgements:assurance_confirm": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "judgements:decision_add": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "judgements:decision_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "judgements:decision_withdraw": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # A draft's decision: the force sees decisions once the minutes are agreed.
    "judgements:decision_detail": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "judgements:decisions": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "judgements:decisions_csv": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "judgements:decisions_xlsx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "meetings:series_list": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 403, OTHER: 403},
    "meetings:series_create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_detail": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 403, OTHER: 403},
    "meetings:series_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_attendees": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_agenda": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_retire": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:series_restore": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:log": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "kept:action_log_csv": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "kept:action_log_xlsx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "kept:export": {ANON: 302, OPCC: 404, PCC: 404, OWNER: 200, OTHER: 404},
    "kept:download": {ANON: 302, OPCC: 404, PCC: 404, OWNER: 200, OTHER: 404},
    "actions:mine": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "actions:review": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:calendar": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "actions:reset_calendar": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:detail": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    # The force sees an action of draft minutes only when it owns it.
    "actions:detail@draft minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 404},
    "actions:add_update": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:add_update@draft minutes": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:complete": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:close": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:reopen": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:raise": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # Agreed minutes: OPCC staff are sent back to the action, to reopen or reassign.
    "actions:edit": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:edit@draft minutes": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:reassign": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:update_by_link": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "actions:send_update_link": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:revoke_update_link": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:review_outcome": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:bulk_close": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:agree_in_room": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # The meeting room's screen: whoever reads the minutes, and the force's attendees (the DCC
    # is recorded present at November's) while they are written; moved by the officer.
    "room:show": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 404},
    "room:content": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 404},
    "room:follow": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # Bodies that own actions: kept by OPCC staff.
    "directory:bodies": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:body_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:body_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # Signing in again: Django's password reset, for everyone. A link that does not work is 404.
    "password_reset": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "password_reset_done": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "password_reset_confirm": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "password_reset_complete": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    # Logins and roles: OPCC staff who manage users only.
    "logins:list": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:roles": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:invite": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:detail": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:role": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:deactivate": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "logins:reactivate": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "logins:resend": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # The office's names and logo: OPCC staff who manage users; the logo for anyone, once
    # there is one.
    "office:edit": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "office:logo": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    # The directory of people and posts: OPCC staff only.
    "directory:people": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:alias_add": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "directory:person_retire": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_reinstate": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "directory:person_merge": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:posts": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_appoint": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_retire": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # Papers: those of a restricted item, or of minutes the force may not yet see, answer 404
    # to the force; papers of agreed minutes are locked (OPCC staff sent back to them).
    "papers:meeting": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "papers:meeting@agreed minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "papers:pack": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "papers:pack@agreed minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "papers:item_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:item_add@agreed minutes": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:action": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "papers:update_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 403},
    "papers:download": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "papers:download@restricted item": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "papers:download@draft minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "papers:download@update": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "papers:withdraw": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 404, OTHER: 404},
    "papers:withdraw@agreed minutes": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:withdraw@restricted item": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 404, OTHER: 404},
    "papers:withdraw@update": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 403},
    # A link in an agenda email, made for the DCC: the file without signing in; a reader
    # signed in who may see it goes to its usual address; anyone else signed in is refused.
    "papers:emailed": {ANON: 200, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "papers:emailed@restricted item": {ANON: 404, OPCC: 302, PCC: 302, OWNER: 404, OTHER: 403},
    # The public site: published minutes for anyone, signed in or not; minutes not yet
    # published are not found, whoever asks.
    "public:index": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "public:feed": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "public:year": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "public:year@no minutes published": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "public:actions": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "public:minutes": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "public:minutes@agreed minutes": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "public:minutes@draft minutes": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "public:pdf": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "public:pdf@draft minutes": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    # Circulation by email: OPCC staff send; a meeting's page is read by those it was sent
    # to (no one in the force here) and by those who see every meeting.
    "circulation:meeting": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "circulation:agenda": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "circulation:updates": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "circulation:draft": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "circulation:new_actions": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "circulation:read": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "circulation:comments": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # Search: everyone signed in; each finds only what they may see (tests/search).
    "search:search": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    # Each reader's report counts only what they may see (tests/themes/test_report.py).
    "themes:overview": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "themes:year": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "themes:pdf": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "themes:xlsx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    # Open to anyone: with no password given first, back to the sign-in page.
    "signin:code": {ANON: TO_SIGN_IN, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "signin:two_factor": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "signin:two_factor_setup": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "signin:recovery_codes": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:two_factor_off": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:reset_two_factor": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:sessions": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "signin:session_end": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:sessions_end_others": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:role_mappings": {
        ANON: 302,
        OPCC: 200,
        OPCC_PLAIN: 403,
        PCC: 403,
        OWNER: 403,
        OTHER: 403,
    },
    "signin:role_mapping_delete": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # Signing in with an identity provider: none is configured here (tests/signin has one).
    "signin:oidc_callback": {ANON: TO_SIGN_IN, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "signin:oidc_start": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
}

# An empty POST: 200 is a form shown again with its errors, 302 a change made (or refused
# with a message), 405 a page that only reads. Pages that only read but do not say so
# (function views without @require_GET) answer a POST as they answer a GET.
EXPECTED_POST = {
    "home": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "login": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "logout": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "keep_alive": {ANON: 401, OPCC: 204, PCC: 204, OWNER: 204, OTHER: 204},
    "healthz": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "readyz": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "dashboard": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 403, OTHER: 403},
    "calendar_feed": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "calendar_feed@unknown token": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "meetings:list": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:detail": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:detail@agreed minutes": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "meetings:docx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:docx@agreed minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "meetings:pdf": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:edit@agreed minutes": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:history": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:record": {ANON: 302, OPCC: 405, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:agree": {ANON: 302, OPCC: 403, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:publish": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 404, OTHER: 404},
    "meetings:reopen": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "meetings:attendance_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:attendance_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:attendance_delete": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:attendance_move": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:attendance_row": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_head": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_delete": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:item_move": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:renumber": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:finding_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:finding_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:finding_delete": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:finding_move": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:declarations": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:declaration_delete": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "judgements:assurance_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "judgements:assurance_edit@agreed minutes": {
        ANON: 302,
        OPCC: 302,
        PCC: 403,
        OWNER: 403,
        OTHER: 403,
    },
    "judgements:assurance_confirm": {ANON: 302, OPCC: 403, PCC: 302, OWNER: 403, OTHER: 403},
    "judgements:decision_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "judgements:decision_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # An empty body: the page again, asking why.
    "judgements:decision_withdraw": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "judgements:decision_detail": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "judgements:decisions": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "judgements:decisions_csv": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "judgements:decisions_xlsx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "meetings:series_list": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 403, OTHER: 403},
    "meetings:series_create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_detail": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 403, OTHER: 403},
    "meetings:series_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_attendees": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_agenda": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_retire": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "meetings:series_restore": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:log": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "kept:action_log_csv": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "kept:action_log_xlsx": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "kept:export": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "kept:download": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:mine": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "actions:review": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 403, OTHER: 403},
    "actions:calendar": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "actions:reset_calendar": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "actions:detail": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "actions:detail@draft minutes": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 404},
    # Owners report on their actions, and OPCC staff for them; the Commissioner agrees closure.
    "actions:add_update": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 403},
    "actions:add_update@draft minutes": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 404},
    "actions:complete": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 403},
    "actions:close": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 403, OTHER: 403},
    "actions:reopen": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 403, OTHER: 403},
    "actions:raise": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:edit": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:edit@draft minutes": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:reassign": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    # An emailed link answers whoever holds it, signed in or not; an empty form is refused.
    "actions:update_by_link": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "actions:send_update_link": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:revoke_update_link": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:review_outcome": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:bulk_close": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "actions:agree_in_room": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "room:show": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "room:content": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # Sent without an item: the officer's own page always names one.
    "room:follow": {ANON: 302, OPCC: 400, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:bodies": {ANON: 302, OPCC: 405, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:body_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:body_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "password_reset": {ANON: 200, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    "password_reset_done": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "password_reset_confirm": {ANON: 404, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 404},
    "password_reset_complete": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "logins:list": {ANON: 302, OPCC: 405, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:roles": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "logins:invite": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:detail": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "logins:role": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    # Deactivating the other force officer; reactivating or inviting them is refused with
    # a message (the login is active, and has a password).
    "logins:deactivate": {ANON: 302, OPCC: 302, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:reactivate": {ANON: 302, OPCC: 302, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "logins:resend": {ANON: 302, OPCC: 302, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    # An empty form: its names are required.
    "office:edit": {ANON: 302, OPCC: 200, OPCC_PLAIN: 403, PCC: 403, OWNER: 403, OTHER: 403},
    "office:logo": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "directory:people": {ANON: 302, OPCC: 405, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:alias_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_retire": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_reinstate": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:person_merge": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:posts": {ANON: 302, OPCC: 405, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_create": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_edit": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_appoint": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "directory:post_retire": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:meeting": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:meeting@agreed minutes": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:pack": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:pack@agreed minutes": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:item_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:item_add@agreed minutes": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:action": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:update_add": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 403},
    "papers:download": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:download@restricted item": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:download@draft minutes": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:download@update": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:withdraw": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 404, OTHER: 404},
    "papers:withdraw@agreed minutes": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "papers:withdraw@restricted item": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 404, OTHER: 404},
    "papers:withdraw@update": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 200, OTHER: 403},
    "papers:emailed": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "papers:emailed@restricted item": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # The public site only reads.
    "public:index": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:feed": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:year": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:year@no minutes published": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:actions": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:minutes": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:minutes@agreed minutes": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:minutes@draft minutes": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:pdf": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "public:pdf@draft minutes": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # Sending: an empty request for updates is shown again with its error; an empty
    # comment likewise.
    "circulation:meeting": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "circulation:agenda": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "circulation:updates": {ANON: 302, OPCC: 200, PCC: 403, OWNER: 403, OTHER: 403},
    "circulation:draft": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "circulation:new_actions": {ANON: 302, OPCC: 302, PCC: 403, OWNER: 403, OTHER: 403},
    "circulation:read": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 404, OTHER: 404},
    "circulation:comments": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "search:search": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "themes:overview": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "themes:year": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "themes:pdf": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "themes:xlsx": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # Open to anyone: with no password given first, back to the sign-in page.
    "signin:code": {ANON: TO_SIGN_IN, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "signin:two_factor": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:two_factor_setup": {ANON: 302, OPCC: 200, PCC: 200, OWNER: 200, OTHER: 200},
    # Without two factors there are no recovery codes to make nor factors to turn off.
    "signin:recovery_codes": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "signin:two_factor_off": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    "signin:reset_two_factor": {
        ANON: 302,
        OPCC: 302,
        OPCC_PLAIN: 403,
        PCC: 403,
        OWNER: 403,
        OTHER: 403,
    },
    "signin:sessions": {ANON: 302, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    # Each ends only its own sessions (the row's is the other force officer's).
    "signin:session_end": {ANON: 302, OPCC: 404, PCC: 404, OWNER: 404, OTHER: 302},
    "signin:sessions_end_others": {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302},
    # None is configured here: nothing to map, and back to the page.
    "signin:role_mappings": {
        ANON: 302,
        OPCC: 302,
        OPCC_PLAIN: 403,
        PCC: 403,
        OWNER: 403,
        OTHER: 403,
    },
    "signin:role_mapping_delete": {
        ANON: 302,
        OPCC: 302,
        OPCC_PLAIN: 403,
        PCC: 403,
        OWNER: 403,
        OTHER: 403,
    },
    "signin:oidc_callback": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
    "signin:oidc_start": {ANON: 405, OPCC: 405, PCC: 405, OWNER: 405, OTHER: 405},
}

# OPCC staff without the permission to manage users get what OPCC staff get, except where
# a row says otherwise.
for _table in (EXPECTED_GET, EXPECTED_POST):
    for _row in _table.values():
        _row.setdefault(OPCC_PLAIN, _row[OPCC])

# The one row for the admin: everyone but a superuser is sent to the admin's own login.
EXPECTED_ADMIN = {ANON: 302, OPCC: 302, PCC: 302, OWNER: 302, OTHER: 302, "superuser": 200}


@dataclass
class World:
    """The demo's agreed October minutes, a draft November meeting, published September
    minutes, and a login per role."""

    users: dict
    url_kwargs: dict


@pytest.fixture
def world(demo, settings):
    # The demo loads only with DEBUG on; pages are then served as in production (and faster:
    # no technical 404 pages, no query log).
    settings.DEBUG = False
    return make_world()


def emailed_token(person, paper):
    return emailed.link(person, emailed.PAPER, paper.pk).rstrip("/").rsplit("/", 1)[1]


def make_world():
    """The objects every row's URL needs, added to the loaded demo (the browser tests of
    tests/browser/test_wcag.py visit the same pages)."""
    user_model = get_user_model()
    october = Meeting.objects.get(date=datetime.date(2017, 10, 31))
    september = Meeting.objects.get(date=datetime.date(2017, 9, 26))
    services.set_minutes_status(september, "published", by=None)
    november = services.open_meeting(
        october.series,
        date=datetime.date(2017, 11, 29),
        start_time=datetime.time(10, 30),
        venue=october.venue,
        chairs=october.ordered_chairs(),
        minute_taker=october.minute_taker,
    )
    bring_forward(november)
    review = ActionReview.objects.get(item__meeting=november, action__reference="2017/10-02")
    # An item without actions or sub-items, so that OPCC staff may delete it.
    item = ItemFactory(
        meeting=november,
        number="7",
        heading="Stop and search",
        position=services.next_position(november),
    )
    finding = FindingFactory(item=item, text="Use of stop and search is falling.")
    declaration = Declaration.objects.create(
        item=item, person=PersonFactory(name="Jo Declarer"), interest="A trustee of a charity"
    )
    statement = judgements_services.record_assurance(
        item, level="partially_assured", narrative="Falling use is not yet explained."
    )
    decision = judgements_services.record_decision(
        november.items.get(number="4"),
        text="Stop and search to be reviewed by the scrutiny panel.",
        by_chair=True,
    )
    attendance = Attendance.objects.create(
        meeting=november,
        person=Person.objects.get(initials="AB"),
        post=Post.objects.get(abbreviation="DCC"),
        capacity="Deputy Chief Constable (DCC)",
    )
    draft_action = raise_action(
        item=november.items.get(number="4"),
        text="Circulate the draft force management statement.",
        owner_posts=[Post.objects.get(abbreviation="DCC")],
    )
    dcc = user_model.objects.get(username="dcc")
    feed = CalendarFeed.objects.create(user=dcc)
    users = {
        ANON: None,
        OPCC: user_model.objects.get(username="officer"),
        OPCC_PLAIN: user_with_role(
            roles.OPCC_STAFF, username="clerk", person=PersonFactory(name="Cal Clerk")
        ),
        PCC: user_model.objects.get(username="commissioner"),
        OWNER: dcc,
        # A force officer whose person holds no post, so owns none of the DCC's actions.
        OTHER: user_with_role(
            roles.FORCE_OFFICER, username="outsider", person=PersonFactory(name="Sam Outsider")
        ),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    action = Action.objects.get(reference="2017/10-01")
    body = Body.objects.create(name="Chief officers", label="Officers")
    body.members.set([Person.objects.get(initials="AB")])
    person = Person.objects.get(initials="AB")
    dcc_post = Post.objects.get(abbreviation="DCC")
    # Papers: of an agreed item, of a restricted one, of the draft, and of an owner's update.
    october_paper = PaperFactory(item=october.items.get(number="2", parent=None))
    restricted_item = ItemFactory(
        meeting=october,
        number="8",
        heading="Covert operations",
        position=services.next_position(october),
        restricted=True,
        restriction_reason="Operationally sensitive",
    )
    restricted_paper = PaperFactory(item=restricted_item)
    draft_paper = PaperFactory(item=november.items.get(number="4"))
    update = ActionEventFactory(action=action, text="Briefing shared with the PCC's office")
    link_token = update_links.issue(action, person).rstrip("/").rsplit("/", 1)[1]
    update_paper = PaperFactory(item=None, update=update)
    other_session = SignInSession.objects.create(
        user=users[OTHER], session_key="s" * 32, method="Password"
    )
    mapping = RoleMapping.objects.create(
        provider="opcc", group="opcc-policy-team", role=roles.OPCC_STAFF
    )
    # A large export, prepared in the background for the DCC: theirs alone to download.
    kept_export = KeptExport.objects.create(user=dcc, kind="csv", query="status=open")
    prepare_export(kept_export.pk)
    url_kwargs = {
        "kept:export": {"pk": kept_export.pk},
        "kept:download": {"pk": kept_export.pk},
        "calendar_feed": {"token": feed.token},
        "calendar_feed@unknown token": {"token": "no-such-calendar"},
        "meetings:create": {"series_pk": november.series_id},
        "meetings:detail": {"pk": november.pk},
        "meetings:detail@agreed minutes": {"pk": october.pk},
        "meetings:docx": {"pk": november.pk},
        "meetings:docx@agreed minutes": {"pk": october.pk},
        "meetings:pdf": {"pk": november.pk},
        "meetings:edit": {"pk": november.pk},
        "meetings:edit@agreed minutes": {"pk": october.pk},
        "meetings:history": {"pk": november.pk},
        "meetings:record": {"pk": november.pk},
        "meetings:agree": {"pk": november.pk},
        "meetings:publish": {"pk": november.pk},
        "meetings:reopen": {"pk": november.pk},
        "meetings:attendance_add": {"pk": november.pk},
        "meetings:attendance_edit": {"pk": attendance.pk},
        "meetings:attendance_delete": {"pk": attendance.pk},
        "meetings:attendance_move": {"pk": attendance.pk},
        "meetings:attendance_row": {"pk": november.pk, "person_pk": attendance.person_id},
        "meetings:item_add": {"pk": november.pk},
        "meetings:item_edit": {"pk": item.pk},
        "meetings:item_head": {"pk": item.pk},
        "meetings:item_delete": {"pk": item.pk},
        "meetings:item_move": {"pk": item.pk},
        "meetings:renumber": {"pk": item.meeting_id},
        "meetings:finding_add": {"pk": item.pk},
        "meetings:finding_edit": {"pk": finding.pk},
        "meetings:finding_delete": {"pk": finding.pk},
        "meetings:finding_move": {"pk": finding.pk},
        "meetings:declarations": {"pk": item.pk},
        "meetings:declaration_delete": {"pk": declaration.pk},
        "judgements:assurance_edit": {"pk": item.pk},
        "judgements:assurance_edit@agreed minutes": {
            "pk": october.items.get(number="3", parent=None).pk
        },
        "judgements:assurance_confirm": {"pk": statement.pk},
        "judgements:decision_add": {"pk": item.pk},
        "judgements:decision_edit": {"pk": decision.pk},
        "judgements:decision_withdraw": {"pk": decision.pk},
        "judgements:decision_detail": {"pk": decision.pk},
        "meetings:series_detail": {"pk": november.series_id},
        "meetings:series_edit": {"pk": november.series_id},
        "meetings:series_attendees": {"pk": november.series_id},
        "meetings:series_agenda": {"pk": november.series_id},
        "meetings:series_retire": {"pk": november.series_id},
        "meetings:series_restore": {"pk": november.series_id},
        "actions:detail": {"pk": action.pk},
        "actions:detail@draft minutes": {"pk": draft_action.pk},
        "actions:add_update": {"pk": action.pk},
        "actions:add_update@draft minutes": {"pk": draft_action.pk},
        "actions:complete": {"pk": action.pk},
        "actions:close": {"pk": action.pk},
        "actions:reopen": {"pk": action.pk},
        "actions:raise": {"item_pk": item.pk},
        "actions:edit": {"pk": action.pk},
        "actions:edit@draft minutes": {"pk": draft_action.pk},
        "actions:reassign": {"pk": action.pk},
        "actions:update_by_link": {"token": link_token},
        "actions:send_update_link": {"pk": action.pk},
        "actions:revoke_update_link": {"pk": action.update_links.get().pk},
        "actions:review_outcome": {"pk": review.pk},
        "actions:bulk_close": {"meeting_pk": november.pk},
        "actions:agree_in_room": {"item_pk": item.pk},
        "room:show": {"pk": november.pk},
        "room:content": {"pk": november.pk},
        "room:follow": {"pk": november.pk},
        "directory:body_edit": {"pk": body.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "no-such-token"},
        "logins:detail": {"pk": users[OTHER].pk},
        "logins:role": {"pk": users[OTHER].pk},
        "logins:deactivate": {"pk": users[OTHER].pk},
        "logins:reactivate": {"pk": users[OTHER].pk},
        "logins:resend": {"pk": users[OTHER].pk},
        "signin:reset_two_factor": {"pk": users[OTHER].pk},
        "signin:session_end": {"pk": other_session.pk},
        "signin:role_mapping_delete": {"pk": mapping.pk},
        "signin:oidc_start": {"slug": "opcc"},
        "directory:person": {"pk": person.pk},
        "directory:person_edit": {"pk": person.pk},
        "directory:alias_add": {"pk": person.pk},
        "directory:person_retire": {"pk": person.pk},
        "directory:person_reinstate": {"pk": person.pk},
        "directory:person_merge": {"pk": person.pk},
        "directory:post": {"pk": dcc_post.pk},
        "directory:post_edit": {"pk": dcc_post.pk},
        "directory:post_appoint": {"pk": dcc_post.pk},
        "directory:post_retire": {"pk": dcc_post.pk},
        "papers:meeting": {"pk": november.pk},
        "papers:meeting@agreed minutes": {"pk": october.pk},
        "papers:pack": {"pk": november.pk},
        "papers:pack@agreed minutes": {"pk": october.pk},
        "papers:item_add": {"pk": draft_paper.item_id},
        "papers:item_add@agreed minutes": {"pk": october_paper.item_id},
        "papers:action": {"pk": action.pk},
        "papers:update_add": {"pk": update.pk},
        "papers:download": {"pk": october_paper.pk},
        "papers:download@restricted item": {"pk": restricted_paper.pk},
        "papers:download@draft minutes": {"pk": draft_paper.pk},
        "papers:download@update": {"pk": update_paper.pk},
        "papers:withdraw": {"pk": draft_paper.pk},
        "papers:withdraw@agreed minutes": {"pk": october_paper.pk},
        "papers:withdraw@restricted item": {"pk": restricted_paper.pk},
        "papers:withdraw@update": {"pk": update_paper.pk},
        "papers:emailed": {"token": emailed_token(person, october_paper)},
        "papers:emailed@restricted item": {"token": emailed_token(person, restricted_paper)},
        "public:year": {"series_pk": september.series_id, "year": 2017},
        "public:year@no minutes published": {"series_pk": september.series_id, "year": 2016},
        "public:actions": {"series_pk": september.series_id},
        "public:minutes": {"pk": september.pk},
        "public:minutes@agreed minutes": {"pk": october.pk},
        "public:minutes@draft minutes": {"pk": november.pk},
        "public:pdf": {"pk": september.pk},
        "public:pdf@draft minutes": {"pk": november.pk},
        "circulation:meeting": {"pk": november.pk},
        "circulation:agenda": {"pk": november.pk},
        "circulation:updates": {"pk": november.pk},
        "circulation:draft": {"pk": november.pk},
        "circulation:new_actions": {"pk": november.pk},
        "circulation:read": {"pk": november.pk},
        "circulation:comments": {"pk": november.pk},
        "themes:year": {"year": 2017},
        "themes:pdf": {"year": 2017},
        "themes:xlsx": {"year": 2017},
    }
    return World(users=users, url_kwargs=url_kwargs)


def url_for(key, url_kwargs):
    return reverse(key.split("@")[0], kwargs=url_kwargs.get(key, {}))


def signed_in_client(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def isolated_request(client, method, url, data=None, **extra):
    """One request whose writes are rolled back, made with the cookies the client had before:
    each row of the table sees the same data and the same session, whatever came before
    (an agreed meeting, a deleted item, a sign-out)."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data or {}, **extra)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def observed(response, role, url):
    """The status code, or what went wrong with a redirect that should have been to sign in."""
    if role == ANON and response.status_code == 302:
        sign_in = f"{reverse('login')}?next={quote(url)}"
        if response["Location"] != sign_in:
            return f"302 to {response['Location']}"
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        return f"{response.status_code} {response.exc_info[1]!r}"[:60]
    return response.status_code


def mismatch_table(role, mismatches):
    lines = [f"{len(mismatches)} status code(s) differ from the table for {role}:"]
    lines.append(f"  {'method':<6}  {'URL name':<34}  {'path':<34}  {'expected':<8}  got")
    for method, key, url, expected, got in mismatches:
        lines.append(f"  {method:<6}  {key:<34}  {url:<34}  {expected!s:<8}  {got}")
    return "\n".join(lines)


def test_the_tables_name_every_url_and_only_urls_that_exist():
    defined = set(url_names())
    for table in (EXPECTED_GET, EXPECTED_POST):
        named = {key.split("@")[0] for key in table}
        assert sorted(defined - named) == [], "URLs with no row in the table"
        assert sorted(named - defined) == [], "rows for URLs that no longer exist"
    assert list(EXPECTED_GET) == list(EXPECTED_POST)
    for key in EXPECTED_GET:
        assert set(EXPECTED_GET[key]) == set(EXPECTED_POST[key]) == set(ROLES), key


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_exactly_as_the_table_says(world, role):
    client = signed_in_client(world.users[role])
    mismatches = []
    for method, table in (("GET", EXPECTED_GET), ("POST", EXPECTED_POST)):
        for key, expected in table.items():
            url = url_for(key, world.url_kwargs)
            got = observed(isolated_request(client, method, url), role, url)
            if got != expected[role]:
                mismatches.append((method, key, url, expected[role], got))
    if mismatches:
        pytest.fail(mismatch_table(role, mismatches), pytrace=False)


@pytest.mark.parametrize("role", EXPECTED_ADMIN)
def test_the_admin_is_for_superusers_only(world, role):
    response = signed_in_client(world.users[role]).get("/admin/")
    assert response.status_code == EXPECTED_ADMIN[role]
    if response.status_code == 302:
        assert response["Location"] == f"{reverse('admin:login')}?next=/admin/"


# Pages whose content is kept (actions.record) answer htmx with their results alone, from a
# kept copy of their own: each role gets what the table gives a whole page, except that htmx
# without a session is told 401 (core.keep_typed), so that what was typed is not swapped away.
KEPT_PAGES = ["dashboard", "actions:log", "actions:mine"]


@pytest.mark.parametrize("role", ROLES)
def test_each_kept_page_answers_htmx_each_role_as_the_table_says(world, role):
    client = signed_in_client(world.users[role])
    got = {}
    for key in KEPT_PAGES:
        url = url_for(key, world.url_kwargs)
        response = isolated_request(client, "GET", url, headers={"HX-Request": "true"})
        got[key] = observed(response, role, url)
    expected = {key: 401 if role == ANON else EXPECTED_GET[key][role] for key in KEPT_PAGES}
    assert got == expected
