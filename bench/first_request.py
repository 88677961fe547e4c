"""How long the first request after `tierdesk serve` starts takes to answer.

    .venv/bin/python bench/first_request.py [--root DIR] [--runs N]

The server (one uvicorn worker, SQLite in a temporary folder, migrated beforehand) is timed
twice for the first answer of ``GET /healthz``: from the command's start (what a restart
costs: imports, the no-op migrate, the URL conf and every module a view imports) and from
the moment its port accepts a connection (what a client that connected at once waits).
``--root`` points at another checkout (with its own ``.venv``) to compare two versions on
the same machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_request_ms(root: Path, env: dict[str, str]) -> tuple[float, float]:
    port = free_port()
    tierdesk = str(root / ".venv" / "bin" / "tierdesk")
    cmd = [tierdesk, "serve", "--workers", "1", "--port", str(port)]
    spawned = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        started = time.perf_counter()
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=120)
        answered = time.perf_counter()
        if response.status_code != 200:
            raise SystemExit(f"/healthz answered {response.status_code}")
        return (answered - spawned) * 1000, (answered - started) * 1000
    finally:
        os.killpg(os.getpgid(proc.pid), signal.SIGKILL)
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tierdesk-first-") as var:
        env = {**os.environ, "DATABASE_URL": "", "TIERDESK_VAR_DIR": var, "DEBUG": "0"}
        migrate = [str(args.root / ".venv/bin/tierdesk"), "migrate"]
        subprocess.run(migrate, env=env, check=True, capture_output=True)
        runs = [first_request_ms(args.root, env) for _ in range(args.runs)]
    print(f"{args.root}: from start (ms) {', '.join(f'{s:,.0f}' for s, _ in runs)}")
    print(f"{args.root}: from port open (ms) {', '.join(f'{p:,.0f}' for _, p in runs)}")
    print(f"start_to_first_answer_ms: {statistics.median(s for s, _ in runs):.0f}")
    print(f"port_to_first_answer_ms: {statistics.median(p for _, p in runs):.0f}")


if __name__ == "__main__":
    main()
