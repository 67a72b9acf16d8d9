"""The directory of people and posts: the rules for initials, holders, merging and retiring.

Views and commands call these; none of them deletes a person, a post or a holding.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.formats import date_format

from people.accounts import LoginRefused, deactivate_login
from people.models import Person, PersonAlias, Post, PostHolding


def _long_date(value):
    return date_format(value, "j F Y")


def normalised_name(name):
    """Names compare without regard to case or spacing: "john  Campion" is John Campion."""
    return " ".join(name.split()).casefold()


def final(person):
    """The record a merged person now lives on (itself if never merged)."""
    seen = set()
    while person is not None and person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = person.merged_into
    return person


def person_for_initials(initials, on_date=None):
    """The person minuted under ``initials`` (on ``on_date`` if given), or None.

    An alias dated to cover ``on_date`` comes first (initials passed on to someone else
    later), then whoever has the initials now, then an undated alias or, without a date, any
    alias, if only one person has it. A merged record answers with the person it was merged
    into.
    """
    initials = (initials or "").strip()
    if not initials:
        return None
    return people_for_initials([initials], on_date)[initials]


def people_for_initials(initials, on_date=None):
    """{initials: the person or None} for each of ``initials``, as ``person_for_initials``
    answers one by one, in two queries however many there are (and one for each further
    step of a chain of merges): minutes name dozens of owners."""
    wanted = {key.strip() for key in initials if key and key.strip()}
    if not wanted:
        return {}
    # In upper case on both sides, as iexact compares on PostgreSQL (SQLite's iexact folds
    # the case of ASCII letters only), so that the two answer alike.
    aliases = {}
    for alias in (
        PersonAlias.objects.annotate(compared=Upper("initials"))
        .filter(compared__in={key.upper() for key in wanted})
        .select_related("person__merged_into")
    ):
        aliases.setdefault(alias.initials.upper(), []).append(alias)
    _follow_merges([alias.person for found in aliases.values() for alias in found])
    out = {key: _by_dated_alias(aliases.get(key.upper(), []), on_date) for key in wanted}
    current = {}
    undecided = {key.upper() for key, person in out.items() if person is None}
    if undecided:
        # first() of person_for_initials reads the directory's order: by name.
        for person in (
            Person.objects.annotate(compared=Upper("initials"))
            .filter(compared__in=undecided)
            .select_related("merged_into")
            .order_by("name", "pk")
        ):
            current.setdefault(person.initials.upper(), person)
        _follow_merges(current.values())
    for key, person in out.items():
        if person is None:
            out[key] = _by_current_or_alias(
                aliases.get(key.upper(), []), current.get(key.upper()), on_date
            )
    return out


def _by_dated_alias(aliases, on_date):
    """Initials passed on to someone else: an alias dated to cover the day says whose they
    were then."""
    if on_date is None:
        return None
    dated = {
        final(a.person) for a in aliases if (a.used_from or a.used_until) and a.covers(on_date)
    }
    return dated.pop() if len(dated) == 1 else None


def _by_current_or_alias(aliases, current, on_date):
    if current is not None:
        return final(current)
    candidates = {
        final(a.person)
        for a in aliases
        if on_date is None or not (a.used_from or a.used_until) or a.covers(on_date)
    }
    return candidates.pop() if len(candidates) == 1 else None


def _follow_merges(people):
    """Load the records ``people`` were merged into, a step of the chains at a time, so that
    ``final`` reads them without a query for each person."""
    step = [person for person in people if person.merged_into_id]
    seen = set()
    while step:
        seen.update(person.pk for person in step)
        unread = {p.merged_into_id for p in step if not Person.merged_into.is_cached(p)}
        read = Person.objects.in_bulk(unread) if unread else {}
        following = []
        for person in step:
            if not Person.merged_into.is_cached(person):
                person.merged_into = read[person.merged_into_id]
            if person.merged_into.merged_into_id and person.merged_into_id not in seen:
                following.append(person.merged_into)
        step = following


def initials_taken_by(initials, exclude=None):
    """Whoever has these initials now (retired and merged records keep theirs)."""
    return (
        Person.objects.filter(initials__iexact=initials.strip())
        .exclude(pk=getattr(exclude, "pk", None))
        .select_related("merged_into")
        .first()
    )


def describe(person):
    """A person as a warning names them: "John Campion (JC), retired"."""
    text = person.label
    if person.merged_into_id:
        text += f", merged into {person.merged_into.label}"
    elif person.retired_on:
        text += ", retired"
    return text


def initials_clash_message(initials, holder):
    return f"{initials} are already the initials of {describe(holder)}: initials must be unique."


@dataclass
class Duplicate:
    person: Person
    reasons: list = field(default_factory=list)


def likely_duplicates(name, initials, exclude=None):
    """People a new or edited person may duplicate: the same name (whatever the case and
    spacing) or initials someone was minuted under before (an alias). A merged record
    counts as the person it was merged into."""
    found = {}

    def add(person, reason):
        person = final(person)
        if exclude is not None and person.pk == exclude.pk:
            return
        found.setdefault(person.pk, Duplicate(person)).reasons.append(reason)

    wanted = normalised_name(name or "")
    if wanted:
        for person in Person.objects.select_related("merged_into"):
            if normalised_name(person.name) == wanted:
                add(person, "the same name")
    if initials and initials.strip():
        for alias in PersonAlias.objects.filter(initials__iexact=initials.strip()).select_related(
            "person__merged_into"
        ):
            add(alias.person, f"was minuted as {alias.initials}")
    return list(found.values())


def duplicates_message(duplicates):
    names = "; ".join(f"{describe(d.person)} ({', '.join(d.reasons)})" for d in duplicates)
    return (
        f"This may be someone already in the directory: {names}. Choose them instead, or tick "
        "“This is a different person” to go ahead."
    )


def keep_old_initials(person, old_initials, on_date, by=None):
    """A person whose initials change keeps the old ones as an alias, used until ``on_date``,
    so minutes written under them still name the person."""
    if not old_initials or old_initials == person.initials:
        return None
    previous = person.aliases.exclude(used_until=None).order_by("-used_until").first()
    used_from = previous.used_until + datetime.timedelta(days=1) if previous else None
    if used_from and used_from > on_date:
        used_from = None
    alias = PersonAlias(
        person=person,
        initials=old_initials,
        used_from=used_from,
        used_until=on_date,
        note="Initials before they were changed in the directory.",
    )
    alias._history_user = by
    alias.save()
    return alias


# Posts and their holders.


@transaction.atomic
def appoint(post, person, on_date, by=None):
    """Make ``person`` (or no one) the holder of ``post`` from ``on_date``: the current
    holding ends the day before, and the new one starts. The only way the holder changes,
    so that ``Post.holder_on`` can always say who held a post on a date."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.retired_on and person is not None:
        raise ValidationError(f"The post {post} is retired.", code="retired_post")
    if person is not None and person.retired_on:
        raise ValidationError(
            f"{person} is retired, so cannot be appointed.", code="retired_person"
        )
    if on_date > timezone.localdate():
        raise ValidationError(
            "Change the holder on the day they take over, not before.", code="future"
        )
    if (person.pk if person else None) == post.holder_id:
        who = f"{person} already holds" if person else "No one holds"
        raise ValidationError(f"{who} the post {post}.", code="unchanged")
    current = post.holdings.filter(ended_on__isnull=True).first()
    if current is not None:
        if on_date < current.started_on:
            raise ValidationError(
                f"{current.person} has held the post since {_long_date(current.started_on)}: "
                "date the change on or after that.",
                code="before_current",
            )
        # A correction on the day the holding began keeps that day for both, so that the
        # mistaken holding stays on record rather than being deleted.
        current.ended_on = max(on_date - datetime.timedelta(days=1), current.started_on)
        current._history_user = by
        current.save(update_fields=["ended_on"])
    if person is not None:
        holding = PostHolding(post=post, person=person, started_on=on_date)
        holding._history_user = by
        holding.save()
    post.holder = person
    post._history_user = by
    post.save(update_fields=["holder"])
    return post


