import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
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


def normalise_username(username):
    """Logins given in the app are email addresses in lower case (people.accounts), and
    people type their address in any case (a phone capitalises the first letter)."""
    if isinstance(username, str) and "@" in username:
        return username.strip().lower()
    return username


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any user's.

    Django's form only sets the field's maxlength attribute, so a longer name went on to
    django-axes, whose record of the failed sign-in holds 255 characters: PostgreSQL refused
    it, and the sign-in page answered 500.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = "Email address or username"
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean_username(self):
        # django-axes counts failures under the name authenticate() is given, so this also
        # keeps each way of writing an address in capitals from getting five attempts.
        return normalise_username(self.cleaned_data["username"])


def client_address(request):
    """The address that failed sign-ins are counted against (django-axes).

    With no trusted proxy, the socket's address: X-Forwarded-For is whatever the client
    chose to send. Behind TRUSTED_PROXY_COUNT proxies, each appending the address it was
    reached from, the entry that many places from the right: the outermost proxy wrote it,
    and what a client sent can only stand to its left. A header shorter than that, or an
    entry that is not an address, did not come through the proxies, so the socket's address
    counts.

    Not django-ipware's proxy count: its parser honours RFC 7239 quoting, so a client that
    sends `9.9.9.9, "` opens a quote that swallows the address nginx appends, and the
    right-most address is again the client's choice.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count].strip()))
    except ValueError:
        return remote
