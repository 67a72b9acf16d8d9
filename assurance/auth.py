from axes.backends import AxesStandaloneBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes for sign-ins through the browser.

    Axes refuses an authenticate() call that carries no request. Only code calls it that
    way (management commands, the test client's login), never a person signing in, so such
    calls pass to the next backend instead of failing.
    """

    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any user's.

    Django's form only sets the field's maxlength attribute, so a longer name went on to
    django-axes, whose record of the failed sign-in holds 255 characters: PostgreSQL refused
    it, and the sign-in page answered 500.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
