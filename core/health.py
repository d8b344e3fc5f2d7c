"""`/health/`: whether Styrkort can serve and get its background work done.

For a load balancer or a monitor: 200 `{"status": "ok"}` when the database answers and a
background worker has written its heartbeat within `WORKER_HEARTBEAT_TIMEOUT` seconds, else
503 `{"status": "not ok"}`. No login is needed, and nothing more is said to anyone but staff
(who also see which check failed); the reason goes to the log.
"""

import logging

from django.db import Error, connection
from django.http import HttpRequest, JsonResponse
from django.tasks import task_backends
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.backend import DatabaseBackend

from core.worker import a_worker_is_alive

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error as error:
        logger.warning("Health: the database does not answer: %s", error)
        return False
    return True


def worker_ok() -> bool:
    """A worker is alive, when background work goes to one (the database task backend)."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return True
    try:
        alive = a_worker_is_alive()
    except Error as error:
        logger.warning("Health: cannot read the worker's heartbeat: %s", error)
        return False
    if not alive:
        logger.warning("Health: no background worker has written its heartbeat lately.")
    return alive


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_ok()}
    checks["worker"] = checks["database"] and worker_ok()
    healthy = all(checks.values())
    body: dict = {"status": "ok" if healthy else "not ok"}
    # Only staff learn which check failed; the user is looked up only with a working database.
    if checks["database"] and request.user.is_staff:
        body["checks"] = {name: "ok" if ok else "not ok" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if healthy else 503)
