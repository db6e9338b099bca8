"""The match instance: the validated, indexed form of the JSON instance format.

An :class:`Instance` is the validated, seed-independent form of the JSON
instance format (see ``docs/match/format.md``). It keeps the original ids and
flat NumPy arrays (compressed rows) so that solvers never touch per-agent
Python objects. Arrays are read-only; an Instance never changes.

Parsing lives in :mod:`kakehashi_match.parse`, the canonical form (plain
data, JSON text and hash) in :mod:`kakehashi_match.canonical`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .arrays import readonly
from .canonical import canonical_json, canonical_text, instance_dict, instance_hash, quoted
from .document import JsonDocument
from .parse import instance_fields
from .ranking import Ranking

__all__ = ["Instance", "Ranking", "canonical_json", "instance_hash"]


@dataclass(frozen=True, eq=False)
class Instance(JsonDocument):
    """A validated matching instance (seed-independent).

    Ids are kept as strings in the order given by sorting them, so that the
    index of an agent does not depend on the order of the JSON object.

    Build it with :meth:`from_dict` or :meth:`from_json`; ``to_dict`` returns
    the canonical JSON form whose SHA-256 is :attr:`input_hash`. Parse an
    instance once and pass the object to :func:`~kakehashi_match.solve` and
    :func:`~kakehashi_match.check`: they use it as it is.

    >>> inst = Instance.from_dict({
    ...     "students": {"s1": ["p1"]},
    ...     "projects": {"p1": {"capacity": 1, "supervisor": "l1"}},
    ...     "supervisors": {"l1": {"capacity": 1, "ranking": ["s1"]}},
    ... })
    >>> inst.n_students, inst.n_projects, inst.n_edges
    (1, 1, 1)
    """

    student_ids: tuple[str, ...]
    project_ids: tuple[str, ...]
    supervisor_ids: tuple[str, ...]
    organisation_ids: tuple[str, ...]
    stu_ptr: np.ndarray  # (S+1,) int64: student s ranks edge_proj[stu_ptr[s]:stu_ptr[s+1]]
    edge_proj: np.ndarray  # (E,) int32
    project_capacity: np.ndarray  # (P,) int64
    project_supervisor: np.ndarray  # (P,) int32, -1 none
    supervisor_capacity: np.ndarray  # (L,) int64, -1 unlimited
    supervisor_org: np.ndarray  # (L,) int32, -1 none
    supervisor_turn: np.ndarray  # (L,) int64: place in its organisation's round-robin order
    org_capacity: np.ndarray  # (O,) int64, -1 unlimited
    project_ranking: Ranking
    supervisor_ranking: Ranking
    org_order: tuple[tuple[str, ...] | None, ...]  # the "order" given per organisation
    groups: tuple[dict[str, Any], ...] = ()
    group_ids: tuple[str, ...] = ()
    exchange: Mapping[str, Any] | None = None  # the parsed "exchange" key (mode exchange)

    # ----------------------------------------------------------------- sizes
    @property
    def n_students(self) -> int:
        return len(self.student_ids)

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_edges(self) -> int:
        return len(self.edge_proj)

    @property
    def has_ties(self) -> bool:
        return self.project_ranking.has_ties or self.supervisor_ranking.has_ties

    @property
    def edge_student(self) -> np.ndarray:
        if "edge_student" not in self._cache:
            lengths = np.diff(self.stu_ptr)
            self._cache["edge_student"] = readonly(
                np.repeat(np.arange(self.n_students, dtype=np.int32), lengths)
            )
        return self._cache["edge_student"]

    @property
    def input_hash(self) -> str:
        """SHA-256 of the canonical JSON form (``sha256:<hex>``)."""
        if "hash" not in self._cache:
            text = self.canonical_text()
            self._cache["hash"] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        return self._cache["hash"]

    def quoted_ids(self, kind: str) -> list[str]:
        """The ids of ``"students"``, ``"projects"``, ``"supervisors"`` or
        ``"organisations"``, each as a JSON string (cached)."""
        key = "quoted_" + kind
        if key not in self._cache:
            ids = {
                "students": self.student_ids,
                "projects": self.project_ids,
                "supervisors": self.supervisor_ids,
                "organisations": self.organisation_ids,
            }[kind]
            self._cache[key] = quoted(ids)
        return self._cache[key]

    def canonical_text(self) -> str:
        """``canonical_json(self.to_dict())``, written section by section from
        the arrays: the text that :attr:`input_hash` hashes. O(N + E)."""
        return canonical_text(self)

    # --------------------------------------------------------------- parsing
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instance:
        """Validate and index an instance given as plain data (never mutated).

        An :class:`Instance` is returned as it is. Raises ``ValueError``
        naming the offending ids on: unknown keys or ids, a project ranked
        twice, negative or non-integer capacities, a ranking naming an
        unknown student, a student twice in one ranking (two tie groups), a
        project with neither supervisor nor ranking.

        Complexity: O(N + E log E) for N agents and E rank-list entries.
        """
        if isinstance(data, Instance):
            return data
        return cls(**instance_fields(data))

    # -------------------------------------------------------------- to_dict
    def to_dict(self) -> dict[str, Any]:
        """The canonical plain-data form (ids sorted, ties as nested lists). O(N + E).

        >>> Instance.from_json('{"students": {"b": ["p"], "a": ["p"]},'
        ...     '"projects": {"p": {"capacity": 1, "ranking": [["b", "a"]]}}}').to_dict()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'students': {'a': ['p'], 'b': ['p']},
         'projects': {'p': {'capacity': 1, 'ranking': [['b', 'a']]}},
         'supervisors': {}, 'organisations': {}}
        """
        return instance_dict(self)
