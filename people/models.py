"""People and the posts they hold, the bodies minuted as owners, the logins' trail, and the
office itself: its names and logo.

Everything else points here: a meeting's attendees and chairs, an action's owners, a
decision's decider. The tables keep the names they had when these models lived in
``meetings`` (and ``Body`` in ``actions``): moving a model between apps changed no data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Organisation(models.TextChoices):
    OPCC = "opcc", "Office of the Police and Crime Commissioner"
    FORCE = "force", "Force"


class PersonQuerySet(models.QuerySet):
    def current(self):
        """Not retired (nor merged into someone): whom pickers offer."""
        return self.filter(retired_on__isnull=True)

    def for_owner_lists(self):
        """With the aliases ``Person.owner_label`` names, in one query for the list."""
        return self.prefetch_related("aliases")


class Person(models.Model):
    name = models.CharField(max_length=120)
    initials = models.CharField(
        max_length=8,
        unique=True,
        help_text="As written in the ACTION column of the minutes, for example JI.",
    )
    job_title = models.CharField(
        max_length=160, blank=True, help_text="For example Policy Officer, or Inspector."
    )
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=8, choices=Organisation.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The login this person uses, if they have one.",
    )
    # Retired rather than deleted: a person stays on every record they appear on.
    retired_on = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        help_text="The record this duplicate was merged into.",
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(table_name="meetings_historicalperson")

    objects = PersonQuerySet.as_manager()

    class Meta:
        db_table = "meetings_person"
        ordering = ["name"]
        verbose_name_plural = "people"
        permissions = [("manage_users", "Can give logins and roles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__in=Organisation.values),
                name="meetings_person_organisation_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:person", args=[self.pk])

    @property
    def label(self):
        """How pickers and the directory name a person: "Jackie Irvin (JI)"."""
        return f"{self.name} ({self.initials})"

    @property
    def owner_label(self):
        """How owner lists name a person, with any other initials they were minuted under,
        so that "JIR" in old minutes finds Jackie Irvin: "Jackie Irvin (JI, also JIR)".
        Lists prefetch ``aliases`` (``PersonQuerySet.for_owner_lists``)."""
        current = self.initials.upper()
        others = sorted({a.initials for a in self.aliases.all() if a.initials.upper() != current})
        also = f", also {', '.join(others)}" if others else ""
        return f"{self.name} ({self.initials}{also})"


class PersonAlias(models.Model):
    """Initials a person has been minuted under besides their current ones."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    initials = models.CharField(max_length=8)
    used_from = models.DateField(null=True, blank=True)
    used_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords(table_name="meetings_historicalpersonalias")

    class Meta:
        db_table = "meetings_personalias"
        ordering = ["person", "used_until", "pk"]
        verbose_name_plural = "person aliases"
        constraints = [
            models.CheckConstraint(
                condition=Q(used_from__isnull=True)
                | Q(used_until__isnull=True)
                | Q(used_from__lte=models.F("used_until")),
                name="meetings_personalias_dates_in_order",
            ),
        ]
        indexes = [
            # person_for_initials: who was minuted under these initials.
            models.Index(fields=["initials"], name="meetings_personalias_initials"),
        ]

    def __str__(self):
        return f"{self.initials} ({self.person})"

    def covers(self, on_date):
        return (self.used_from is None or self.used_from <= on_date) and (
            self.used_until is None or on_date <= self.used_until
        )


class PostQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_on__isnull=True)

    def with_holdings_kept(self):
        """With ``has_holdings``: whether the post's holders were ever kept, for posts made
        before they were."""
        return self.annotate(has_holdings=Exists(PostHolding.objects.filter(post=OuterRef("pk"))))


class Post(models.Model):
    """A post such as DCC. It outlives its holder: what a post owns passes to the next."""

    abbreviation = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=160)
    organisation = models.CharField(max_length=8, choices=Organisation.choices)
    # Changed only through people.directory.appoint, which keeps the holdings in step.
    holder = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts_held",
        help_text="Who holds the post now.",
    )
    seniority = models.PositiveSmallIntegerField(
        default=100, help_text="Lower comes first in attendance lists."
    )
    retired_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(table_name="meetings_historicalpost")

    objects = PostQuerySet.as_manager()

    class Meta:
        db_table = "meetings_post"
        ordering = ["seniority", "abbreviation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__in=Organisation.values),
                name="meetings_post_organisation_valid",
            ),
        ]

    def __str__(self):
        return self.abbreviation

    def get_absolute_url(self):
        return reverse("directory:post", args=[self.pk])

    @property
    def capacity(self):
        """How the post reads in an attendance list: "Deputy Chief Constable (DCC)"."""
        return f"{self.title} ({self.abbreviation})"

    def holder_on(self, on_date):
        """Who held the post on ``on_date``, by its holdings; None if no one did."""
        holding = self.holdings.on(on_date).first()
        return holding.person if holding else None


class PostHoldingQuerySet(models.QuerySet):
    def on(self, on_date):
        """The holdings covering ``on_date``, the one that says who held the post first: a
        correction dated the day a holding began leaves both covering that day."""
        return (
            self.filter(started_on__lte=on_date)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on_date))
            .select_related("person")
            .order_by("-started_on", "-pk")
        )


def read_holdings_on(posts, on_date):
    """Give each of ``posts`` what ``Post.holder_on`` reads for ``on_date``, as
    ``holdings_on_day`` (best first), in one query for them all rather than one a post."""
    prefetch_related_objects(
        posts,
        Prefetch("holdings", queryset=PostHolding.objects.on(on_date), to_attr="holdings_on_day"),
    )


