"""The three roles of the product, as Django groups, and what each may do.

Views, templates and the admin ask these functions rather than checking group names.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q

from core import prepared

OPCC_STAFF = "OPCC staff"
COMMISSIONER = "Commissioner"
FORCE_OFFICER = "Force officer"
ALL_ROLES = (OPCC_STAFF, COMMISSIONER, FORCE_OFFICER)

# The permission to give logins and roles, declared on Person (meetings.models).
MANAGE_USERS_CODENAME = "manage_users"
MANAGE_USERS = f"people.{MANAGE_USERS_CODENAME}"

# What each role may do, as the "who can do what" page shows it. The functions below decide;
# these sentences describe them, so a change to one is a change to the other.
ROLE_DESCRIPTIONS = {
    OPCC_STAFF: [
        "Sees every meeting's minutes, drafts and restricted items included, and the dashboard.",
        "Opens meetings and records the minutes: attendance, items, findings, assurance "
        "statements, decisions and actions.",
        "Records the outcome of each action brought forward, reassigns actions and changes "
        "their due dates.",
        "Adds updates for owners, agrees closures and publishes agreed minutes.",
    ],
    COMMISSIONER: [
        "Sees every meeting's minutes, drafts and restricted items included, and the dashboard.",
        "Agrees the minutes as a correct record (or not), publishes or reopens them.",
        "Confirms the assurance statement recorded at each item.",
        "Agrees that actions are complete and closes them, or reopens them.",
    ],
    FORCE_OFFICER: [
        "Sees the public version of agreed minutes, and the action log.",
        "Sees the actions of their posts and their own, adds updates and marks them complete.",
    ],
}
MANAGE_USERS_DESCRIPTION = (
    "OPCC staff who may also give logins and roles: invite people, change roles, deactivate "
    "and reactivate logins; and set the office's names and logo. Only OPCC staff can hold this."
)


def _groups(user):
    """The user's role names, and MANAGE_USERS_CODENAME if they hold that permission.

    One query for both, cached on the user object: templates ask several times per page,
    and the navigation asks about managing users on every page.
    """
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        sql, params = _grants_query()
        with connection.cursor() as cursor:
            prepared.execute(cursor, sql, _asked_by(user.pk, params))
            user._role_names = frozenset(name for (name,) in cursor.fetchall())
    return user._role_names


# The user id the grants query is written for, replaced by the asker's: no login has it.
_ANYONE = -1


def _asked_by(user_id, params):
    return [user_id if param == _ANYONE else param for param in params]


@functools.cache
def _grants_query():
    """The SQL of ``_groups``'s one query, written once per process and planned once per
    connection (core.prepared): every signed-in request asks it, and writing it through the
    ORM cost more than running it, and planning it as much again."""
    from django.contrib.auth.models import Group, Permission

    names = Group.objects.order_by().filter(user=_ANYONE).values_list("name", flat=True)
    grants = (
        Permission.objects.order_by()
        .filter(Q(user=_ANYONE) | Q(group__user=_ANYONE))
        .filter(codename=MANAGE_USERS_CODENAME, content_type__app_label="people")
        .values_list("codename", flat=True)
    )
    return names.union(grants).query.sql_with_params()


def signed_in_login(user_id):
    """The login ``user_id`` with its roles already known to ``_groups``, in one statement
    planned once per connection, or None when there is no such login. Every signed-in request
    asks for both: through the ORM the login alone cost twice what the two cost this way."""
    sql, params, User, converters = _login_query(connection.vendor)
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, _asked_by(user_id, params))
        row = cursor.fetchone()
    if row is None:
        return None
    *values, names = row
    # What the ORM would have made of each value (SQLite's times come back without a zone).
    for index, column, convert in converters:
        values[index] = convert(values[index], column, connection)
    if connection.vendor != "postgresql":
        names = (names or "").split(_BETWEEN_NAMES)
    fields = User._meta.concrete_fields
    user = User.from_db(connection.alias, [field.attname for field in fields], values)
    user._role_names = frozenset(name for name in names if name)
    return user


# What SQLite, which has no arrays, puts between the names it gathers: no name holds it.
_BETWEEN_NAMES = "\x1f"


@functools.cache
def _login_query(vendor):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    quote = connection.ops.quote_name
    table = quote(User._meta.db_table)
    columns = ", ".join(f"{table}.{quote(field.column)}" for field in User._meta.concrete_fields)
    grants, params = _grants_query()
    if vendor == "postgresql":
        names = f"ARRAY({grants})"
    else:
        names = f"(SELECT group_concat(name, char(31)) FROM ({grants}) AS grants)"
    pk = quote(User._meta.pk.column)
    sql = f"SELECT {columns}, {names} FROM {table} WHERE {table}.{pk} = %s"
    converters = []
    for index, field in enumerate(User._meta.concrete_fields):
        column = field.get_col(User._meta.db_table)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            converters.append((index, column, convert))
    return sql, [*params, _ANYONE], User, converters


def remember_grants(user, group_names, manages_users):
    """Prime the cache of ``_groups`` from data a list page fetched for many users at once."""
    user._role_names = frozenset(group_names) | (
        {MANAGE_USERS_CODENAME} if manages_users else frozenset()
    )


def is_opcc_staff(user):
    return user.is_superuser or OPCC_STAFF in _groups(user)


def is_commissioner(user):
    return user.is_superuser or COMMISSIONER in _groups(user)


def is_force_officer(user):
    return FORCE_OFFICER in _groups(user) and not (is_opcc_staff(user) or is_commissioner(user))


def sees_all_minutes(user):
    """OPCC staff and the Commissioner see drafts and restricted items; the force does not."""
    return is_opcc_staff(user) or is_commissioner(user)


def can_record_minutes(user):
    return is_opcc_staff(user)


def require_recorder(user):
    if not can_record_minutes(user):
        raise PermissionDenied("Only OPCC staff record minutes.")


def can_manage_series(user):
    """Create, edit and retire meeting series: OPCC staff, who run the meetings."""
    return is_opcc_staff(user)


def require_series_manager(user):
    if not can_manage_series(user):
        raise PermissionDenied("Only OPCC staff manage meeting series.")


def can_agree_minutes(user):
    return is_commissioner(user)


def can_confirm_assurance(user):
    """Confirm an item's assurance statement: the Commissioner's own judgement."""
    return is_commissioner(user)


def can_publish_minutes(user):
    """Publish agreed minutes, or reopen them for a correction (with a reason)."""
    return is_opcc_staff(user) or is_commissioner(user)


def can_close_actions(user):
    return is_opcc_staff(user) or is_commissioner(user)


def role_of(user):
    """The one role a login has (the first, should the admin have given it several), or None."""
    names = _groups(user)
    return next((role for role in ALL_ROLES if role in names), None)


def holds_manage_users(user):
    """Whether the permission is granted, whatever the role: a login that changes role away
    from OPCC staff loses it (people.accounts), so this differs only for the admin's work."""
    return MANAGE_USERS_CODENAME in _groups(user)


