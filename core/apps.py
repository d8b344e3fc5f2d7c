from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from core.datastamp.triggers import create_cache_tables, unwatch_sources, watch_sources
        from core.history import cache_history_managers

        cache_history_managers()
        # Migrations run without the data stamp's triggers; after every migrate, each table
        # it watches has its trigger again, new tables too (core.datastamp).
        pre_migrate.connect(unwatch_sources, sender=self)
        post_migrate.connect(watch_sources, sender=self)
        # A cache kept in the database (ASSEMBLED_CACHE_URL or CACHE_URL db://TABLE) has its
        # table once the database has its tables: `migrate` is the only step a deploy needs.
        post_migrate.connect(create_cache_tables, sender=self)
