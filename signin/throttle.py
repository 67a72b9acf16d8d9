import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.shortcuts import render

from signin import providers


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
        username.error_messages["required"] = "Enter your email address or username."
        self.fields["password"].error_messages["required"] = "Enter your password."

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


def provider_credentials(slug, subject):
    """What a refused sign-in with an identity provider is counted under (django-axes): the
    person at the provider, by its subject, which no one else there can give. Not their
    email, which a reused or reassigned address shares, and nothing a password form can
    be given, so the two never add up."""
    if not isinstance(subject, str) or not subject:
        return None
    return {"username": f"{slug} subject {subject}"[:255]}


def counted_elsewhere(request, credentials):
    """django-axes' whitelist: the callback from an identity provider, which Django's
    authenticate() reports with no user name (only the nonce). Counted per address and
    under no name, five refusals of anyone would lock every provider sign-in from that
    address; provider_credentials() counts them per person instead."""
    credentials = credentials or {}
    return credentials.get("username") is None and "nonce" in credentials


def cool_off_words():
    """The cool-off (LOGIN_COOLOFF_HOURS) as people say it: "15 minutes", "1 hour"."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} hour{'s'[: hours != 1]}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s'[: minutes != 1]}")
    return " ".join(parts)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' "too many attempts" page, with the cool-off in words (axes gives it as
    an ISO 8601 duration, "PT15M"), and a password reset offered only to a login that
    could use one: one that signs in only with an identity provider is told to try that
    again later."""
    username = get_client_username(request, credentials) or ""
    user = get_user_model().objects.filter(username=username).first()
    return render(
        request,
        "registration/locked_out.html",
        {
            "cooloff": cool_off_words(),
            "password_reset": user is None or user.has_usable_password(),
            "providers": [label for _, label in providers.buttons()],
        },
        status=429,
    )
