from django.apps import AppConfig


class KeptConfig(AppConfig):
    name = "kept"
    verbose_name = "Files produced once and kept"

    def ready(self):
        # Connects the receivers: the models they import are loaded only once apps are ready.
        from kept import receivers  # noqa: F401
