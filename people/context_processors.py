from django.utils.functional import SimpleLazyObject

from people import roles
from people.models import Office


def permissions(request):
    """What the signed-in user may do, for templates to decide which links and buttons show."""
    user = request.user
    return {
        "perms_ui": {
            "sees_all_minutes": roles.sees_all_minutes(user),
            "can_record_minutes": roles.can_record_minutes(user),
            "can_manage_series": roles.can_manage_series(user),
            "can_agree_minutes": roles.can_agree_minutes(user),
            "can_confirm_assurance": roles.can_confirm_assurance(user),
            "can_publish_minutes": roles.can_publish_minutes(user),
            "can_close_actions": roles.can_close_actions(user),
            "is_force_officer": roles.is_force_officer(user),
            "can_use_admin": roles.can_use_admin(user),
            "can_manage_directory": roles.can_manage_directory(user),
            "can_manage_users": roles.can_manage_users(user),
            "can_manage_office": roles.can_manage_office(user),
        }
    }


def powers_held(request):
    """The names of what the signed-in user may do, in order and comma-separated: pages kept
    for those who may do the same things are shared by them (core.record)."""
    powers = permissions(request)["perms_ui"]
    return ",".join(name for name, granted in sorted(powers.items()) if granted)


def office(request):
    """The office's names and logo, as ``{{ office.name }}``: looked up only by a page that
    shows them, once per request (``Office.current``)."""
    return {"office": SimpleLazyObject(lambda: Office.current(request))}
