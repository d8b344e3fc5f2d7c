"""Production: `manage.py check --deploy` finds nothing with the README's example environment;
HTTPS headers and the Permissions-Policy are sent; the systemd services keep both processes
running from the same environment file."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
SYSTEMD = ROOT / "deploy" / "systemd"


def production_section() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("## Running in production", 1)[1].split("\n## ", 1)[0]


def readme_example_environment() -> dict[str, str]:
    """The variables of the production section's environment file example."""
    block = next(
        block
        for block in re.findall(r"```sh\n(.*?)```", production_section(), flags=re.DOTALL)
        if "SECURE_HSTS_SECONDS=" in block
    )
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_check_deploy_is_clean_with_the_readme_example(tmp_path):
    example = readme_example_environment()
    assert {"SECRET_KEY_FILE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"} <= set(example)
    assert "DEBUG" not in example
    secret = tmp_path / "secret_key"  # where the example's key file would be
    secret.write_text(secrets.token_urlsafe(50))
    environment = {**example, "SECRET_KEY_FILE": str(secret), "PATH": "/usr/bin:/bin"}
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in checked.stdout, output


def test_without_the_example_check_deploy_warns_about_https():
    environment = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite://:memory:",
        "PATH": "/usr/bin:/bin",
    }
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "security.W004" in checked.stderr and "security.W008" in checked.stderr


def test_https_headers_and_the_permissions_policy(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = secure["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    assert "fullscreen=(self)" in policy


def test_the_proxy_header_setting_names_the_header(settings):
    code = "import config.settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"SECRET_KEY": "x", "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto", "PATH": "/usr/bin"},
    )  # fmt: skip
    assert shown.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", shown.stderr
    assert settings.SECURE_PROXY_SSL_HEADER is None  # the tests run without a proxy


def test_systemd_keeps_the_web_server_and_the_worker_running():
    web = (SYSTEMD / "styrkort-web.service").read_text()
    worker = (SYSTEMD / "styrkort-worker.service").read_text()
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/styrkort/styrkort.env" in unit
        assert "Restart=always" in unit and "StartLimitIntervalSec=0" in unit
    assert "/etc/styrkort/styrkort.env" in production_section()
    assert "gunicorn config.wsgi" in web
    assert "manage.py db_worker --no-reload" in worker
    assert "KillSignal=SIGTERM" in worker  # the worker ends its job before it stops
