"""A consistent copy of the database and the files beside it, and its restore.

``backup_write`` copies the database while the server runs: on SQLite with the online
backup API (``sqlite3.Connection.backup``), on PostgreSQL with ``pg_dump`` (custom
format) on a snapshot exported by a repeatable-read transaction in which the row
counts and checksums are taken too, so the manifest describes exactly what was
dumped. Files outside the database (MEDIA_ROOT if set, and what the apps declare
through ``signals.backup_files``: the embedding cache) go into the same tar with a
manifest: versions, time in UTC, row count and checksum per table, SHA-256 per file.

``backup_restore`` checks the manifest (format, database vendor, migrations this code
knows, every member's SHA-256), refuses a database that holds data unless forced,
restores (SQLite: the backup API the other way; PostgreSQL: ``pg_restore``), then
recounts and re-checksums every table against the manifest.

See docs/backup.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from kakehashi.core.signals import backup_files

FORMAT = "kakehashi-backup/1"
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Tables that `migrate` alone fills (Django's bookkeeping, and the CRDC classification
#: loaded by research_fields' migration): rows there do not make a database "in use".
FILLED_BY_MIGRATE = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "research_fields_researchfield",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# ---------------------------------------------------------------- table statistics


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_table_stats(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Row count and SHA-256 of every table of a SQLite database (sqlite_* aside).

    Each row is hashed as SQLite's own literal of each value (``quote()``), rows in
    sorted order, so the checksum depends on the data only, not on the row order."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    stats = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({_quote(table)})")]
        select = ", ".join(f"quote({_quote(c)})" for c in columns) or "1"
        rows = sorted(
            "\x1f".join(map(str, row))
            for row in conn.execute(f"SELECT {select} FROM {_quote(table)}")
        )
        digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()
        stats[table] = {"rows": len(rows), "sha256": digest}
    return stats


def postgresql_table_stats(cursor) -> dict[str, dict[str, Any]]:
    """Row count and SHA-256 of every table of the current schema, computed by the
    server over each row's text form in sorted order (UTC, ISO dates)."""
    cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    stats = {}
    for table in tables:
        cursor.execute(
            "SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(kh_row::text, "
            "E'\\n' ORDER BY kh_row::text), ''), 'UTF8')), 'hex') "
            f"FROM {_quote(table)} AS kh_row"
        )
        count, digest = cursor.fetchone()
        stats[table] = {"rows": int(count), "sha256": digest}
    return stats


def database_stats(connection=None) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of `connection`'s database (default: the
    default database), as the manifest has them."""
    connection = connection or connections["default"]
    vendor = _vendor(connection)
    connection.ensure_connection()
    if vendor == "sqlite":
        return sqlite_table_stats(connection.connection)
    with _pg_raw(connection) as raw, raw.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            return postgresql_table_stats(cursor)
        finally:
            cursor.execute("ROLLBACK")


def holds_data(stats: dict[str, dict[str, Any]]) -> list[str]:
    """The tables of `stats` with rows that `migrate` alone would not have put there."""
    return sorted(t for t, s in stats.items() if s["rows"] and t not in FILLED_BY_MIGRATE)


# ---------------------------------------------------------------- helpers


def _vendor(connection) -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _pg_env(connection) -> dict[str, str]:
    """libpq's environment for `connection`'s database (the password never on a command line)."""
    params = connection.settings_dict
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if params.get(name):
            env[key] = str(params[name])
    return env


@contextmanager
def _pg_raw(connection) -> Iterator[Any]:
    """A new autocommit connection to `connection`'s database, beside Django's own, closed after."""
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    try:
        yield raw
    finally:
        raw.close()


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)"
        )
    return path


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")
    return done.stdout


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sqlite_copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy a live SQLite database into a new file: one step of the online backup API,
    a consistent snapshot even while other connections write (WAL)."""
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()