@transaction.atomic
def retire_post(post, on_date, by=None):
    """A retired post is vacated and no longer offered; its actions and holders stay."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.retired_on:
        raise ValidationError(f"The post {post} is already retired.", code="retired")
    if post.holder_id:
        post = appoint(post, None, on_date, by)
    post.retired_on = on_date
    post._history_user = by
    post.save(update_fields=["retired_on"])
    return post


# Retiring people, and their logins.


def _stop_login(user, by, why):
    """A retired or merged-away record's login stops, through the one way logins stop (so
    it is on the login's record, and the last user manager is never locked out)."""
    if not user.is_active:
        return
    try:
        deactivate_login(user, by, detail=why)
    except LoginRefused as refusal:
        raise ValidationError(str(refusal), code="last_manager") from refusal


@transaction.atomic
def retire_person(person, on_date, by=None):
    """Retire rather than delete: the person stays on every record, is no longer offered in
    pickers, leaves the posts they hold vacant from ``on_date``, and their login stops."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.retired_on:
        raise ValidationError(f"{person} is already retired.", code="retired")
    vacated = []
    for post in Post.objects.filter(holder=person):
        appoint(post, None, on_date, by)
        vacated.append(post)
    person.retired_on = on_date
    person._history_user = by
    person.save(update_fields=["retired_on"])
    if person.user_id:
        _stop_login(person.user, by, "Retired from the directory.")
    return vacated


@transaction.atomic
def reinstate_person(person, by=None):
    """Bring a retired person back into the pickers (not a merged record: it is a duplicate).
    A login stays deactivated until it is given again."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise ValidationError(f"{person} was merged into {person.merged_into}.", code="merged")
    person.retired_on = None
    person._history_user = by
    person.save(update_fields=["retired_on"])
    return person


