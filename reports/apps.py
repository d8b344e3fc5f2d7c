import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # WeasyPrint logs every rendering step and page at INFO ("weasyprint.progress"), which
        # would flood the log of every request that renders a PDF. Background jobs follow it
        # on their own (reports.tasks.layout_progress). Errors go to the "weasyprint" logger.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
