"""Loaded by pytest before Django starts (see addopts in pyproject.toml): test-run defaults."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The tests run without collectstatic: no manifest of hashed static file names (config.settings).
os.environ.setdefault("STATIC_MANIFEST", "false")

# bin/test runs the tests in two pytest-xdist workers. The files the app writes (locks, uploads,
# pending imports) are named by database ids, which the workers' databases hand out alike: each
# worker keeps them in folders of its own.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    _base = ""
    for _name in ("LOCKS_DIR", "MEDIA_ROOT", "IMPORT_PENDING_DIR"):
        if os.environ.get(_name):
            os.environ[_name] = os.path.join(os.environ[_name], _worker)
        else:
            _base = _base or tempfile.mkdtemp(prefix=f"styrkort-test-{_worker}-")
            os.environ[_name] = os.path.join(_base, _name)
