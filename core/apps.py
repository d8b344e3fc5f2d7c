from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from core.datastamp import watch_sources
        from core.history import cache_history_managers

        cache_history_managers()
        # After every migrate, each table the data's stamp watches has its change trigger.
        post_migrate.connect(watch_sources, sender=self)
