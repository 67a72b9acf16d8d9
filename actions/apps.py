from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Action log"

    def ready(self):
        # Connects the receivers: the models they import are loaded only once apps are ready.
        from actions import receivers  # noqa: F401
