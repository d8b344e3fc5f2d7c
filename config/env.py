"""Reading settings from the environment, strictly.

Each helper takes the variable's name and its default. A value that cannot be read (a boolean
that is not a boolean, a number that is not a number) stops the start with a message that names
the variable, instead of silently becoming something else. A secret may come from a file:
`SECRET_KEY_FILE=/run/secrets/key` instead of `SECRET_KEY=...`.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})


def env_str(name: str, default: str = "") -> str:
    """A text setting; `NAME_FILE` names a file holding the value (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}") from error
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting: true/false (also 1/0, yes/no, on/off); anything else is refused."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole-number setting, at least `minimum` when one is given."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    """A number setting (a decimal point, not a comma), at least `minimum` when one is given."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; empty items are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json(name: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON object, e.g. a storage's options: `{"bucket_name": "styrkort"}`; `NAME_FILE`
    names a file holding it (options with secrets). Anything but an object is refused."""
    text = env_str(name).strip()
    if not text:
        return dict(default or {})
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {error}.") from None
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {text[:40]!r}.")
    return value
