"""kakehashi_match: published, verified, explained stable matching for
internship programs (students rank projects; supervisors rank students;
capacities nest project ⊂ supervisor ⊂ organisation).

Pure package: plain data in, plain data out; never imports Django.

>>> import kakehashi_match as km
>>> r = km.solve({"students": {"a": ["p"]},
...               "projects": {"p": {"capacity": 1, "ranking": ["a"]}}})
>>> r.assignments
{'a': 'p'}
>>> km.check({"students": {"a": ["p"]},
...           "projects": {"p": {"capacity": 1, "ranking": ["a"]}}}, r)["ok"]
True
"""

from .instance import Instance, canonical_json, instance_hash
from .result import ENGINE_VERSION, Result
from .solve import MODES, check, solve

__all__ = [
    "ENGINE_VERSION",
    "MODES",
    "Instance",
    "Result",
    "canonical_json",
    "check",
    "instance_hash",
    "solve",
]
