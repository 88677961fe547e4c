"""django-helpdesk 2.6.1 as bench/api_tickets.py's peer: its virtualenv, data and server.

The peer runs in ``.venv-peer-helpdesk`` at the project root, built from the interpreter
scripts/env.sh finds and the pins in requirements.txt (package registry, once; later runs
reuse it). It never shares tierdesk's environment: it has its own Django project
(helpdesk_site/) and its own PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

NAME = "django-helpdesk 2.6.1"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
VENV = ROOT / ".venv-peer-helpdesk"
BIN = VENV / "bin"
REQUIREMENTS = HERE / "requirements.txt"
STAMP = VENV / ".installed"


class PeerUnavailable(Exception):
    """The peer could not be installed, loaded or served; the message says why."""


@dataclass(frozen=True)
class PeerData:
    token: str
    queue: int
    lo: int
    hi: int


def _run(cmd: list[str], what: str, env: dict[str, str] | None = None, timeout: float = 600):
    proc = subprocess.run(
        cmd, cwd=HERE, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
        raise PeerUnavailable(f"{what} failed (exit {proc.returncode}): " + " | ".join(tail))
    return proc.stdout


def _project_python() -> str:
    """The interpreter tierdesk's own scripts pick (scripts/env.sh's find_python)."""
    out = _run(["bash", "-c", f"source '{ROOT}/scripts/env.sh' && find_python"], "find_python")
    return out.strip().splitlines()[-1]


def install() -> None:
    """Creates or updates the peer's virtualenv when requirements.txt changed."""
    if STAMP.exists() and STAMP.stat().st_mtime >= REQUIREMENTS.stat().st_mtime:
        return
    if not (BIN / "python").exists():
        _run([_project_python(), "-m", "venv", str(VENV)], "creating .venv-peer-helpdesk")
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "install", "-r", str(REQUIREMENTS)], f"pip install {NAME}", timeout=900)
    STAMP.touch()


def env(database_url: str, media: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return base | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings",
        "HELPDESK_MEDIA_ROOT": str(media),
        "PYTHONPATH": str(HERE),
        "PYTHONUNBUFFERED": "1",
    }


def load(peer_env: dict[str, str], tickets: int) -> PeerData:
    """Migrates the (empty) database and loads the queue, staff user, token and tickets."""
    _run([str(BIN / "python"), "-m", "django", "migrate", "-v0"], "peer migrate", peer_env)
    out = _run([str(BIN / "python"), "load.py", str(tickets)], "peer data load", peer_env)
    line = next(ln for ln in out.splitlines() if ln.startswith("PEER_DATA "))
    return PeerData(**json.loads(line.removeprefix("PEER_DATA ")))


def serve_command(server: str, workers: int) -> list[str]:
    """The peer under ``server``, a name from tierdesk's bench with the same command line."""
    common = ["--workers", str(workers), "--port", "{port}", "--log-level", "warning"]
    commands = {
        "uvicorn-asgi": [
            str(BIN / "uvicorn"),
            "helpdesk_site.asgi:application",
            *common,
            "--lifespan",
            "off",
        ],
        "granian-wsgi": [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            *common,
            "helpdesk_site.wsgi:application",
        ],
    }
    return commands[server]
