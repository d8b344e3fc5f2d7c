"""`/health/`: ok when the database answers and a worker's heartbeat is fresh, not ok otherwise;
no login needed, and no more than ok / not ok said to anyone but staff."""

from datetime import timedelta

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from core import health
from core.models import WorkerHeartbeat
from core.worker import Heartbeat

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings, db):
    settings.TASKS = DATABASE_BACKEND
    settings.WORKER_HEARTBEAT_TIMEOUT = 60


def beat(ago: timedelta = timedelta(0)) -> None:
    Heartbeat("w-1").beat()
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - ago)


def test_healthy_with_the_database_and_a_fresh_heartbeat(client, queue):
    beat(timedelta(seconds=30))
    response = client.get(reverse("health"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_unhealthy_with_a_stale_heartbeat_and_without_any(client, queue):
    response = client.get(reverse("health"))
    assert (response.status_code, response.json()) == (503, {"status": "not ok"})
    beat(timedelta(seconds=61))
    response = client.get(reverse("health"))
    assert (response.status_code, response.json()) == (503, {"status": "not ok"})


def test_unhealthy_when_the_database_does_not_answer(client, queue, monkeypatch):
    beat()

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(reverse("health"))
    assert (response.status_code, response.json()) == (503, {"status": "not ok"})


def test_staff_see_which_check_failed(client, queue, django_user_model):
    client.force_login(django_user_model.objects.create_user("drift", is_staff=True))
    response = client.get(reverse("health"))
    assert response.json() == {
        "status": "not ok",
        "checks": {"database": "ok", "worker": "not ok"},
    }


def test_no_worker_is_needed_when_tasks_run_elsewhere(client, settings, db):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_plain_http_is_not_redirected(client, queue, settings):
    settings.SECURE_SSL_REDIRECT = True
    beat()
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301
