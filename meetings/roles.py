"""The three roles of the product, as Django groups, and what each may do.

Views, templates and the admin ask these functions rather than checking group names.
"""

from django.core.exceptions import PermissionDenied

OPCC_STAFF = "OPCC staff"
COMMISSIONER = "Commissioner"
FORCE_OFFICER = "Force officer"
ALL_ROLES = (OPCC_STAFF, COMMISSIONER, FORCE_OFFICER)


def _groups(user):
    if not user.is_authenticated:
        return frozenset()
    # Cached on the user object: templates ask several times per page.
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


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


def can_agree_minutes(user):
    return is_commissioner(user)


def can_publish_minutes(user):
    """Publish agreed minutes, or reopen them for a correction (with a reason)."""
    return is_opcc_staff(user) or is_commissioner(user)


def can_close_actions(user):
    return is_opcc_staff(user) or is_commissioner(user)


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
