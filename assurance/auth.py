from axes.backends import AxesStandaloneBackend


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