class PostHolding(models.Model):
    """Who held a post from when to when (both days included); the open one is the holder."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="holdings")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="holdings")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords(table_name="meetings_historicalpostholding")

    objects = PostHoldingQuerySet.as_manager()

    class Meta:
        db_table = "meetings_postholding"
        ordering = ["post", "-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="meetings_postholding_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(ended_on__isnull=True),
                name="meetings_postholding_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.post} – {self.person}"


# The ACTION column of an action whose owner the meeting left to be decided: no body may be
# minuted under it.
TO_BE_ALLOCATED = "TBA"


class Body(models.Model):
    """A group minuted as an action's owner ("ALL", "Officers"): the action is its members',
    not every user's."""

    name = models.CharField(max_length=120, unique=True, help_text='For example "All attendees".')
    label = models.CharField(
        max_length=16, unique=True, help_text='As the ACTION column minutes it: "ALL".'
    )
    members = models.ManyToManyField(
        Person,
        blank=True,
        related_name="bodies",
        help_text="Whose My actions list the body's actions.",
        db_table="actions_body_members",
    )
    retired = models.BooleanField(
        default=False, help_text="No longer offered as an owner; its actions keep it."
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[members], table_name="actions_historicalbody")

    class Meta:
        db_table = "actions_body"
        ordering = ["label"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return f"{self.name} ({self.label})"

    def get_absolute_url(self):
        return reverse("directory:body_edit", args=[self.pk])


class LoginEventKind(models.TextChoices):
    CREATED = "created", "Login created"
    INVITED = "invited", "Invitation sent"
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    PASSWORD_SET = "password_set", "Password set from an emailed link"
    ROLE_CHANGED = "role_changed", "Role changed"
    MANAGE_USERS_GRANTED = "manage_users_granted", "Given the right to manage users"
    MANAGE_USERS_WITHDRAWN = "manage_users_withdrawn", "Right to manage users withdrawn"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"


class LoginEvent(models.Model):
    """A change made to a login: invited, role changed, deactivated... kept for good.

    Django's User carries no history of its own, so who gave whom which role, and who
    deactivated a leaver when, is recorded here by the services in ``people.accounts``.
    """

    Kind = LoginEventKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="login_events"
    )
    kind = models.CharField(max_length=24, choices=LoginEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made the change; empty when a command or the person themselves made it.",
    )
    at = models.DateTimeField(auto_now_add=True)
    detail = models.TextField(blank=True)

    class Meta:
        db_table = "meetings_loginevent"
        ordering = ["user", "-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LoginEventKind.values), name="meetings_loginevent_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"


OFFICE_PK = 1
DEFAULT_OFFICE_NAME = "Office of the Police and Crime Commissioner"
DEFAULT_COMMISSIONER_TITLE = "Police and Crime Commissioner"


def logo_storage_name(extension):
    """A name of our own making, new for each logo: the uploaded file's name is never part of
    a storage path, and a new name is a new address for browsers that kept the old logo."""
    return f"office/logo-{uuid.uuid4().hex}.{extension}"


class Office(models.Model):
    """The office's own names and logo, as emails, the public site, the sign-in page and the
    minutes documents give them. One row, edited in the app by those who manage users; an
    installation where no one has saved it yet reads the defaults (``Office.current``).

    The names are kept without a leading "The": a sentence adds it where it reads so
    ("a login to the tracker of the Office of ...").
    """

    name = models.CharField(
        max_length=160,
        default=DEFAULT_OFFICE_NAME,
        help_text="As emails sign off and the public site is titled, without a leading "
        "“The”: for example Office of the Police, Fire and Crime Commissioner.",
    )
    short_name = models.CharField(
        max_length=16,
        default="OPCC",
        help_text="How pages that ask people to contact the office name it: for example OPFCC.",
    )
    force_name = models.CharField(
        max_length=160,
        blank=True,
        help_text="The force the office holds to account, for example West Mercia Police. "
        "Left empty, pages say “the force”.",
    )
    commissioner_title = models.CharField(
        max_length=160,
        default=DEFAULT_COMMISSIONER_TITLE,
        help_text="For example Police, Fire and Crime Commissioner, or Deputy Mayor for "
        "Policing and Crime.",
    )
    commissioner_short_title = models.CharField(
        max_length=16, default="PCC", help_text="For example PFCC, or DMPC."
    )
    # Stored under a name of our own (logo_storage_name) by people.office.save_office, once
    # people.forms.office has checked its content: a PNG or JPEG image of a bounded size.
    logo = models.FileField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "office"
        constraints = [
            models.CheckConstraint(condition=Q(id=OFFICE_PK), name="people_office_one_row"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("office:edit")

    @classmethod
    def current(cls, request=None):
        """The office's settings: its one row, or the defaults while no one has saved it.

        One look-up by primary key, kept on ``request`` (when given) for the rest of it, so a
        page that names the office several times, or renders several templates, asks once.
        Not kept in the cache: without a shared one (CACHE_URL), each gunicorn worker has its
        own, and an edit made through one worker would go unseen by the others.
        """
        if request is not None and hasattr(request, "_office"):
            return request._office
        office = cls.objects.filter(pk=OFFICE_PK).first() or cls()
        if request is not None:
            request._office = office
        return office

    @property
    def logo_content_type(self):
        if not self.logo:
            return ""
        return "image/png" if self.logo.name.endswith(".png") else "image/jpeg"

    @property
    def logo_url(self):
        """The logo's address on this site; new with each logo, so it may be cached long."""
        if not self.logo:
            return ""
        return f"{reverse('office:logo')}?v={self.logo.name.rsplit('-', 1)[-1].split('.')[0]}"
