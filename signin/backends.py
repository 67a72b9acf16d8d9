"""Loading the signed-in login on every request: with its roles, in one statement."""

from django.contrib.auth.backends import ModelBackend

from people import roles


class LoginWithRoles:
    """A backend's ``get_user`` (what each signed-in request calls) reading the login with
    its roles at once (``people.roles.signed_in_login``)."""

    def get_user(self, user_id):
        user = roles.signed_in_login(user_id)
        return user if user is not None and self.may_be_signed_in(user) else None

    def may_be_signed_in(self, user):
        return True


class PasswordBackend(LoginWithRoles, ModelBackend):
    """Django's sign-in with a username and password; a deactivated login is signed out."""

    def may_be_signed_in(self, user):
        return self.user_can_authenticate(user)
