"""Settings of a worker whose report jobs take their time, for the tests that kill a worker in
the middle of a job: every step WeasyPrint logs while laying out a PDF waits `PAUSE` seconds.

    DJANGO_SETTINGS_MODULE=tests.slow_worker manage.py db_worker
"""

import logging
import time

from config.settings import *  # noqa: F403
from config.settings import LOGGING

PAUSE = 0.4


class Pause(logging.Handler):
    """Waits on every record of WeasyPrint's progress log (seen only while a job renders)."""

    def emit(self, record: logging.LogRecord) -> None:
        time.sleep(PAUSE)


LOGGING = {
    **LOGGING,
    "handlers": {**LOGGING["handlers"], "pause": {"()": "tests.slow_worker.Pause"}},
    "loggers": {"weasyprint.progress": {"handlers": ["pause"]}},
}
