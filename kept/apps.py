from django.apps import AppConfig


class KeptConfig(AppConfig):
    name = "kept"
    verbose_name = "Files produced once and kept"
