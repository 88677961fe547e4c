"""`tierdesk backup` and `tierdesk restore`: the database and the attachments in one archive.

PostgreSQL is dumped with pg_dump (custom format) and restored with pg_restore in one
transaction; SQLite is copied with SQLite's online backup API, consistent even while the
server writes. The archive also holds every file under MEDIA_ROOT (attachments, reports)
and a manifest saying what it holds, so that a restore refuses an archive of the other
database engine instead of half-restoring it.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tierdesk.errors import Invalid

FORMAT = 1


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg(tool: str) -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = [tool, "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    args += ["-U", db["USER"] or "postgres", "-d", db["NAME"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    # The tools and their arguments are ours; only settings' database names go in, as
    # separate arguments, never through a shell.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()}")


def backup(*, archive: Path) -> dict[str, Any]:
    """Write the archive; returns its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if _engine() == "postgresql":
            args, env = _pg("pg_dump")
            _run([*args, "--format=custom", "--no-owner", "-f", str(work / "database.dump")], env)
            dump = "database.dump"
        else:
            connection.ensure_connection()
            with sqlite3.connect(work / "database.sqlite3") as copy:
                connection.connection.backup(copy)  # type: ignore[union-attr]
            dump = "database.sqlite3"
        files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
        manifest = {
            "format": FORMAT,
            "engine": _engine(),
            "database": dump,
            "created_at": timezone.now().isoformat(),
            "media_files": len(files),
            "media_bytes": sum(p.stat().st_size for p in files),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", "manifest.json")
            tar.add(work / dump, dump)
            for path in files:
                tar.add(path, f"media/{path.relative_to(media)}")
        partial.replace(archive)  # a crash mid-way never leaves a truncated archive behind
    return manifest


def restore(*, archive: Path) -> dict[str, Any]:
    """Replace the database and MEDIA_ROOT with the archive's; returns its manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT or manifest.get("engine") != _engine():
            raise Invalid(
                f"This archive holds a {manifest.get('engine')} database (format "
                f"{manifest.get('format')}); tierdesk here runs on {_engine()}. Restore it into "
                f"a tierdesk on {manifest.get('engine')}.",
                fields={"archive": "other database engine"},
            )
        dump = work / manifest["database"]
        if _engine() == "postgresql":
            connection.close()
            args, env = _pg("pg_restore")
            restore_args = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
            _run([*args, *restore_args, str(dump)], env)
        else:
            connection.ensure_connection()
            with sqlite3.connect(dump) as source:
                source.backup(connection.connection)  # type: ignore[arg-type]
        _replace_media(work / "media")
    return manifest


def _replace_media(restored: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    old = media.with_name(media.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    media.rename(old)
    if restored.exists():
        shutil.move(restored, media)
    else:
        media.mkdir()
    shutil.rmtree(old)