# Merging two records of one person.

# Labels for the confirm page; a relation not named here is described from its model.
RELATION_LABELS = {
    ("meetings", "attendance", "person"): "Attendances",
    ("meetings", "meeting", "chair"): "Meetings chaired",
    ("meetings", "meeting", "minute_taker"): "Meetings minuted",
    ("meetings", "meetingseries", "default_chair"): "Series chaired by default",
    ("meetings", "meetingseries", "default_minute_taker"): "Series minuted by default",
    ("people", "post", "holder"): "Posts held now",
    ("people", "postholding", "person"): "Holdings of posts",
    ("people", "personalias", "person"): "Earlier initials",
    ("people", "person", "merged_into"): "Records merged into them before",
    ("actions", "reminderlog", "person"): "Reminders sent",
    ("actions", "action_owner_people", "person"): "Actions owned by name",
}

# Rows that only record a fact twice when both records have one: "reminded on 1 May" and
# "owns action 2017/10-04" are true once of the person, so the duplicate is dropped. Any
# other clash (both attended one meeting) means the two may be different people: refused.
DROP_DUPLICATES = {("actions", "reminderlog")}


def _is_historical(model):
    # django-simple-history's tables keep what was, by design: they stay as they are.
    return any(f.name == "history_id" for f in model._meta.fields)


def person_relations():
    """Every foreign key to Person, from any app, including hidden ones (related_name="+")
    and the tables behind many-to-many fields, but not the history tables."""
    for rel in Person._meta.get_fields(include_hidden=True):
        if not rel.is_relation or rel.concrete or rel.many_to_many:
            continue
        model = rel.related_model
        if _is_historical(model):
            continue
        yield model, rel.field


def _label(model, fk):
    key = (model._meta.app_label, model._meta.model_name, fk.name)
    if key in RELATION_LABELS:
        return RELATION_LABELS[key]
    owner = model._meta.auto_created
    if owner:
        m2m = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        return f"{owner._meta.verbose_name_plural.capitalize()} ({m2m.verbose_name})"
    return f"{model._meta.verbose_name_plural.capitalize()} ({fk.verbose_name})"


def _unique_sets(model, fk):
    """The sets of fields, including ``fk``, that must be unique together."""
    sets = [set(names) for names in model._meta.unique_together]
    sets += [set(c.fields) for c in model._meta.total_unique_constraints]
    if fk.unique:
        sets.append({fk.name})
    return [s for s in sets if fk.name in s]


def _droppable(model):
    return bool(model._meta.auto_created) or (
        (model._meta.app_label, model._meta.model_name) in DROP_DUPLICATES
    )


