from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        # The indicators app reads the sources from its registry: it may not import this app.
        from indicators.links import register
        from opendata.sources import SOURCES

        for source in SOURCES:
            register(source)