def can_manage_users(user):
    """Give logins and roles: active OPCC staff with the "manage users" permission."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (OPCC_STAFF in _groups(user) and holds_manage_users(user))


def require_user_manager(user):
    if not can_manage_users(user):
        raise PermissionDenied("Only OPCC staff who manage users give logins and roles.")


def home_url_name(user):
    if sees_all_minutes(user):
        return "dashboard"
    if is_force_officer(user):
        return "actions:mine"
    return "meetings:list"


def can_use_admin(user):
    """The Django admin is for the system's administrators: it bypasses the app's rules."""
    return user.is_active and user.is_superuser


def can_manage_directory(user):
    """People and posts: who they are, their initials, who holds which post."""
    return is_opcc_staff(user)


def require_directory_manager(user):
    if not can_manage_directory(user):
        raise PermissionDenied("Only OPCC staff manage the directory.")


def can_manage_office(user):
    """The office's names and logo, as every email and the public site give them: those who
    give logins, who run the installation for the office."""
    return can_manage_users(user)


def require_office_manager(user):
    if not can_manage_office(user):
        raise PermissionDenied("Only OPCC staff who manage users set the office's names.")


def can_manage_role_mappings(user):
    """Map an identity provider's groups to roles (signin.RoleMapping): giving roles, so
    only those who give logins and roles."""
    return can_manage_users(user)


def require_role_mapping_manager(user):
    if not can_manage_role_mappings(user):
        raise PermissionDenied("Only OPCC staff who manage users map groups to roles.")
