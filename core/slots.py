"""Bounds on work a request waits for: one at a time per key, at most N at a time in all.

A call to another service made while a request waits (the Kolada search of the indicator form)
holds a web worker for as long as the service takes. These bounds keep such calls from taking
the site down: `one_at_a_time(key)` lets one holder of a key (a user) in at a time, and
`one_of(name, size)` at most `size` holders of a name at once. Neither waits: when taken, they
raise `Busy` at once, and the request answers so.

They are lock files in a private folder (`LOCKS_DIR`, mode 0700), locked with flock(2) without
waiting. A lock belongs to an open file, so the bounds hold between the threads of a process
and between the processes of the machine (every gunicorn worker counts against one `size`),
and the kernel releases a lock when its holder ends, however it ends: a killed worker never
keeps a slot. Several machines each have their own slots.
"""

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class Busy(Exception):
    """The key or every slot is taken (by another request)."""


def _path(name: str) -> Path:
    folder = Path(settings.LOCKS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / (_SAFE.sub("_", name) + ".lock")


def _try_lock(name: str) -> int | None:
    """An open, locked descriptor of the lock file of `name`, or None if someone holds it."""
    descriptor = os.open(_path(name), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _release(descriptor: int) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextmanager
def one_at_a_time(key: str) -> Iterator[None]:
    """Hold `key` for the block; Busy at once if another holds it."""
    descriptor = _try_lock(key)
    if descriptor is None:
        raise Busy(key)
    try:
        yield
    finally:
        _release(descriptor)


@contextmanager
def one_of(name: str, size: int) -> Iterator[int]:
    """Hold one of `size` slots of `name` for the block (its number); Busy at once if every
    slot is held."""
    for number in range(size):
        descriptor = _try_lock(f"{name}.{number}")
        if descriptor is None:
            continue
        try:
            yield number
        finally:
            _release(descriptor)
        return
    raise Busy(name)
