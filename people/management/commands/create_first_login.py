"""The first login of a new installation: OPCC staff who may give everyone else theirs."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from people import accounts, roles
from people.models import Organisation, Person


class Command(BaseCommand):
    help = (
        "Create the first login (OPCC staff, managing users) and print a link to choose its "
        "password. Refuses while someone can already manage users, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="They sign in with it.")
        parser.add_argument("--name", required=True, help='Their full name, e.g. "Jackie Irvin".')
        parser.add_argument("--initials", required=True, help="As the minutes write them.")
        parser.add_argument("--job-title", default="", help="e.g. Policy Officer.")
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="The address people open the application at, for the printed link.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create it even though someone can already manage users.",
        )

    def handle(self, *args, email, name, initials, job_title, site_url, force, **options):
        email = accounts.username_for(email)
        name, initials = name.strip(), initials.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        if len(email) > 150:
            raise CommandError("The email address is too long for a login (150 characters).")
        if not name or not initials or len(initials) > 8:
            raise CommandError("Give a name, and initials of up to 8 characters.")
        with transaction.atomic():
            existing = accounts.email_in_use(email)
            if (
                existing is not None
                and existing.is_active
                and not existing.has_usable_password()
                and roles.can_manage_users(existing)
            ):
                # The first link lapsed before it was used: a new one voids it.
                existing.set_unusable_password()
                existing.save(update_fields=["password"])
                self._print_link(existing, site_url)
                return
            managers = list(accounts.user_managers().values_list("username", flat=True))
            if managers and not force:
                raise CommandError(
                    f"Someone can already give logins ({', '.join(managers)}): ask them, or "
                    "use --force if you really mean to add another."
                )
            if existing is not None:
                raise CommandError(f"{email} is already the login of {existing.username}.")
            person = Person.objects.filter(initials__iexact=initials).first()
            if person is None:
                person = Person.objects.create(
                    name=name,
                    initials=initials,
                    job_title=job_title,
                    email=email,
                    organisation=Organisation.OPCC,
                )
            elif person.name.casefold() != name.casefold() or person.user_id is not None:
                raise CommandError(
                    f"The initials {initials} are {person.name}'s"
                    f"{' (who has a login)' if person.user_id else ''}: give other initials."
                )
            user = accounts.create_login(
                person=person, email=email, role=roles.OPCC_STAFF, manage_users=True, by=None
            )
        self.stdout.write(
            self.style.SUCCESS(f"Created the login {user.username} for {person.name}.")
        )
        self._print_link(user, site_url)

    def _print_link(self, user, site_url):
        link = site_url.rstrip("/") + accounts.set_password_path(user)
        self.stdout.write(
            f"Open this link to choose the password (it works once, for "
            f"{accounts.link_lifetime()}):\n{link}"
        )
