"""Backups of the hub's database and their restore (docs/operations.md "Backups").

- PostgreSQL: `pg_dump --format=custom` (consistent: one snapshot of the whole database,
  taken while the hub serves) into `hub-<UTC time>.dump`; restored with
  `pg_restore --clean --if-exists --no-owner --single-transaction`, so a restore either
  replaces everything or changes nothing. pg_dump must be at least the server's version.
- SQLite (the embedded default): SQLite's online backup API (`sqlite3.Connection.backup`),
  a consistent copy while the hub writes (WAL), into `hub-<UTC time>.sqlite3`; restored
  with the same API the other way, into the live file, under SQLite's write lock.

Files are written under a temporary name and renamed, so a half-written backup is never
taken for a good one; retention keeps the newest `keep` and deletes older ones.
Uploads (logos, HUB_MEDIA_ROOT) are files, not in the database: back them up with the
machine's files.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

PREFIX = "hub-"
SUFFIXES = (".dump", ".sqlite3")


class BackupError(Exception):
    pass


def backup_dir() -> Path:
    return Path(os.environ.get("HUB_BACKUP_DIR") or settings.VAR_DIR / "backups")


def _pg_args(db: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]  # never on the command line (ps shows it)
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} not found: install PostgreSQL's client (postgresql-client)")
    return path


def backup_create(*, directory: Path | None = None, keep: int | None = None) -> Path:
    """One backup of the default database; then keep only the newest `keep`."""
    directory = Path(directory or backup_dir())
    directory.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if connection.vendor == "postgresql":
        target = directory / f"{PREFIX}{stamp}.dump"
        partial = target.with_suffix(".dump.partial")
        args, env = _pg_args(db)
        result = subprocess.run(
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(partial),
             db["NAME"]],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        target = directory / f"{PREFIX}{stamp}.sqlite3"
        partial = target.with_suffix(".sqlite3.partial")
        source = sqlite3.connect(db["NAME"])
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")
    partial.rename(target)
    if keep is None:
        keep = int(os.environ.get("HUB_BACKUP_KEEP", "14"))
    backups_prune(directory=directory, keep=keep)
    return target


def backups_list(directory: Path | None = None) -> list[Path]:
    """The backups in `directory`, oldest first (the names sort by time)."""
    directory = Path(directory or backup_dir())
    if not directory.exists():
        return []
    return sorted(
        p for p in directory.iterdir() if p.name.startswith(PREFIX) and p.suffix in SUFFIXES
    )


def backups_prune(*, directory: Path | None = None, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (keep at least 1); the deleted paths."""
    old = backups_list(directory)[: -max(keep, 1)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_restore(path: Path) -> None:
    """Replace the default database's contents with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file {path}")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        if path.suffix != ".dump":
            raise BackupError("a PostgreSQL database restores a .dump (pg_dump) file")
        connection.close()
        args, env = _pg_args(db)
        result = subprocess.run(
            [_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--exit-on-error", "--dbname", db["NAME"], str(path)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        if path.suffix != ".sqlite3":
            raise BackupError("an SQLite database restores a .sqlite3 backup")
        connection.close()
        source = sqlite3.connect(path)
        dest = sqlite3.connect(db["NAME"], timeout=30)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    else:
        raise BackupError(f"no restore for the {connection.vendor} database")
