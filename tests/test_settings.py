"""Settings come from the environment, strictly, and the README lists every variable."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_json, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "planning", "goals", "indicators", "reports", "authoring", "transfer", "opendata")


def environment_variables_read() -> set[str]:
    """Those of the settings and of gunicorn's settings (gunicorn.conf.py)."""
    source = (ROOT / "config" / "settings.py").read_text() + (ROOT / "gunicorn.conf.py").read_text()
    return set(re.findall(r"env_(?:str|bool|int|float|list|json)\(\s*\"([A-Z0-9_]+)\"", source))


def readme_variables() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


def test_the_readme_lists_every_environment_variable_the_settings_read():
    read = environment_variables_read()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "KOLADA_API_URL", "SSB_API_URL"} <= read
    assert readme_variables() == read


def test_every_setting_the_code_reads_is_defined_in_settings():
    """No `getattr(settings, NAME, default)`: a default there would hide a missing setting.
    The settings an open-data source names for itself are read by name, and exist too."""
    from opendata.client import ServiceClient
    from opendata.sources import SOURCES

    assert SOURCES  # the clients are defined with their sources
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            assert not re.search(r"getattr\(\s*settings\s*,[^,()]+,", source), path
            names |= set(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)\b", source))
    for client in ServiceClient.__subclasses__():
        if not client.__module__.startswith("opendata."):
            continue  # a test's made-up source
        names |= {client.URL_SETTING, client.CALLS_SETTING}
    assert {"OPENDATA_TIMEOUT", "KOLADA_API_URL", "SSB_CALLS_PER_MINUTE"} <= names
    missing = {name for name in names if not hasattr(settings, name)}
    assert missing == set()


def start_with(**variables: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SECRET_KEY": "x", **variables}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_mistyped_boolean_stops_the_start_with_its_name():
    started = start_with(SECURE_COOKIES="Ture")
    assert started.returncode != 0
    assert "SECURE_COOKIES must be true or false, not 'Ture'." in started.stderr


def test_a_number_that_is_not_a_number_stops_the_start():
    started = start_with(OPENDATA_TIMEOUT="20 s")
    assert started.returncode != 0
    assert "OPENDATA_TIMEOUT must be a number, not '20 s'." in started.stderr


def test_the_settings_start_with_well_formed_values():
    assert start_with(SECURE_COOKIES="false", OPENDATA_ATTEMPTS="2").returncode == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("on", True),
        ("false", False),
        ("0", False),
        ("no", False),
        ("", True),
    ],
)
def test_booleans_take_two_families_of_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("STYRKORT_TEST_FLAG", value)
    assert env_bool("STYRKORT_TEST_FLAG", default=True) is expected


def test_an_unset_boolean_takes_its_default(monkeypatch):
    monkeypatch.delenv("STYRKORT_TEST_FLAG", raising=False)
    assert env_bool("STYRKORT_TEST_FLAG", default=False) is False


