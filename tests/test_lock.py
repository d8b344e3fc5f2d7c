"""`requirements.lock` pins, with hashes, a version of everything `pyproject.toml` asks for (its
test extra included) that satisfies it: bin/run and bin/test install exactly the lock."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def locked() -> dict[str, tuple[str, str, list[str]]]:
    """name: (version, marker, hashes) of each pin of the lock file."""
    pins: dict[str, tuple[str, str, list[str]]] = {}
    current = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (match[2], (match[3] or "").strip(), [])
        elif line.strip().startswith("--hash=sha256:") and current:
            pins[current][2].append(line.strip())
    return pins


def wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [
        Requirement(text)
        for text in project["dependencies"] + project["optional-dependencies"]["test"]
    ]


def test_the_lock_pins_a_fitting_version_of_everything_pyproject_asks_for():
    pins = locked()
    missing, unfit = [], []
    for requirement in wanted():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            missing.append(str(requirement))
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            unfit.append(f"{requirement} (locked: {pins[name][0]})")
    assert not missing and not unfit, f"missing: {missing}, unfit: {unfit}"


def test_every_pin_has_hashes_and_extras_are_locked_too():
    pins = locked()
    assert len(pins) > 40
    assert [name for name, (_version, _marker, hashes) in pins.items() if not hashes] == []
    assert "psycopg-binary" in pins  # psycopg[binary]
    assert pins["django"][1] == ""  # no marker: on every machine
