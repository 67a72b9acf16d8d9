from django.apps import AppConfig
from django.db.models.signals import post_migrate


def freeze_after_migrating(using, plan=None, **kwargs):
    """Minutes agreed before versions were kept get their frozen version once the schema is
    whole (never on a partial migrate, when the models are ahead of the tables)."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    from meetings.services import freeze_unfrozen_minutes

    freeze_unfrozen_minutes()


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and minutes"

    def ready(self):
        post_migrate.connect(freeze_after_migrating, sender=self)
