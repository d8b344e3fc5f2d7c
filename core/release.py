"""The release: a digest of the code, so that a cache several processes share (the "assembled"
cache in the database, `ASSEMBLED_CACHE_URL`) never hands a process of one release what a
process of another kept. During a rolling deploy, or after a restart onto new code, an old
release's pickled report or rendered page would otherwise be read by code that expects other
fields, or other markup around it.

The digest covers what a kept result is made of: the Python code, the templates, the compiled
translations, the locked dependencies, the collected static files' manifest (rendered pages
name the static files by their hashed names), and the versions of Python and Django.
"""

import functools
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import django
from django.conf import settings

# What a kept result is made of, by the end of a file's name.
CODE_SUFFIXES = (".py", ".html", ".txt", ".mo")
# Files of the project's top folder that decide the code too.
CODE_FILES = ("requirements.lock", "pyproject.toml")
# Folders that hold no code the web processes run (or not the project's own); nor do hidden
# ones, those with a dot in their name (a package's metadata: "styrkort.egg-info") and virtual
# environments, whatever their name.
SKIPPED_FOLDERS = {"node_modules", "var", "media", "staticfiles", "tests", "bench", "__pycache__"}
# Longer keys, and keys with characters a cache may refuse, are kept under their digest.
LONGEST_KEY = 200


def code_files(root: Path) -> Iterator[Path]:
    """The files under `root` that make up a release, in a fixed order."""
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED_FOLDERS
            and "." not in name
            and not (here / name / "pyvenv.cfg").exists()  # a virtual environment
        )
        for name in sorted(files):
            if name.endswith(CODE_SUFFIXES) or (here == root and name in CODE_FILES):
                yield here / name


def code_digest(root: Path, manifest: Path | None = None) -> str:
    """A short digest of the release under `root` (and the static files' `manifest`, if it
    exists): it changes when any of its files does, whatever their times."""
    digest = hashlib.sha256(f"{sys.version}\0{django.get_version()}\0".encode())
    paths = list(code_files(root))
    if manifest is not None and manifest.is_file():
        paths.append(manifest)
    for path in paths:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def release() -> str:
    """This process's release (worked out once, at its first use: about 20 ms)."""
    return code_digest(Path(settings.BASE_DIR), Path(settings.STATIC_ROOT) / "staticfiles.json")


def release_key(key: str, key_prefix: str, version: int) -> str:
    """A cache key of this release (Django's `KEY_FUNCTION`): a long key, or one with a space
    or a character that is not printable, under its digest (a page number as someone typed it
    is part of some keys)."""
    if len(key) > LONGEST_KEY or not key.isprintable() or " " in key:
        key = "#" + hashlib.sha256(key.encode()).hexdigest()
    return f"{release()}:{key_prefix}:{version}:{key}"
