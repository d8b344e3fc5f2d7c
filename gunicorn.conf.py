"""gunicorn's settings for Styrkort, from the environment (read strictly, like config/settings.py).

    gunicorn -c gunicorn.conf.py config.wsgi

The variables are in the README's configuration table. A command-line option wins over this
file (`--bind 127.0.0.1:8001`).

- GUNICORN_WORKERS: processes; default 2 x cores (4 on two cores). A page costs tens of
  milliseconds of CPU and a few of waiting for PostgreSQL, and long work (PDFs, large imports
  and exports) runs in the background worker: two processes a core keep the cores busy while
  one waits, and more only queue for the same cores, each with its memory (130 MiB) and its
  database connection (bench/README.md: 50 simulated users on 4 workers of a 2-core machine).
- GUNICORN_THREADS: threads per process; default 1 (plain sync workers). More than one runs
  gthread workers: more requests at once in the same memory, each thread with its own database
  connection, so workers x threads x app servers must stay below PostgreSQL's max_connections.
- GUNICORN_TIMEOUT: seconds a request may take before its worker is killed and replaced; long
  work (reports of a whole organisation, large imports) goes to the background worker instead.
- GUNICORN_BIND: the address to listen on; 127.0.0.1:8000 behind a proxy on the same machine,
  the machine's private address when the proxy is elsewhere.
- GUNICORN_FORWARDED_ALLOW_IPS: the proxies whose X-Forwarded-* headers gunicorn believes.

Each worker, once it has loaded the application, sets its loaded objects aside from Python's
cyclic garbage collector and lets the collector run less often (`post_worker_init`): a page of
a large plan makes thousands of model instances, and with Python's defaults the collector ran
eight times while one report was assembled, walking every object of Django and the app each
time (11 ms of a 130 ms assembly; 2 ms after this). Memory is still freed as before: objects
are freed when nothing refers to them, the collector only finds cycles.
"""

import gc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from config.env import env_int, env_list, env_str


def default_workers() -> int:
    """2 x the cores this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return 2 * cores


wsgi_app = "config.wsgi:application"
bind = env_list("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("GUNICORN_WORKERS", default_workers(), minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 120, minimum=1)
# A stopping worker finishes its request first (systemd waits TimeoutStopSec).
graceful_timeout = 30
# Behind a proxy that keeps connections open to the app servers.
keepalive = 5
forwarded_allow_ips = env_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
# Workers are replaced now and then, so that memory a large report took is given back.
max_requests = 2000
max_requests_jitter = 200

# The collector's first generation is collected after this many new objects (Python: 2,000).
GC_FIRST_GENERATION = 50_000


def post_worker_init(worker) -> None:
    """The application loaded: its objects are kept out of every collection from now on, and
    the release its kept pages are keyed by is worked out before the first request asks."""
    from core.release import release

    release()
    gc.collect()
    gc.freeze()
    _first, second, third = gc.get_threshold()
    gc.set_threshold(GC_FIRST_GENERATION, second, third)
