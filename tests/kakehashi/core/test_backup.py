"""manage.py backup / restore: a round trip of the demo and a published run loses
nothing, on whichever database the suite runs (SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from importlib import import_module
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from kakehashi.core.backup import (
    DATABASE_MEMBER,
    FORMAT,
    MANIFEST,
    BackupError,
    _manifest_checksum,
    _pg_raw,
    backup_restore,
    database_stats,
)
from kakehashi.matching.models import MatchRun
from kakehashi.matching.services import run_publish
from kakehashi.offers.models import Offer
from kakehashi.people.models import User
from kakehashi.recommendations.embedding import embedding_cache
from kakehashi.research_fields.models import ResearchField

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def restore_db(tmp_path):
    """A connection to a second, empty database beside the suite's, dropped after: a
    SQLite file, or a PostgreSQL database created for the test (a connection of its
    own, outside ``connections``, which the test case would refuse)."""
    default = connections["default"]
    settings_dict = dict(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings_dict["NAME"] = f"{default.settings_dict['NAME']}_restore"
        with _pg_raw(default) as raw:
            raw.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            raw.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    connection = type(default)(settings_dict, alias="restore")
    yield connection
    connection.close()
    if default.vendor != "sqlite":
        with _pg_raw(default) as raw:
            raw.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


@pytest.fixture
def demo_with_published_run(settings, tmp_path, market, start):
    """The demo, plus the matching tests' market with its round one published, plus
    one vector in the embedding cache."""
    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "embeddings-source")
    # A transactional test before this one may have flushed the CRDC fields that a data
    # migration loads (see the browser tests' conftest): put them back for the demo.
    if not ResearchField.objects.exists():
        import_module("kakehashi.research_fields.migrations.0002_load_crdc2020").load(apps, None)
    call_command("load_demo", stdout=StringIO())
    run = run_publish(run=start(market), user=market.officer)
    embedding_cache().put_many({"k" * 64: np.ones(4, np.float32)})
    return run


def _write_backup(tmp_path: Path) -> Path:
    out = StringIO()
    path = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(path), stdout=out)
    assert out.getvalue().startswith(f"Backup written: {path} (")
    return path


def test_round_trip_of_the_demo_and_a_published_run_loses_nothing(
    demo_with_published_run, restore_db, settings, tmp_path
):
    before = database_stats()
    assert before["people_user"]["rows"] == User.objects.count() > 55
    assert before["matching_matchrun"]["rows"] == 2  # this run and the demo past round's
    path = _write_backup(tmp_path)
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
        assert sorted(tar.getnames()) == sorted(
            [
                MANIFEST,
                DATABASE_MEMBER[connections["default"].vendor],
                "embeddings/embeddings.sqlite3",
            ]
        )
    assert manifest["format"] == FORMAT and manifest["created_at"].endswith("Z")
    assert manifest["tables"] == before
    assert {"kakehashi", "django", "python"} <= set(manifest["versions"])
    assert (path.stat().st_mode & 0o777) == 0o600

    vectors = len(embedding_cache())
    assert vectors > 1
    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "embeddings-restored")
    assert backup_restore(path=path, connection=restore_db)["tables"] == before

    assert database_stats(restore_db) == before
    with restore_db.cursor() as cursor:
        # The demo's past round has a published run of its own: look for this one.
        cursor.execute(
            "SELECT id, result FROM matching_matchrun WHERE published_at IS NOT NULL"
            " AND call_id = %s",
            [demo_with_published_run.call_id],
        )
        (pk, result), *more = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM offers_offer WHERE run_id = %s", [pk])
        offers = cursor.fetchone()[0]
    run = demo_with_published_run
    assert (pk, more) == (run.pk, [])
    result = json.loads(result) if isinstance(result, str) else result
    assert result["assignments"] == MatchRun.objects.get(pk=run.pk).result["assignments"]
    assert offers == Offer.objects.filter(run=run).count() == 2
    restored = sqlite3.connect(tmp_path / "embeddings-restored" / "embeddings.sqlite3")
    assert restored.execute("SELECT count(*) FROM emb").fetchone() == (vectors,)
    restored.close()


def test_restore_refuses_a_database_that_holds_data_without_force(
    demo_with_published_run, tmp_path
):
    path = _write_backup(tmp_path)
    with pytest.raises(CommandError, match=r"holds data .* without --force"):
        call_command("restore", str(path), stdout=StringIO())
    before = database_stats()
    call_command("restore", str(path), "--force", stdout=StringIO())
    assert database_stats() == before


def _rewrite(path: Path, target: Path, *, manifest=None, replace: dict | None = None) -> None:
    """Copy the archive at `path` to `target` with another manifest or member contents."""
    with tarfile.open(path) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == MANIFEST and manifest is not None:
                data = json.dumps(manifest).encode()
            if replace and member.name in replace:
                data = replace[member.name]
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_restore_checks_the_manifest(demo_with_published_run, restore_db, tmp_path):
    path = _write_backup(tmp_path)
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(path, damaged, replace={"embeddings/embeddings.sqlite3": b"not sqlite"})
    with pytest.raises(BackupError, match=r"embeddings\.sqlite3 is damaged"):
        backup_restore(path=damaged, connection=restore_db)

    altered = dict(manifest, tables={})
    edited = tmp_path / "edited.tar.gz"
    _rewrite(path, edited, manifest=altered)
    with pytest.raises(BackupError, match="manifest's checksum does not match"):
        backup_restore(path=edited, connection=restore_db)

    newer = dict(manifest, migrations=[*manifest["migrations"], "people.9999_future"])
    newer["checksum"] = _manifest_checksum(newer)
    future = tmp_path / "future.tar.gz"
    _rewrite(path, future, manifest=newer)
    with pytest.raises(BackupError, match=r"newer Kakehashi .*people\.9999_future"):
        backup_restore(path=future, connection=restore_db)
    # Nothing was restored by the refusals.
    with restore_db.cursor() as cursor:
        assert "people_user" not in restore_db.introspection.table_names(cursor)