@dataclass
class Move:
    label: str
    model: type
    fk: object
    rows: list
    duplicates: list


@dataclass
class MergePlan:
    keep: Person
    other: Person
    moves: list
    refusals: list
    login: str

    @property
    def possible(self):
        return not self.refusals


def _describe_clash(row):
    meeting = getattr(row, "meeting", None)
    if meeting is not None:
        return f"both attended the {meeting.title} (on {_long_date(meeting.date)})"
    return f"both have {row._meta.verbose_name} “{row}”"


def merge_plan(keep, other):
    """What merging ``other`` into ``keep`` would move, drop as a duplicate, or refuse."""
    refusals = []
    if keep.pk == other.pk:
        refusals.append("Choose two different people.")
    for person in (keep, other):
        if person.merged_into_id:
            refusals.append(f"{person} was already merged into {person.merged_into}.")
    moves = []
    for model, fk in person_relations():
        rows = list(model._base_manager.filter(**{fk.name: other}))
        if model is Person:
            rows = [row for row in rows if row.pk != keep.pk]
        duplicates = []
        for row in rows:
            for names in _unique_sets(model, fk):
                lookup = {n: getattr(row, model._meta.get_field(n).attname) for n in names}
                lookup[fk.name] = keep
                if model._base_manager.filter(**lookup).exclude(pk=row.pk).exists():
                    duplicates.append(row)
                    break
        if duplicates and not _droppable(model):
            refusals.extend(
                f"{keep} and {other} {_describe_clash(row)}, so they may be different people. "
                "If one of those records is a mistake, correct it first."
                for row in duplicates
            )
        if rows:
            moves.append(Move(_label(model, fk), model, fk, rows, duplicates))
    login = ""
    if other.user_id and keep.user_id:
        login = (
            f"{other}'s login ({other.user.get_username()}) stops; "
            f"{keep} keeps their own ({keep.user.get_username()})."
        )
    elif other.user_id:
        login = f"{other}'s login ({other.user.get_username()}) becomes {keep}'s."
    return MergePlan(keep, other, moves, refusals, login)


@transaction.atomic
def merge_people(keep, other, by=None):
    """Merge ``other`` into ``keep``: every row that points at ``other`` points at ``keep``
    instead (a fact both records hold is kept once), ``other``'s initials become an alias of
    ``keep``, and ``other`` stays as a retired record saying whom it was merged into, so that
    old links and history still resolve. Refused, changing nothing, when the two look like
    different people (both attended one meeting)."""
    keep, other = (
        Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=keep.pk),
        Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=other.pk),
    )
    plan = merge_plan(keep, other)
    if not plan.possible:
        raise ValidationError(plan.refusals, code="merge_refused")
    for move in plan.moves:
        dropped = {row.pk for row in move.duplicates}
        if dropped:
            move.model._base_manager.filter(pk__in=dropped).delete()
        rows = [row for row in move.rows if row.pk not in dropped]
        has_version = any(f.name == "version" for f in move.model._meta.fields)
        for row in rows:
            # Saved one by one so that the history of each record says who moved it, and
            # a form opened on it before the merge is refused as stale.
            setattr(row, move.fk.name, keep)
            fields = [move.fk.name]
            if has_version:
                row.version += 1
                fields.append("version")
            row._history_user = by
            row.save(update_fields=fields)
    alias = PersonAlias(
        person=keep, initials=other.initials, note=f"From {other.name}'s record, merged in."
    )
    alias._history_user = by
    alias.save()
    login = other.user
    if login is not None and keep.user_id is None:
        other.user = None
    other.merged_into = keep
    other.retired_on = other.retired_on or timezone.localdate()
    other._history_user = by
    other.save(update_fields=["user", "merged_into", "retired_on"])
    if login is not None:
        if other.user_id is None:
            keep.user = login
        else:
            # Two logins for one person: the merged record's stops, and stays on it.
            _stop_login(login, by, f"Merged into {keep}'s record, which has its own login.")
    for name in ("job_title", "email"):
        if not getattr(keep, name):
            setattr(keep, name, getattr(other, name))
    keep._history_user = by
    keep.save()
    return plan
