from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = "Signing in"

    def ready(self):
        from signin import sessions  # noqa: F401  (connects the sign-in signals)
