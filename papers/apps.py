from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Papers and meeting packs"

    def ready(self):
        # Connects the receivers: the models they import are loaded only once apps are ready.
        from papers import receivers  # noqa: F401
