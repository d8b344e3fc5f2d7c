"""Loaded by pytest before Django starts (see addopts in pyproject.toml): test-run defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The tests run without collectstatic: no manifest of hashed static file names (config.settings).
os.environ.setdefault("STATIC_MANIFEST", "false")
