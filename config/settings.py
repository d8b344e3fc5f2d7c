"""Styrkort settings: one module, every deployment difference comes from the environment.

Every variable read here is listed in the README's configuration table (a test checks it).
Values are read strictly (`config.env`): a boolean that is not a boolean stops the start.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "simple_history",
    "django_tables2",
    "django_filters",
    "django_htmx",
    # Before django_tasks_db: core's `db_worker` (heartbeat, recovery) replaces its command.
    "core",
    "django_tasks_db",
    "axes",
    "import_export",
    "planning",
    "goals",
    "indicators",
    "reports",
    "authoring",
    "transfer",
    "opendata",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login into the login page saying so (core.throttle).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "core.forms.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
    # Long lists of rows only (core/jinja.py): put into the pages by template tags.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "core.jinja.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'styrkort.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database has one writer at a time, and the worker is a second process. A
    # transaction takes the write lock as it begins and waits up to 20 s for it: a deferred one
    # that read first could not wait and would fail at once with "database is locked". In WAL
    # mode readers go on reading while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The throttle first: a locked-out login is refused before its password is checked.
AUTHENTICATION_BACKENDS = [
    "core.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")

STATIC_URL = "static/"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package.json; bin/run and bin/test install them).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/designsystemet-css", NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/designsystemet-theme", NODE_MODULES / "@digdir" / "designsystemet-theme" / "brand"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# No inline scripts or styles, nothing from other hosts: user-written text can never run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Background work (large reports, open-data syncs) runs in `manage.py db_worker` (core.worker).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The worker writes its heartbeat this often; one silent for the timeout counts as dead, and
# the tasks it was running are queued again until tried TASK_MAX_ATTEMPTS times, then failed.
WORKER_HEARTBEAT_INTERVAL = env_float("WORKER_HEARTBEAT_INTERVAL", 10.0, minimum=0.1)
WORKER_HEARTBEAT_TIMEOUT = env_float("WORKER_HEARTBEAT_TIMEOUT", 60.0, minimum=0.5)
if WORKER_HEARTBEAT_TIMEOUT <= 2 * WORKER_HEARTBEAT_INTERVAL:
    raise ImproperlyConfigured(
        "WORKER_HEARTBEAT_TIMEOUT must be more than twice WORKER_HEARTBEAT_INTERVAL."
    )
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 2, minimum=1)
# Brings what follows a task (a report job's status) up to date with the queue, every sweep.
TASKS_RECONCILE = ["reports.jobs.report_jobs_reconcile"]

# Login throttling (django-axes, core.throttle): a user name from one address is refused after
# AXES_FAILURE_LIMIT failed logins, for AXES_COOLOFF_MINUTES (0: until an administrator unlocks).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=0)) or None
# Per user name and address: a town hall behind one address is not locked out by one person's
# typos, and nobody can lock an account from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_ip"

# HTTPS. Behind a proxy that ends TLS, SECURE_PROXY_SSL_HEADER names the header in which it
# says "https" (X-Forwarded-Proto); the proxy must set it on every request, never pass it on.
_proxy_header = env_str("SECURE_PROXY_SSL_HEADER").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer may ask over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Browser features no page of Styrkort uses are switched off (core.middleware).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": [],
    "usb": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Open data (Kolada, SSB): where the services answer, how long to wait, how often to retry.
KOLADA_API_URL = env_str("KOLADA_API_URL", "https://api.kolada.se/v3/")
KOLADA_REQUESTS_PER_SECOND = env_float("KOLADA_REQUESTS_PER_SECOND", 3.0, minimum=0.1)
SSB_API_URL = env_str("SSB_API_URL", "https://data.ssb.no/api/pxwebapi/v2/")
SSB_CALLS_PER_MINUTE = env_int("SSB_CALLS_PER_MINUTE", 30, minimum=1)
OPENDATA_TIMEOUT = env_float("OPENDATA_TIMEOUT", 20.0, minimum=0.1)
OPENDATA_ATTEMPTS = env_int("OPENDATA_ATTEMPTS", 4, minimum=1)
OPENDATA_BACKOFF = env_float("OPENDATA_BACKOFF", 1.0, minimum=0.0)

# E-mail (invitations, password reset) through an SMTP server. Django 6.1 configures it in
# MAILERS (its EMAIL_* settings are deprecated); the environment variables keep the classic names.
# Uploaded files (organisations' logos) live in MEDIA_ROOT and are never served directly:
# MEDIA_URL is answered by a view that shows each file only to those who may see its
# organisation (planning.views.files), so a web server in front must not serve MEDIA_ROOT.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25, minimum=1),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "timeout": env_float("EMAIL_TIMEOUT", 20.0, minimum=0.1),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "styrkort@localhost")
# Where people reach Styrkort: the links in e-mails the worker sends (reminders), which has no
# request to take the address from.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# A report (and the committee's overview) of more rows than this, indicators and activities,
# is read in the browser a goal at a time; its PDF is always whole.
REPORT_WEB_MAX_ROWS = env_int("REPORT_WEB_MAX_ROWS", 400, minimum=1)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = env_str("MEDIA_URL", "/media/")
if not (MEDIA_URL.startswith("/") and MEDIA_URL.endswith("/") and len(MEDIA_URL) > 1):
    raise ImproperlyConfigured("MEDIA_URL must be a path that starts and ends with /: /media/.")
FILE_UPLOAD_PERMISSIONS = 0o640

# Requests and imports: what one request may send and make the server do (transfer, opendata).
# The proxy bounds the whole body first (nginx `client_max_body_size`, see the README); Django
# keeps at most FILE_UPLOAD_MAX_MEMORY_SIZE of an uploaded file in memory (the rest goes to a
# temporary file) and refuses form data (no files) over DATA_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=0)
# An import's files are measured before anything is read (transfer.resources.limits): their
# size, what a workbook or zip archive unpacks to (in all), how many members it has and how
# tightly each is compressed, and each sheet's or CSV file's rows, columns and cells, as
# declared and as read. A file over a limit is refused at once, saying which.
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1024)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ZIP_MEMBERS = env_int("IMPORT_MAX_ZIP_MEMBERS", 500, minimum=1)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100, minimum=1)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 1_000_000, minimum=1)
# Imports of more rows than this run in the background worker, with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000, minimum=0)
# Uploaded files wait between preview and confirmation in a folder of their own (mode 0700,
# files 0600), removed after IMPORT_PENDING_SECONDS by the worker or `manage.py
# purge_pending_imports`. Several web servers must share it with the worker.
IMPORT_PENDING_DIR = Path(env_str("IMPORT_PENDING_DIR") or BASE_DIR / "var" / "imports")
IMPORT_PENDING_SECONDS = env_int("IMPORT_PENDING_SECONDS", 60 * 60, minimum=60)
# Exports (Excel, CSV) of more rows than this are made by the background worker, with a progress
# bar, and kept in the database for the person who asked for EXPORT_KEPT_SECONDS after.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 5000, minimum=0)
EXPORT_KEPT_SECONDS = env_int("EXPORT_KEPT_SECONDS", 24 * 60 * 60, minimum=60)
TASKS_RECONCILE = [
    *TASKS_RECONCILE,
    "transfer.jobs.import_jobs_reconcile",
    "transfer.export_jobs.export_jobs_reconcile",
]
WORKER_SWEEPS = ["transfer.pending.pending_sweep", "transfer.export_jobs.export_jobs_sweep"]
# What closes a plan's period to writes besides being closed for reporting, each rule in the
# app that owns it, asked by apps that may not import that one (core.period_locks): an import
# writes no values into a period whose report is published.
PERIOD_WRITE_LOCKS = {"published": "reports.selectors.published_for"}

# Calls to other services made while a request waits (the Kolada KPI search of the indicator
# form): a short timeout, one try, answers and failures cached, one search at a time per user,
# and at most OPENDATA_SEARCH_SLOTS at a time on the machine (all web processes together: keep
# it well below gunicorn's workers); a search over either bound is answered at once, never
# queued.
OPENDATA_SEARCH_TIMEOUT = env_float("OPENDATA_SEARCH_TIMEOUT", 4.0, minimum=0.1)
OPENDATA_SEARCH_SLOTS = env_int("OPENDATA_SEARCH_SLOTS", 1, minimum=1)
OPENDATA_SEARCH_CACHE_SECONDS = env_int("OPENDATA_SEARCH_CACHE_SECONDS", 60 * 60, minimum=0)
OPENDATA_SEARCH_FAILURE_SECONDS = env_int("OPENDATA_SEARCH_FAILURE_SECONDS", 60, minimum=0)
# Lock files of those bounds (core.slots): shared by the web processes of one machine.
LOCKS_DIR = Path(env_str("LOCKS_DIR") or BASE_DIR / "var" / "locks")
# Django's cache: the answers and failures of the searches above. CACHE_URL chooses it: each
# process's own memory by default (locmem://: every gunicorn worker keeps its own answers, which
# is enough for a cache), file:///var/cache/styrkort for one the processes of a machine share,
# db://styrkort_cache for a table of the database (made by `manage.py migrate`), or
# redis://host:6379/0 (with the redis package installed).
_CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
}


def _cache(setting: str, url: str, **options) -> dict:
    """A cache as an environment variable (`setting`) names it by a URL: `locmem://NAME`,
    `file:///DIR`, `db://TABLE` or `redis://HOST:PORT/DB`."""
    url = url.strip()
    scheme, _, location = url.partition("://")
    if scheme not in _CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"{setting} must start with {', '.join(f'{s}://' for s in _CACHE_BACKENDS)}, "
            f"not {url!r}."
        )
    if scheme == "db" and not location:
        raise ImproperlyConfigured(f"{setting} must name the table: db://TABLE.")
    cache = {
        "BACKEND": _CACHE_BACKENDS[scheme],
        "LOCATION": url if scheme.startswith("redis") else location,
    }
    return cache | options


# Where what pages assemble is kept (below): each process's memory, or a table all share.
ASSEMBLED_CACHE_URL = env_str("ASSEMBLED_CACHE_URL", "locmem://assembled")
CACHES = {
    "default": _cache("CACHE_URL", env_str("CACHE_URL", "locmem://")),
    # What pages assemble from many rows (a plan's follow-up report), kept until the data
    # changes (core.datastamp): in each process's memory by default, or shared by every process
    # of every machine (ASSEMBLED_CACHE_URL=db://styrkort_assembled), so that a report is
    # assembled once after a change rather than once per process. Its keys name the release
    # (core.release): one release never reads what another kept.
    "assembled": _cache(
        "ASSEMBLED_CACHE_URL",
        ASSEMBLED_CACHE_URL,
        KEY_FUNCTION="core.release.release_key",
        OPTIONS={"MAX_ENTRIES": env_int("ASSEMBLED_CACHE_ENTRIES", 1000, minimum=1)},
    ),
    # The same, for what is kept per person (what their roles cover) and other small results
    # (which plans a report reads): a few kilobytes each, for every person who uses this
    # process, kept apart so they never push out the reports.
    "scopes": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "scopes",
        "OPTIONS": {"MAX_ENTRIES": env_int("SCOPE_CACHE_ENTRIES", 2000, minimum=1)},
    },
}
# The apps whose every table (and people's names) the data's stamp watches (core.datastamp):
# what is kept in the "assembled" cache is built only from them.
DATASTAMP_APPS = ["planning", "goals", "indicators"]
# Rows of a follow-up period (a `period` of this model) note its last day in the stamp's log.
DATASTAMP_PERIOD_MODEL = "planning.FollowUpPeriod"
# How a row finds its plan (a path of foreign keys, their history records too), so that what
# shows one plan (its report, its history, a goal's rows) is kept while other plans change. A
# row of a table missing here, or whose plan is not found, counts for every plan.
DATASTAMP_PLAN_PATHS = {
    "planning.Plan": "id",
    "planning.Plan_partner_organisations": "plan",
    "planning.DecisionStep": "plan",
    "planning.ReportReadiness": "plan",
    "goals.Goal": "plan",
    "goals.SubGoal": "goal__plan",
    "goals.Activity": "goal__plan",
    "goals.ActivityStatus": "activity__goal__plan",
    "goals.GoalFollowUp": "goal__plan",
    "indicators.Indicator": "goal__plan",
    "indicators.ReferenceValue": "indicator__goal__plan",
    "indicators.Measurement": "indicator__goal__plan",
    "indicators.SyncRun": "plan",
}
# How a row of a plan's content finds its goal, so that what is assembled per goal (a report's
# goal sections) is kept while the plan's other goals change. A row of a table missing here
# counts for every goal of its plan.
DATASTAMP_GOAL_PATHS = {
    "goals.Goal": "id",
    "goals.SubGoal": "goal",
    "goals.Activity": "goal",
    "goals.ActivityStatus": "activity__goal",
    "goals.GoalFollowUp": "goal",
    "indicators.Indicator": "goal",
    "indicators.ReferenceValue": "indicator__goal",
    "indicators.Measurement": "indicator__goal",
}
# How long an assembled report is kept at most (0: never kept). A change of its data makes it
# obsolete at once, however long this is.
ASSEMBLED_CACHE_SECONDS = env_int("ASSEMBLED_CACHE_SECONDS", 60 * 60, minimum=0)

# Single sign-on with OpenID Connect (core.oidc, planning.sso; mozilla-django-oidc): on when an
# issuer and a client id are set. The provider's endpoints come from its discovery document
# (OIDC_ISSUER, or the document's own address). A sign-in is matched to an existing person by
# e-mail or by the employee id stored on them (OIDC_MATCH_ON), read from the claim
# OIDC_MATCH_CLAIM; nobody is created, and roles stay in Styrkort. Local passwords keep working.
OIDC_ISSUER = env_str("OIDC_ISSUER").strip()
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID").strip()
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_MATCH_ON = env_str("OIDC_MATCH_ON", "email").strip()
if OIDC_MATCH_ON not in ("email", "employee_id"):
    raise ImproperlyConfigured("OIDC_MATCH_ON must be email or employee_id.")
OIDC_MATCH_CLAIM = env_str("OIDC_MATCH_CLAIM", OIDC_MATCH_ON).strip()
OIDC_TIMEOUT = env_float("OIDC_TIMEOUT", 10.0, minimum=0.1)
if bool(OIDC_ISSUER) != bool(OIDC_RP_CLIENT_ID):
    raise ImproperlyConfigured("Set both OIDC_ISSUER and OIDC_CLIENT_ID, or neither.")
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "planning.sso.SSOBackend"]
# The login throttle counts password guesses, not single sign-ons (the provider has its own).
AXES_WHITELIST_CALLABLE = "core.oidc.is_sso_attempt"

# Serving: the same settings on one machine and on several app servers behind a proxy (README:
# "Running on several machines"). Nothing an app server keeps on its own disk or in its memory
# matters for correctness: sessions, jobs and uploaded files are shared by every server.
# Database connections are kept between requests for CONN_MAX_AGE seconds (read above) and
# checked before a request reuses one, so that a restarted database costs a reconnect, not an
# error page. gunicorn's workers, threads and timeout are in gunicorn.conf.py.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
# Sessions in the database: a login made through one app server is valid on every other.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Static files: content-hashed names, compressed, served by WhiteNoise with far-future caching
# (hashed files are immutable). Needs `manage.py collectstatic`; off with DEBUG (runserver
# serves the source files) and in the tests (tests/pytest_env.py), which run without it.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    # Uploaded files (logos): MEDIA_ROOT by default, which several app servers must share
    # (NFS); or another storage, e.g. S3 through django-storages:
    # MEDIA_STORAGE=storages.backends.s3.S3Storage MEDIA_STORAGE_OPTIONS='{"bucket_name": ...}'.
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env_json("MEDIA_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
