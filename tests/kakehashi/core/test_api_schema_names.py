"""Every schema of the API has its own name: the OpenAPI document keys components by class
name, so two apps' `RunOut` would make one operation document the other's answer (the
API fuzzing step found three such operations)."""

import importlib
import inspect
from collections import defaultdict

from django.apps import apps
from ninja import Schema


def test_schema_class_names_are_unique_across_apps():
    where = defaultdict(list)
    for config in apps.get_app_configs():
        if not config.name.startswith("kakehashi."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Schema)
                and obj.__module__ == module.__name__
            ):
                where[name].append(module.__name__)
    assert {name: modules for name, modules in where.items() if len(modules) > 1} == {}
