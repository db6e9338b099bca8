"""No constraint or index is named like a table: PostgreSQL keeps both in one namespace
and refuses the second ("relation already exists"), which SQLite never notices."""

from django.apps import apps


def test_constraint_and_index_names_differ_from_every_table_name():
    models = apps.get_models()
    tables = {m._meta.db_table for m in models}
    clashes = [
        f"{m._meta.label}: {c.name}"
        for m in models
        for c in [*m._meta.constraints, *m._meta.indexes]
        if c.name in tables
    ]
    assert clashes == []
