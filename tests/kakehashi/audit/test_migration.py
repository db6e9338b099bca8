"""Moving the audit record out of matching loses nothing: an existing database keeps
every audit event, with its own time, as an entry scoped to its call."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

#: internships (above offers) needs offers' later migrations, and the apps built on it
#: (funding, mobility, outcomes, reports) need internships: all are left unmigrated (None).
MOVED = {
    "matching": "0001_initial",
    "audit": "0001_initial",
    "offers": "0001_initial",
    "internships": None,
    "mobility": None,
    "funding": None,
    "outcomes": None,
    "reports": None,
}


def _targets(executor: MigrationExecutor, moved: dict[str, str]) -> list[tuple[str, str]]:
    """Every app at its latest migration, except those in `moved`."""
    leaves = dict(executor.loader.graph.leaf_nodes())
    return sorted({**leaves, **moved}.items())


# serialized_rollback: its flush then skips post_migrate, so a later test that restores
# the serialized database finds the content types table empty, as it expects.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audit_events_survive_the_move_to_the_audit_app():
    executor = MigrationExecutor(connection)
    before = _targets(executor, MOVED)
    executor.migrate(before)
    old = executor.loader.project_state([t for t in before if t[1] is not None]).apps
    program = old.get_model("programs", "Program").objects.create(slug="p", name_en="P")
    call = old.get_model("programs", "Call").objects.create(
        program=program, slug="c", name_en="C", match_policy={}, eligibility={}
    )
    user = old.get_model("people", "User").objects.create(username="officer")
    event = old.get_model("matching", "AuditEvent").objects.create(
        call=call, actor=user, verb="run.started", target="run 1", data={"round": 1}
    )

    executor = MigrationExecutor(connection)
    after = _targets(executor, {})
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    entries = new.get_model("audit", "AuditEntry").objects.all()
    content_type = new.get_model("contenttypes", "ContentType").objects.get(
        app_label="programs", model="call"
    )

    assert [
        (e.pk, e.scope_type_id, e.scope_id, e.actor_id, e.verb, e.target, e.data) for e in entries
    ] == [(event.pk, content_type.pk, call.pk, user.pk, "run.started", "run 1", {"round": 1})]
    assert entries.get().at == event.at
    assert isinstance(entries.get().at, dt.datetime)