@pytest.mark.parametrize("value", ["Ture", "yes please", "2"])
def test_a_boolean_that_is_not_one_is_refused(monkeypatch, value):
    monkeypatch.setenv("STYRKORT_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="STYRKORT_TEST_FLAG must be true or false"):
        env_bool("STYRKORT_TEST_FLAG")


def test_whole_numbers_are_checked_against_their_minimum(monkeypatch):
    monkeypatch.setenv("STYRKORT_TEST_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1, not 0"):
        env_int("STYRKORT_TEST_NUMBER", 3, minimum=1)
    monkeypatch.setenv("STYRKORT_TEST_NUMBER", "three")
    with pytest.raises(ImproperlyConfigured, match="must be a whole number"):
        env_int("STYRKORT_TEST_NUMBER", 3)
    monkeypatch.setenv("STYRKORT_TEST_NUMBER", "7")
    assert env_int("STYRKORT_TEST_NUMBER", 3, minimum=1) == 7


def test_decimal_numbers_take_a_point(monkeypatch):
    monkeypatch.setenv("STYRKORT_TEST_NUMBER", "2.5")
    assert env_float("STYRKORT_TEST_NUMBER", 1.0) == 2.5
    monkeypatch.setenv("STYRKORT_TEST_NUMBER", "2,5")
    with pytest.raises(ImproperlyConfigured, match="must be a number"):
        env_float("STYRKORT_TEST_NUMBER", 1.0)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("STYRKORT_TEST_SECRET", "from-the-variable")
    monkeypatch.setenv("STYRKORT_TEST_SECRET_FILE", str(secret))
    assert env_str("STYRKORT_TEST_SECRET") == "from-a-file"
    monkeypatch.setenv("STYRKORT_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="STYRKORT_TEST_SECRET_FILE: cannot read"):
        env_str("STYRKORT_TEST_SECRET")


def test_lists_drop_empty_items(monkeypatch):
    monkeypatch.setenv("STYRKORT_TEST_LIST", "a.example, ,b.example,")
    assert env_list("STYRKORT_TEST_LIST") == ["a.example", "b.example"]


def test_a_json_setting_is_an_object(monkeypatch):
    monkeypatch.setenv("STYRKORT_TEST_JSON", '{"bucket_name": "styrkort", "file_overwrite": false}')
    assert env_json("STYRKORT_TEST_JSON") == {"bucket_name": "styrkort", "file_overwrite": False}
    monkeypatch.setenv("STYRKORT_TEST_JSON", "")
    assert env_json("STYRKORT_TEST_JSON") == {}
    for wrong in ('["a list"]', "{bucket: x}"):
        monkeypatch.setenv("STYRKORT_TEST_JSON", wrong)
        with pytest.raises(ImproperlyConfigured, match="STYRKORT_TEST_JSON must be a JSON object"):
            env_json("STYRKORT_TEST_JSON")


def settings_value(expression: str, **variables: str) -> str:
    code = f"import config.settings as s; print({expression})"
    environment = {"SECRET_KEY": "x", "PATH": "/usr/bin:/bin", **variables}
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    return shown.stdout.strip()


def test_uploaded_files_go_where_the_environment_says():
    assert settings_value("s.STORAGES['default']") == (
        "{'BACKEND': 'django.core.files.storage.FileSystemStorage', 'OPTIONS': {}}"
    )
    shared = settings_value(
        "s.STORAGES['default']",
        MEDIA_STORAGE="storages.backends.s3.S3Storage",
        MEDIA_STORAGE_OPTIONS='{"bucket_name": "styrkort-media"}',
    )
    assert shared == (
        "{'BACKEND': 'storages.backends.s3.S3Storage', "
        "'OPTIONS': {'bucket_name': 'styrkort-media'}}"
    )


def test_production_serves_hashed_static_files_and_keeps_checked_connections():
    backend = "s.STORAGES['staticfiles']['BACKEND']"
    assert settings_value(backend) == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert settings_value(backend, DEBUG="true") == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    assert settings_value("s.DATABASES['default']['CONN_HEALTH_CHECKS']") == "True"
    assert settings_value("s.DATABASES['default']['CONN_MAX_AGE']", CONN_MAX_AGE="60") == "60"
    assert settings_value("s.SESSION_ENGINE") == "django.contrib.sessions.backends.db"


def test_gunicorn_takes_its_workers_threads_and_timeout_from_the_environment():
    code = (
        "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(c['workers'], c['threads'], c['timeout'], c['bind'])"
    )

    def read(**variables: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={"PATH": "/usr/bin:/bin", **variables}, check=False,
        )  # fmt: skip

    cores = len(os.sched_getaffinity(0))
    assert read().stdout.split() == [str(2 * cores), "1", "120", "['127.0.0.1:8000']"]
    chosen = read(GUNICORN_WORKERS="3", GUNICORN_THREADS="4", GUNICORN_TIMEOUT="60",
                  GUNICORN_BIND="10.0.0.5:8000")  # fmt: skip
    assert chosen.stdout.split() == ["3", "4", "60", "['10.0.0.5:8000']"]
    wrong = read(GUNICORN_THREADS="many")
    assert wrong.returncode != 0
    assert "GUNICORN_THREADS must be a whole number, not 'many'." in wrong.stderr


def test_a_gunicorn_worker_keeps_the_loaded_application_out_of_garbage_collections():
    code = (
        "import gc, runpy, django; django.setup(); from core.release import release; "
        "c = runpy.run_path('gunicorn.conf.py'); "
        "before = gc.get_threshold()[0], gc.get_freeze_count(), release.cache_info().currsize; "
        "c['post_worker_init'](None); "
        "print(*before, gc.get_threshold()[0], gc.get_freeze_count(), "
        "release.cache_info().currsize)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings",
             "SECRET_KEY": "x"}, check=True,
    ).stdout.split()  # fmt: skip
    first_before, frozen_before, known_before, first_after, frozen_after, known_after = map(
        int, found
    )
    assert (first_before, frozen_before) == (2000, 0)
    assert first_after == 50_000
    assert frozen_after > 10_000  # the modules gunicorn.conf.py, Django and Python loaded
    # The release that kept pages are keyed by is worked out before the first request.
    assert (known_before, known_after) == (0, 1)


# Two connections to one SQLite file, as the web server and the worker have: the first holds
# the write lock for a moment while the second reads, then writes, in one transaction.
SQLITE_TWO_WRITERS = """
import threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n integer)")
    cursor.execute("INSERT INTO counter VALUES (0)")
connection.close()
holding = threading.Event()

def hold_the_lock():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 1")
        holding.set()
        time.sleep(1)
    connection.close()

holder = threading.Thread(target=hold_the_lock)
holder.start()
holding.wait()
with transaction.atomic():
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        seen = cursor.fetchone()[0]
        cursor.execute("UPDATE counter SET n = %s", [seen + 10])
holder.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter")
    print(cursor.fetchone()[0])
"""


def test_the_embedded_database_waits_for_a_writer_instead_of_failing(tmp_path):
    """A transaction that reads and then writes while the worker writes waits for it, and
    reads what it wrote: the write lock is taken as the transaction begins."""
    environment = {
        "SECRET_KEY": "x",
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
    }
    shown = subprocess.run(
        [sys.executable, "-c", SQLITE_TWO_WRITERS], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "11"
    journal = settings_value(
        "s.DATABASES['default']['OPTIONS']['init_command']",
        DATABASE_URL=f"sqlite:///{tmp_path / 'other.sqlite3'}",
    )
    assert "journal_mode=WAL" in journal


def test_what_pages_keep_is_in_each_process_or_in_a_table_of_the_database():
    assembled = "s.CACHES['assembled']['BACKEND'], s.CACHES['assembled']['LOCATION']"
    assert settings_value(assembled) == ("django.core.cache.backends.locmem.LocMemCache assembled")
    assert settings_value(assembled, ASSEMBLED_CACHE_URL="db://styrkort_assembled") == (
        "django.core.cache.backends.db.DatabaseCache styrkort_assembled"
    )
    # Keys name the release wherever the cache is; Django's cache keeps its own URL.
    assert settings_value("s.CACHES['assembled']['KEY_FUNCTION']") == "core.release.release_key"
    assert settings_value("s.CACHES['default']['LOCATION']", CACHE_URL="db://answers") == "answers"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("memcached://127.0.0.1", "ASSEMBLED_CACHE_URL must start with locmem://, file://"),
        ("db://", "ASSEMBLED_CACHE_URL must name the table: db://TABLE."),
    ],
)
def test_a_cache_url_that_names_nothing_stops_the_start(value, message):
    started = start_with(ASSEMBLED_CACHE_URL=value)
    assert started.returncode != 0
    assert message in started.stderr
