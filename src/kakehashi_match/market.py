"""Compile an :class:`Instance` and a seed into flat solver arrays.

Every project hangs under exactly one supervisor and one organisation node:
a project without a supervisor gets an implicit supervisor of unlimited
capacity, and a supervisor without an organisation an implicit organisation
of unlimited capacity.

Each supervisor (the *root* of its projects) gets one strict priority order
over students: the linear extension of its ranking and its projects' own
rankings chosen by Kahn's algorithm, taking ready students by (best
tie-group index, lottery number). The lottery is one seeded permutation of
all students (single tie breaking, Erdil & Ergin 2008,
doi:10.1257/aer.98.3.669). Because project and supervisor use the same
order, their nested capacities stay substitutable (Abraham, Irving &
Manlove 2007, doi:10.1016/j.jda.2006.03.006). Rankings that contradict each
other (a project ranking a above b while its supervisor ranks b above a)
admit no stable matching in general, so they raise ``ValueError`` naming the
supervisor.

An organisation has no ranking of its own: when its capacity binds it shares
its places among its supervisors round-robin (each in turn takes its best
remaining applicant), the choice rule of Kamada & Kojima 2015
(doi:10.1257/aer.20101552), which keeps deferred acceptance stable and
strategy-proof. Its rejection is the applicant a supervisor would take last:
the worst student of the supervisor with the most students, later turn
first among equals.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from .arrays import readonly
from .backend import kernels
from .instance import Instance

__all__ = ["Market", "compile_market", "lottery", "merged_orders"]


@dataclass(frozen=True, eq=False)
class Market:
    instance: Instance
    seed: int
    n_sup: int  # including implicit supervisors
    n_org: int  # including implicit organisations
    proj_sup: np.ndarray  # (P,) int64
    sup_org: np.ndarray  # (n_sup,) int64
    cap_p: np.ndarray  # (P,) int64
    cap_l: np.ndarray  # (n_sup,) int64, -1 unlimited
    cap_o: np.ndarray  # (n_org,) int64, -1 unlimited
    sup_turn: np.ndarray  # (n_sup,) int64: round-robin place inside the organisation
    edge_key: np.ndarray  # (E,) int64: position in root order, -1 if unacceptable
    edge_stu: np.ndarray  # (E,) int64
    edge_proj: np.ndarray  # (E,) int64
    stu_ptr: np.ndarray  # (S+1,) int64
    lottery: np.ndarray  # (S,) int64 lottery number of each student
    backend: str = "numba"  # which kernels the solvers run on this market

    @property
    def kernels(self) -> ModuleType:
        """The kernel module of :attr:`backend` (see :mod:`kakehashi_match.backend`)."""
        return kernels(self.backend)

    @property
    def turn_base(self) -> int:
        """Multiplier so that ``count * turn_base + turn`` orders supervisors."""
        return int(self.sup_turn.max()) + 1 if len(self.sup_turn) else 1


def lottery(n: int, seed: int) -> np.ndarray:
    """Lottery number of each of *n* students: a permutation from *seed*.

    O(n). Single tie-breaking: one lottery for every host (Erdil & Ergin
    2008, doi:10.1257/aer.98.3.669).

    >>> sorted(lottery(4, seed=7).tolist())
    [0, 1, 2, 3]
    """
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)))
    return rng.permutation(n).astype(np.int64)


def compile_market(inst: Instance, seed: int = 0, backend: str = "numba") -> Market:
    """Compile an instance and a seed into the flat arrays the solvers use.

    Parameters
    ----------
    inst : Instance
        The parsed instance.
    seed : int
        Non-negative; draws the lottery that breaks ties in host rankings.
    backend : {"numba", "numpy"}
        Which twin of the kernels computes the priorities here and runs the
        solvers on the returned market; the results are identical.

    Returns
    -------
    Market
        Each edge's priority at its supervisor (``edge_key``, -1 when the
        host does not rank the student), implicit supervisors and
        organisations of unlimited capacity filled in.

    Raises
    ------
    ValueError
        Bad seed or backend; rankings under one supervisor that contradict
        each other.

    Notes
    -----
    O(N + E log E). Single tie-breaking by one lottery (Erdil & Ergin 2008,
    doi:10.1257/aer.98.3.669); the merged order per supervisor keeps nested
    capacities substitutable (Abraham, Irving & Manlove 2007,
    doi:10.1016/j.jda.2006.03.006).

    Examples
    --------
    >>> m = compile_market(Instance.from_dict({
    ...     "students": {"a": ["p"], "b": ["p"]},
    ...     "projects": {"p": {"capacity": 1, "ranking": [["a", "b"]]}}}), seed=1)
    >>> sorted(m.edge_key.tolist()), m.backend
    ([0, 1], 'numba')
    """
    k = kernels(backend)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    n_s = inst.n_students
    n_l0, n_o0 = len(inst.supervisor_ids), len(inst.organisation_ids)

    proj_sup = inst.project_supervisor.astype(np.int64)
    no_sup = np.flatnonzero(proj_sup < 0)
    proj_sup[no_sup] = n_l0 + np.arange(len(no_sup))
    n_sup = n_l0 + len(no_sup)
    sup_org = np.concatenate([inst.supervisor_org.astype(np.int64), np.full(len(no_sup), -1)])
    no_org = np.flatnonzero(sup_org < 0)
    sup_org[no_org] = n_o0 + np.arange(len(no_org))
    n_org = n_o0 + len(no_org)
    cap_l = np.concatenate([inst.supervisor_capacity, np.full(len(no_sup), -1, np.int64)])
    cap_o = np.concatenate([inst.org_capacity, np.full(len(no_org), -1, np.int64)])
    lot = lottery(n_s, seed)

    sr, pr = inst.supervisor_ranking, inst.project_ranking
    e_stu = inst.edge_student.astype(np.int64)
    e_proj = inst.edge_proj.astype(np.int64)
    e_sup = proj_sup[e_proj]
    stu_ptr = inst.stu_ptr.astype(np.int64)
    tiebreak_positions, edge_lookup = k.tiebreak_positions, k.edge_lookup
    if not pr.has.any():
        # fast path: each supervisor's order is its own ranking, ties by lottery
        pos = tiebreak_positions(sr.ptr, sr.student, sr.tier, lot)
        if backend == "numpy":
            key = edge_lookup(
                stu_ptr, e_sup, sr.ptr, sr.student, pos, n_s, sorted_codes=sr.sorted_codes
            )
        else:
            key = edge_lookup(stu_ptr, e_sup, sr.ptr, sr.student, pos, n_s)
    else:
        root_ptr, root_stu, root_pos = merged_orders(inst, proj_sup, n_sup, lot)
        key = edge_lookup(stu_ptr, e_sup, root_ptr, root_stu, root_pos, n_s)
        # acceptable: ranked by the project's own ranking, else by its supervisor
        ones_p = np.zeros(len(pr.student), dtype=np.int64)
        in_proj = edge_lookup(stu_ptr, e_proj, pr.ptr, pr.student, ones_p, n_s) >= 0
        ones_s = np.zeros(len(sr.student), dtype=np.int64)
        real_sup = np.where(inst.project_supervisor[e_proj] >= 0, e_sup, -1)
        in_sup = edge_lookup(stu_ptr, real_sup, sr.ptr, sr.student, ones_s, n_s) >= 0
        acc = np.where(pr.has[e_proj], in_proj, in_sup)
        key[~acc] = -1
    return Market(
        instance=inst,
        seed=int(seed),
        n_sup=n_sup,
        n_org=n_org,
        proj_sup=readonly(proj_sup),
        sup_org=readonly(sup_org),
        cap_p=readonly(inst.project_capacity.astype(np.int64)),
        cap_l=readonly(cap_l),
        cap_o=readonly(cap_o),
        sup_turn=readonly(np.concatenate([inst.supervisor_turn, np.zeros(len(no_sup), np.int64)])),
        edge_key=readonly(key),
        edge_stu=readonly(e_stu),
        edge_proj=readonly(e_proj),
        stu_ptr=readonly(stu_ptr),
        lottery=readonly(lot),
        backend=backend,
    )


def merged_orders(inst: Instance, proj_sup: np.ndarray, n_sup: int, lot: np.ndarray):
    """Each supervisor's strict order merging its ranking and its projects'
    own rankings (Kahn's algorithm). Returns compressed rows (ptr, student,
    position) over supervisors; raises ValueError when the rankings conflict.
    """
    n_s, n_p, n_l0 = inst.n_students, inst.n_projects, len(inst.supervisor_ids)
    pr, sr = inst.project_ranking, inst.supervisor_ranking
    parts = []
    rid_base = 0
    for rk, node_root, n_nodes in (
        (pr, proj_sup, n_p),
        (sr, np.arange(n_l0, dtype=np.int64), n_l0),
    ):
        owner = np.repeat(np.arange(n_nodes, dtype=np.int64), np.diff(rk.ptr))
        parts.append(
            (
                node_root[owner],
                rk.student.astype(np.int64),
                rk.tier.astype(np.int64),
                owner + rid_base,
            )
        )
        rid_base += n_nodes
    root = np.concatenate([p[0] for p in parts])
    stu = np.concatenate([p[1] for p in parts])
    tier = np.concatenate([p[2] for p in parts])
    rid = np.concatenate([p[3] for p in parts])

    code = root * n_s + stu
    vcodes, vid = np.unique(code, return_inverse=True)
    n_v = len(vcodes)
    v_root = vcodes // n_s
    v_stu = vcodes % n_s
    v_tier = np.full(n_v, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(v_tier, vid, tier)
    key1 = v_tier * max(n_s, 1) + lot[v_stu] if n_v else np.zeros(0, np.int64)

    # arcs: entry -> dummy(ranking, tie group) -> entries of the next group
    n_e = len(stu)
    if n_e:
        new_group = np.ones(n_e, dtype=bool)
        new_group[1:] = (rid[1:] != rid[:-1]) | (tier[1:] != tier[:-1])
        gid = np.cumsum(new_group) - 1
        first_of_ranking = np.ones(n_e, dtype=bool)
        first_of_ranking[1:] = rid[1:] != rid[:-1]
        grp_rid = rid[new_group]
        has_next = np.zeros(len(grp_rid), dtype=bool)
        has_next[:-1] = grp_rid[1:] == grp_rid[:-1]
        src1 = vid[has_next[gid]]
        dst1 = n_v + gid[has_next[gid]]
        first_gid = gid[first_of_ranking]
        starts = np.flatnonzero(first_of_ranking)
        rank_first = np.repeat(first_gid, np.diff(np.append(starts, n_e)))
        in_first = gid == rank_first
        src2 = n_v + gid[~in_first] - 1
        dst2 = vid[~in_first]
        src = np.concatenate([src1, src2])
        dst = np.concatenate([dst1, dst2])
        n_nodes = n_v + int(gid[-1]) + 1
    else:
        src = dst = np.zeros(0, np.int64)
        n_nodes = 0
    order = np.argsort(src, kind="stable")
    adj_dst = dst[order].astype(np.int64)
    adj_ptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n_nodes), out=adj_ptr[1:])
    indeg = np.bincount(dst, minlength=n_nodes).astype(np.int64)
    # The numba kernels load only when a market asks for them.
    from .kernel import topo_order

    pos, done = topo_order(n_v, key1, v_root, n_sup, adj_ptr, adj_dst, indeg)
    if done < n_nodes:
        stuck = np.flatnonzero(pos < 0)
        roots = sorted({int(r) for r in v_root[stuck][:50]})
        names = [_root_name(inst, r, proj_sup) for r in roots[:5]]
        studs = sorted({inst.student_ids[s] for s in v_stu[stuck][:50].tolist()})[:10]
        raise ValueError(
            "rankings contradict each other under host "
            + ", ".join(names)
            + f" (students {studs}): a project's own ranking must agree with its "
            "supervisor's order, or no stable matching need exist"
        )
    # vertices are sorted by (root, student): compressed rows by root
    root_ptr = np.zeros(n_sup + 1, dtype=np.int64)
    np.cumsum(np.bincount(v_root, minlength=n_sup), out=root_ptr[1:])
    return root_ptr, v_stu.astype(np.int64), pos


def _root_name(inst: Instance, r: int, proj_sup) -> str:
    if r < len(inst.supervisor_ids):
        return f"supervisor {inst.supervisor_ids[r]!r}"
    projs = np.flatnonzero(proj_sup == r)
    return f"project {inst.project_ids[projs[0]]!r}" if len(projs) else f"root {r}"
