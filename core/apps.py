from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "What every form and page shares"

    def ready(self):
        from core import sessions  # noqa: F401  (connects the sign-in signal)