def _applied_migrations(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _versions(connection) -> dict[str, str]:
    versions = {
        "kakehashi": metadata.version("kakehashi"),
        "django": django.get_version(),
        "python": platform.python_version(),
    }
    if connection.vendor == "sqlite":
        versions["sqlite"] = sqlite3.sqlite_version
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            versions["postgresql"] = cursor.fetchone()[0]
        versions["pg_dump"] = _run([_pg_tool("pg_dump"), "--version"], os.environ.copy()).strip()
    return versions


def _extra_files() -> dict[str, Path]:
    """Member name → path of the files kept beside the database: what the apps declare
    (``signals.backup_files``) and MEDIA_ROOT's files when it is set."""
    files: dict[str, Path] = {}
    for _receiver, answer in backup_files.send(sender=None):
        files.update(answer or {})
    media = getattr(settings, "MEDIA_ROOT", "")
    if media and Path(media).is_dir():
        root = Path(media)
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files[f"media/{path.relative_to(root).as_posix()}"] = path
    return files


# ---------------------------------------------------------------- backup


def default_backup_path() -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"kakehashi-{stamp}.tar.gz"


def backup_write(*, output: Path | None = None, connection=None) -> dict[str, Any]:
    """Write one archive of `connection`'s database (default: the default database)
    and the files beside it; answers its manifest.

    The archive is written to a temporary file in the same folder, readable by its
    owner only (it holds personal data and password hashes), then renamed."""
    connection = connection or connections["default"]
    vendor = _vendor(connection)
    output = Path(output) if output else default_backup_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kakehashi-backup-") as tmp:
        work = Path(tmp)
        database = work / DATABASE_MEMBER[vendor]
        created_at = dt.datetime.now(dt.UTC)
        if vendor == "sqlite":
            connection.ensure_connection()
            _sqlite_copy(connection.connection, database)
            # Counted on the copy: exactly what the archive holds.
            copy = sqlite3.connect(database)
            try:
                tables = sqlite_table_stats(copy)
            finally:
                copy.close()
        else:
            tables = _pg_dump(connection, database)
        members: dict[str, Path] = {DATABASE_MEMBER[vendor]: database}
        for name, path in _extra_files().items():
            if not path.is_file():
                continue
            if path.suffix == ".sqlite3":
                # A live SQLite file (the embedding cache): copied through its backup API.
                copy_path = work / "files" / name
                copy_path.parent.mkdir(parents=True, exist_ok=True)
                live = sqlite3.connect(path)
                try:
                    _sqlite_copy(live, copy_path)
                finally:
                    live.close()
                members[name] = copy_path
            else:
                members[name] = path
        manifest = {
            "format": FORMAT,
            "created_at": created_at.isoformat().replace("+00:00", "Z"),
            "database": {"vendor": vendor, "member": DATABASE_MEMBER[vendor]},
            "versions": _versions(connection),
            "migrations": _applied_migrations(connection),
            "tables": tables,
            "files": {
                name: {"bytes": path.stat().st_size, "sha256": _sha256_file(path)}
                for name, path in sorted(members.items())
            },
        }
        manifest["checksum"] = _manifest_checksum(manifest)
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created_at.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, path in sorted(members.items()):
                tar.add(path, arcname=name, recursive=False)
        partial.replace(output)
    manifest["path"] = str(output)
    return manifest


def _manifest_checksum(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest without its own checksum (canonical JSON)."""
    body = {k: v for k, v in manifest.items() if k not in ("checksum", "path")}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _pg_dump(connection, target: Path) -> dict[str, dict[str, Any]]:
    """pg_dump (custom format) on a snapshot in which the tables are also counted."""
    pg_dump = _pg_tool("pg_dump")
    with _pg_raw(connection) as raw, raw.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = postgresql_table_stats(cursor)
            # The snapshot lives as long as this transaction: dump while it is open.
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={target}",
                ],
                _pg_env(connection),
            )
        finally:
            cursor.execute("ROLLBACK")
    return tables


# ---------------------------------------------------------------- restore


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("not a Kakehashi backup: it has no manifest.json")
    manifest = json.loads(member.read().decode())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (expected {FORMAT})")
    if manifest.get("checksum") != _manifest_checksum(manifest):
        raise BackupError("the manifest's checksum does not match: the manifest was altered")
    return manifest


def backup_check(path: Path) -> dict[str, Any]:
    """The manifest of the archive at `path`, once every member's size and SHA-256
    match it (BackupError otherwise)."""
    with tarfile.open(path, mode="r:*") as tar:
        manifest = _read_manifest(tar)
        names = set(tar.getnames()) - {MANIFEST}
        expected = set(manifest["files"])
        if names != expected:
            raise BackupError(
                f"the archive's files differ from the manifest: missing {sorted(expected - names)},"
                f" unexpected {sorted(names - expected)}"
            )
        for name, facts in manifest["files"].items():
            h = hashlib.sha256()
            f = tar.extractfile(name)
            for block in iter(lambda f=f: f.read(1 << 20), b""):
                h.update(block)
            if h.hexdigest() != facts["sha256"]:
                raise BackupError(f"{name} is damaged: its SHA-256 differs from the manifest")
    return manifest


def backup_restore(*, path: Path, force: bool = False, connection=None) -> dict[str, Any]:
    """Restore the archive at `path` into `connection`'s database (default: the
    default database) and the files beside it.

    Refused (BackupError, nothing changed) when the manifest does not check, when the
    archive comes from another database vendor or from code with migrations this code
    does not have, and when the database holds data, unless `force`. After the
    restore every table's count and checksum are compared with the manifest."""
    connection = connection or connections["default"]
    path = Path(path)
    manifest = backup_check(path)
    vendor = _vendor(connection)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this backup is of a {manifest['database']['vendor']} database; the target is {vendor}"
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(
            "the backup was made by a newer Kakehashi (migrations unknown here: "
            + ", ".join(unknown[:5])
            + "): restore it with that version"
        )
    has_tables = _has_tables(connection)
    in_use = holds_data(database_stats(connection)) if has_tables else []
    if in_use and not force:
        raise BackupError(
            "the target database holds data (" + ", ".join(in_use[:5]) + "…): "
            "restore refuses to overwrite it without --force"
        )
    with tempfile.TemporaryDirectory(prefix="kakehashi-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(path, mode="r:*") as tar:
            tar.extractall(work, filter="data")
        database = work / manifest["database"]["member"]
        if vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            _pg_restore(connection, database, clean=has_tables)
            # Django's connection may hold a stale view of the replaced schema.
            connection.close()
        targets = _extra_files()
        for name in manifest["files"]:
            if name == manifest["database"]["member"]:
                continue
            target = targets.get(name)
            if target is None and name.startswith("media/") and getattr(settings, "MEDIA_ROOT", ""):
                target = Path(settings.MEDIA_ROOT) / name.removeprefix("media/")
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix == ".sqlite3":
                source = sqlite3.connect(work / name)
                live = sqlite3.connect(target)
                try:
                    source.backup(live)
                finally:
                    live.close()
                    source.close()
            else:
                shutil.copyfile(work / name, target)
    restored = database_stats(connection)
    differ = sorted(
        t
        for t in set(manifest["tables"]) | set(restored)
        if manifest["tables"].get(t) != restored.get(t)
    )
    if differ:
        raise BackupError(
            "the restored database differs from the manifest in: " + ", ".join(differ[:10])
        )
    return manifest


def _has_tables(connection) -> bool:
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def _pg_restore(connection, dump: Path, *, clean: bool) -> None:
    args = [
        _pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]
    if clean:
        args += ["--clean", "--if-exists"]
    env = _pg_env(connection)
    args += [f"--dbname={env.get('PGDATABASE', '')}", str(dump)]
    _run(args, env)
