"""What pages keep, shared by every process through a table of the database
(`ASSEMBLED_CACHE_URL=db://TABLE`), and the release its keys name (`core.release`)."""

import os

import pytest
from django.core.cache import caches
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from core import release as release_module
from core.datastamp import kept, kept_by_goal, stamp
from core.release import LONGEST_KEY, code_digest
from goals.models import Goal
from goals.services import goal_create
from planning.models import Organisation

TABLE = "test_kept_assembled"


@pytest.fixture
def shared(settings, db):
    """The "assembled" cache in a table of the test database, made as `migrate` makes it."""
    settings.CACHES = {
        **settings.CACHES,
        "assembled": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": TABLE,
            "KEY_FUNCTION": "core.release.release_key",
        },
    }
    emit_post_migrate_signal(0, False, "default")
    assert TABLE in connection.introspection.table_names()
    yield
    caches["assembled"].clear()


def _another_process() -> None:
    """Forget this process's cache objects, as a process of its own would not have them."""
    del caches["assembled"]


def _stored_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {TABLE}")
        return [key for (key,) in cursor.fetchall()]


def _name_of(organisation, built: list):
    def build() -> str:
        built.append(Organisation.objects.get(pk=organisation.pk).name)
        return built[-1]

    return build


def test_what_one_process_assembled_another_reads_from_the_database(shared, organisation):
    built = []
    assert kept("name", _name_of(organisation, built)) == "Testkommun"
    _another_process()
    assert kept("name", _name_of(organisation, built)) == "Testkommun"
    assert built == ["Testkommun"]
    (key,) = _stored_keys()
    assert key.startswith(release_module.release() + ":") and ":name:" in key


def test_a_change_made_anywhere_is_assembled_again_for_every_process(shared, organisation):
    built = []
    kept("name", _name_of(organisation, built))
    Organisation.objects.filter(pk=organisation.pk).update(name="Nykommun")
    _another_process()
    assert kept("name", _name_of(organisation, built)) == "Nykommun"
    _another_process()
    assert kept("name", _name_of(organisation, built)) == "Nykommun"
    assert built == ["Testkommun", "Nykommun"]


def test_another_release_never_reads_what_one_kept(shared, organisation, monkeypatch):
    built = []
    kept("name", _name_of(organisation, built))
    monkeypatch.setattr(release_module, "release", lambda: "a-later-release")
    _another_process()
    kept("name", _name_of(organisation, built))
    assert built == ["Testkommun", "Testkommun"]
    assert len(_stored_keys()) == 2


@pytest.mark.parametrize(
    "key",
    [
        "plan-history:1:" + "9" * 600 + ":sv",
        "plan-history:1:två sidor:sv",
        "plan-history:1:\x07:sv",
    ],
    ids=["long", "with a space", "not printable"],
)
def test_a_long_or_odd_key_is_kept_under_its_digest(shared, organisation, key):
    built = []
    assert kept(key, _name_of(organisation, built)) == "Testkommun"
    assert kept(key, _name_of(organisation, built)) == "Testkommun"
    assert built == ["Testkommun"]
    (stored,) = _stored_keys()
    assert len(stored) <= LONGEST_KEY and " " not in stored and stored.isprintable()


def test_an_ordinary_key_stays_readable(shared, organisation):
    kept("report:34:29:sv:2026-12-04", lambda: "x")
    # The release, Django's (empty) prefix and version, the key and the stamp.
    assert _stored_keys() == [f"{release_module.release()}::1:report:34:29:sv:2026-12-04:{stamp()}"]


# --- the release's digest -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    """A small project folder: code, a template, a translation, and files that are not code."""
    files = {
        "manage.py": "print('hej')",
        "requirements.lock": "django==6.1",
        "reports/views.py": "x = 1",
        "templates/reports/report.html": "<p>{{ x }}</p>",
        "locale/sv/LC_MESSAGES/django.mo": "compiled",
        "tests/test_x.py": "def test(): pass",
        "bench/run.py": "pass",
        "var/locks/x.py": "pass",
        "node_modules/y/z.py": "pass",
        ".git/hooks/h.py": "pass",
        "styrkort.egg-info/SOURCES.txt": "x",
        "static/app.css": "p {}",
        "reports/__pycache__/views.cpython-313.pyc": "bytes",
        "venv/pyvenv.cfg": "home = /usr/bin",
        "venv/lib/python3.13/site-packages/django/__init__.py": "VERSION = (6, 1)",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    "name",
    [
        "manage.py",
        "requirements.lock",
        "reports/views.py",
        "templates/reports/report.html",
        "locale/sv/LC_MESSAGES/django.mo",
    ],
)
def test_the_release_changes_with_the_code(project, name):
    before = code_digest(project)
    (project / name).write_text("changed")
    assert code_digest(project) != before


@pytest.mark.parametrize(
    "name",
    [
        "tests/test_x.py",
        "bench/run.py",
        "var/locks/x.py",
        "node_modules/y/z.py",
        ".git/hooks/h.py",
        "styrkort.egg-info/SOURCES.txt",
        "static/app.css",  # the collected files' manifest names its hashed name
        "reports/__pycache__/views.cpython-313.pyc",
        "venv/lib/python3.13/site-packages/django/__init__.py",
    ],
)
def test_the_release_stays_when_other_files_change(project, name):
    before = code_digest(project)
    (project / name).write_text("changed")
    assert code_digest(project) == before


def test_the_release_changes_with_the_static_files_manifest(project, tmp_path_factory):
    manifest = tmp_path_factory.mktemp("staticfiles") / "staticfiles.json"
    without = code_digest(project, manifest)
    manifest.write_text('{"paths": {"app.css": "app.1a2b.css"}}')
    first = code_digest(project, manifest)
    manifest.write_text('{"paths": {"app.css": "app.3c4d.css"}}')
    assert len({without, first, code_digest(project, manifest)}) == 3


def test_the_release_stays_when_only_the_times_of_files_change(project):
    before = code_digest(project)
    os.utime(project / "reports/views.py", (0, 0))
    assert code_digest(project) == before


def test_what_is_kept_per_goal_is_shared_and_built_again_for_the_goal_changed(shared, plan, goal):
    second = goal_create(plan=plan, number=2, title="Trygg omsorg", actor=None)
    goals, built = [goal.pk, second.pk], []

    def titles(asked):
        found = {found.pk: (found.title, ()) for found in Goal.objects.filter(pk__in=asked)}
        built.extend(sorted(found))
        return found

    def read():
        return kept_by_goal("titles", goals, titles, plan=plan.pk, plans=[plan.pk])

    assert read() == {goal.pk: goal.title, second.pk: "Trygg omsorg"}
    _another_process()
    assert read() == {goal.pk: goal.title, second.pk: "Trygg omsorg"}
    assert built == goals
    Goal.objects.filter(pk=second.pk).update(title="Trygg vård")
    _another_process()
    assert read()[second.pk] == "Trygg vård"
    assert built == [*goals, second.pk]
    # One row per goal: a goal built again replaces what was kept of it.
    assert len([key for key in _stored_keys() if ":titles:" in key]) == 2
