"""One kind of node's rankings of students, in compressed rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Ranking"]


@dataclass(frozen=True, eq=False)
class Ranking:
    """Rankings of one kind of node in compressed rows.

    ``student[ptr[i]:ptr[i+1]]`` are the students node ``i`` ranks, best first;
    ``tier`` gives each entry's tie group (0 = best). ``has[i]`` is False when
    node ``i`` carries no ranking of its own.

    >>> from kakehashi_match import Instance
    >>> r = Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["a", "b"]]}}}).project_ranking
    >>> r.student.tolist(), r.tier.tolist(), r.has_ties
    ([0, 1], [0, 0], True)
    """

    ptr: np.ndarray
    student: np.ndarray
    tier: np.ndarray
    has: np.ndarray
    #: the entries' codes ``owner * n_students + student``, sorted, and their
    #: order, as validation computed them (reused to look entries up)
    sorted_codes: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_ties(self) -> bool:
        if len(self.tier) == 0:
            return False
        # a tie exists when some group holds two entries: tiers per node are 0..g-1
        groups = 0
        for i in np.flatnonzero(self.has):
            a, b = self.ptr[i], self.ptr[i + 1]
            if b > a:
                groups += int(self.tier[b - 1]) + 1
        return groups < len(self.tier)

    def student_names(self, student_ids) -> list[str]:
        """The id of every entry's student (computed once, then cached)."""
        names = self._cache.get("names")
        if names is None:
            names = self._cache["names"] = np.asarray(student_ids, dtype=object)[
                self.student
            ].tolist()
        return names
