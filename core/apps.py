from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "What every form and page shares"
