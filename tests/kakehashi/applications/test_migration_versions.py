"""Rank lists saved before versions were kept become their candidate's version 1."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import factories

BEFORE = [("applications", "0004_ranklistversion")]
AFTER = [("applications", "0005_rank_list_versions_of_existing_lists")]


@pytest.fixture
def _latest_after():
    # Back to the latest migration of every app afterwards: a later migration of
    # applications left unapplied would break the next test that migrates.
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_latest_after")
def test_existing_rank_lists_become_version_one():
    world = factories.page_world()
    factories.ApplicationFactory(candidate=world.candidate, project=world.other_project, rank=1)
    world.application.rank = 2
    world.application.save()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    versions = executor.loader.project_state(AFTER).apps.get_model(
        "applications", "RankListVersion"
    )

    assert [
        (v.candidate_id, v.call_id, v.number, v.reason, v.entries) for v in versions.objects.all()
    ] == [
        (
            world.candidate.pk,
            world.call.pk,
            1,
            "existing",
            [
                {
                    "rank": 1,
                    "project_id": world.other_project.pk,
                    "key": "robotics",
                    "title": "ロボット制御の研究",
                },
                {
                    "rank": 2,
                    "project_id": world.project.pk,
                    "key": "eeg-decoding",
                    "title": "Decoding EEG for brain-computer interfaces",
                },
            ],
        )
    ]
