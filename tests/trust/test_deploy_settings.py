"""The production settings behind a TLS proxy: `check --deploy` is clean and the headers hold.

Settings are read once from the environment, so each case runs in a fresh process with the
environment a deployment would have (docs/deploy.md).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.test import Client
c = Client()
tls = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "desk.example.com"}
plain = {"HTTP_HOST": "desk.example.com"}
login = c.get("/login/", **tls)
print(json.dumps({
    "tls_status": login.status_code,
    "hsts": login.headers.get("Strict-Transport-Security"),
    "csp": login.headers.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(login.cookies["csrftoken"]["secure"]),
    "plain_status": c.get("/login/", **plain).status_code,
    "plain_location": c.get("/login/", **plain).headers.get("Location"),
    "healthz_plain": c.get("/healthz", **plain).status_code,
}))
"""


def production_env(tmp_path, **extra):
    # Only the machine's own environment: not the test run's settings, nor the browser
    # tests' DJANGO_ALLOW_ASYNC_UNSAFE, which no deployment sets.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TIERDESK_", "DATABASE_", "DJANGO_"))
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "desk.example.com",
        "TIERDESK_VAR_DIR": str(tmp_path),
        "TIERDESK_BEHIND_TLS": "1",
        "DATABASE_URL": "",
        **extra,
    }


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_the_production_settings(tmp_path):
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_warns_without_tls(tmp_path):
    """The check is real: the same settings without the TLS switch fail it."""
    env = production_env(tmp_path, TIERDESK_BEHIND_TLS="0")
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout


def test_behind_tls_pages_carry_hsts_secure_cookies_and_redirect_plain_http(tmp_path):
    done = run(["-c", PROBE], production_env(tmp_path))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["tls_status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    assert seen["csrf_cookie_secure"] is True
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://desk.example.com/login/"
    assert seen["healthz_plain"] == 200  # load balancers probe backends over plain HTTP
