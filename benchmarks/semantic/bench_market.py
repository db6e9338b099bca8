"""Market-aware ranking vs plain relevance ranking, measured with the match engine.

    .venv/bin/python benchmarks/semantic/bench_market.py [--seeds 200] [--scales 1,2,4,8]

Issue item 5. The market is built from the demo (``src/kakehashi/demo/data``): the 31
approved projects (45 places) and the 24 candidates, with the texts the web project
embeds (a project: title, summary, description; a candidate: research interests) and
their vectors from the demo's embeddings fixture (copied into a temporary cache; a text
missing from the fixture would be encoded by e5 through that cache).

1. **Relevance.** For each demo candidate, the engine's ``recommend`` hybrid score
   (centred e5 cosine, fields, skills, language; centring fitted on every demo project
   text, as the web's project index does) against the projects it is eligible for:
   hosted in the other country (a CA_JP candidate sees Japanese-hosted projects and
   vice versa; the demo's single program admits every level and both directions).
   Ineligible pairs get relevance 0 and are never shown.
2. **Scaled market.** ``scale`` × 24 synthetic candidates per seed: each demo candidate
   is replicated ``scale`` times; a replica keeps the profile's fields, skills and
   languages, and its centred embedding is moved by seeded Gaussian noise
   (``v' = unit(v + tau * g)``, ``g ~ N(0, I/d)``, ``tau = 0.5``: cosine ≈ 0.9 to the
   original), so its semantic part and its hybrid score change as ``recommend`` would
   compute them. Projects and capacities are the demo's.
3. **Policies.** Each candidate is shown ``k = 5`` projects (the call's ranking limit):
   plain relevance top-k, or ``market_aware_rankings(relevance, capacities, k=5)``.
4. **Applications.** Two behaviours (``--behaviour``). ``examine`` (the engine's own
   model, Su et al.): the project at position j is examined with probability
   1/log2(j+1) and applied to if the candidate is keen, with probability = relevance.
   ``all``: every project shown is applied to. The same draws (common random numbers)
   serve both policies, so differences come from the lists only.
5. **Match.** A candidate ranks its applications by its own true utility
   ``relevance + N(0, 0.1)``; each project's supervisor ranks its applicants by
   ``relevance + N(0, 0.1)`` (independent draws), all acceptable; the match engine's
   student-proposing deferred acceptance (``kakehashi_match.solve``, mode ``student``)
   places them. Both policies see the same candidates and the same noise per seed.

Printed per scale: matches (mean ± sd, median over seeds), mean rank of the match in
the candidate's list, share of places filled, share of projects left empty, the ratio
market-aware / plain, and the engine's own estimate (``expected_matches``). No Django.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from kakehashi_match import solve
from kakehashi_semantic import (
    EmbeddingCache,
    LanguageCentering,
    Profile,
    Weights,
    default_encoder,
    embed,
    expected_matches,
    market_aware_rankings,
    recommend,
)
from kakehashi_semantic.bias import SMALL_LANGUAGE_SHRINKAGE
from kakehashi_semantic.market import examination_weights

DATA = Path(__file__).resolve().parents[2] / "src" / "kakehashi" / "demo" / "data"
K = 5  # the demo call's ranking_limit
TAU = 0.5  # embedding noise of a synthetic candidate
SIGMA_CANDIDATE = 0.1  # candidate's utility noise
SIGMA_HOST = 0.1  # supervisor's ranking noise
# as src/kakehashi/recommendations/embedding.py (copied: that module imports Django)
LANGUAGE_LEVELS = {
    "A1": 0.2, "A2": 0.35, "B1": 0.5, "B2": 0.7, "C1": 0.85, "C2": 1.0,
    "N5": 0.2, "N4": 0.35, "N3": 0.5, "N2": 0.7, "N1": 0.85, "native": 1.0,
}  # fmt: skip
REQUIRED_LEVEL = 0.7
MIN_GROUP = 10
HOST_COUNTRY = {"CA_JP": "JP", "JP_CA": "CA"}
BEHAVIOURS = {
    "examine": "a shown project is applied to when its position is examined"
    " (probability 1/log2(j+1)) and the candidate is keen (probability = relevance)",
    "all": "every shown project is applied to",
}


def _json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def project_text(p: dict) -> str:
    parts = (p.get("title"), p.get("summary"), p.get("description"))
    return "\n\n".join(x.strip() for x in parts if x and x.strip())


def _seeded_cache(directory: str) -> EmbeddingCache:
    """A temporary cache holding the demo fixture's vectors (as `embeddings_seed`)."""
    cache = EmbeddingCache(directory)
    with np.load(DATA / "embeddings.npz") as data:
        keys = [row.tobytes().hex() for row in data["keys"]]
        vectors = data["vectors"].astype(np.float32)
    cache.put_many(dict(zip(keys, vectors, strict=True)))
    return cache


def demo_market(cache: EmbeddingCache):
    """Relevance parts of the demo: (semantic-free score, centred vectors, eligibility)."""
    country = {o["ror_id"]: o["country"] for o in _json("organisations.json")}
    projects_all = [p for p in _json("projects.json") if project_text(p)]
    projects = [p for p in projects_all if p["status"] == "approved"]
    people = [c for c in _json("people.json")["candidates"] if c["research_interests"].strip()]
    enc = default_encoder()  # loads e5 only if a text is missing from the fixture
    w = Weights()

    all_vecs = embed([project_text(p) for p in projects_all], encoder=enc, cache=cache)
    all_langs = [p["language"] for p in projects_all]
    centering = LanguageCentering.fit(
        all_vecs, all_langs, min_count=MIN_GROUP, shrinkage=SMALL_LANGUAGE_SHRINKAGE
    )
    p_vecs = centering.transform(
        embed([project_text(p) for p in projects], encoder=enc, cache=cache),
        [p["language"] for p in projects],
    )
    c_vecs = centering.transform(
        embed([c["research_interests"].strip() for c in people], encoder=enc, cache=cache),
        [c["interests_language"] for c in people],
    )
    targets = [
        Profile(
            id=("project", j),
            kind="project",
            text=project_text(p),
            lang=p["language"],
            fields=frozenset(p["fields"]),
            skills=frozenset(p["skills"]),
            languages={p["working_language"]: REQUIRED_LEVEL},
        )
        for j, p in enumerate(projects)
    ]
    n_c, n_p = len(people), len(projects)
    eligible = np.zeros((n_c, n_p), bool)
    rest = np.zeros((n_c, n_p))  # fields + skills + language part of the score
    score = np.zeros((n_c, n_p))
    for i, c in enumerate(people):
        levels: dict[str, float] = {}
        for lg in c["languages"]:
            levels[lg["code"]] = max(levels.get(lg["code"], 0.0), LANGUAGE_LEVELS[lg["level"]])
        source = Profile(
            id=("candidate", i),
            kind="candidate",
            text=c["research_interests"].strip(),
            lang=c["interests_language"],
            fields=frozenset(c["fields"]),
            skills=frozenset(c["skills"]),
            languages=levels,
        )
        ok = [
            j
            for j, p in enumerate(projects)
            if country[p["host_ror"]] == HOST_COUNTRY[c["direction"]]
        ]
        eligible[i, ok] = True
        recs = recommend(
            source, [targets[j] for j in ok], k=len(ok), encoder=enc, cache=cache,
            centering=centering, explain=False,
        )  # fmt: skip
        for r in recs:
            j = r.id[1]
            score[i, j] = r.score
            rest[i, j] = w.fields * r.fields + w.skills * r.skills + w.language * r.language
    # the semantic part recomputed from the centred vectors reproduces `recommend`
    sem = np.clip(c_vecs @ p_vecs.T, 0, 1)
    gap = np.abs(np.where(eligible, w.semantic * sem + rest, 0) - score).max()
    assert gap < 1e-4, f"relevance reconstruction differs from recommend() by {gap}"
    cap = np.array([p["capacity"] for p in projects], float)
    return c_vecs, p_vecs, rest, eligible, cap, w.semantic, getattr(enc, "_model", None) is not None


def synthetic_relevance(rng, scale, c_vecs, p_vecs, rest, eligible, w_sem):
    """``scale`` replicas of every demo candidate with noisy embeddings (see module doc)."""
    base = np.repeat(np.arange(len(c_vecs)), scale)
    g = rng.normal(size=(len(base), c_vecs.shape[1])) / np.sqrt(c_vecs.shape[1])
    v = c_vecs[base] + TAU * g
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    rel = w_sem * np.clip(v @ p_vecs.T, 0, 1) + rest[base]
    return np.where(eligible[base], np.clip(rel, 0, 1), 0.0), eligible[base]


def run_match(lists, utility, host_score, cap, seed):
    """DA with the candidates' ranked applications; returns (matched, mean rank, fill)."""
    n_p = len(cap)
    students, applicants = {}, [[] for _ in range(n_p)]
    for i, row in enumerate(lists):
        order = sorted(row, key=lambda j: -utility[i, j])
        students[f"s{i}"] = [f"p{j}" for j in order]
        for j in order:
            applicants[j].append(i)
    sups = {}
    for j in range(n_p):
        ranked = sorted(applicants[j], key=lambda i: -host_score[i, j])
        sups[f"L{j}"] = {"capacity": int(cap[j]), "ranking": [f"s{i}" for i in ranked]}
    inst = {
        "students": students,
        "projects": {f"p{j}": {"capacity": int(cap[j]), "supervisor": f"L{j}"} for j in range(n_p)},
        "supervisors": sups,
    }
    got = solve(inst, mode="student", seed=seed).assignments
    got = {s: p for s, p in got.items() if p is not None}
    ranks = [students[s].index(p) + 1 for s, p in got.items()]
    fill = np.zeros(n_p)
    for p in got.values():
        fill[int(p[1:])] += 1
    return len(got), float(np.mean(ranks)) if ranks else float("nan"), fill


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--behaviour", choices=[*BEHAVIOURS, "both"], default="both")
    ap.add_argument("--alpha", type=float, default=1.0, help="market_aware_rankings alpha")
    ap.add_argument("--scales", default="1,2,4,8", help="synthetic candidates per demo one")
    args = ap.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    behaviours = list(BEHAVIOURS) if args.behaviour == "both" else [args.behaviour]
    t0 = time.perf_counter()
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        cache = _seeded_cache(tmp)
        c_vecs, p_vecs, rest, eligible, cap, w_sem, encoded = demo_market(cache)
        cache.close()
    print(
        f"demo: {len(c_vecs)} candidates, {len(cap)} approved projects, {int(cap.sum())} places;"
        f" e5 {'loaded (a text was missing from the fixture)' if encoded else 'not loaded'}"
    )
    print(f"k = {K}; {args.seeds} seeds per scale; DA = kakehashi_match.solve(mode='student')\n")
    head = (
        f"{'cands':>5} {'policy':<13} {'matches mean±sd':>16} {'median':>6} {'rank':>5}"
        f" {'places':>6} {'empty':>6} {'estimate':>8}"
    )
    print(head)
    print("-" * len(head))
    for behaviour, scale in [(b, s) for b in behaviours for s in scales]:
        if scale == scales[0]:
            print(f"behaviour: {BEHAVIOURS[behaviour]}")
        res = {"plain": [], "market-aware": []}
        for seed in range(args.seeds):
            rng = np.random.default_rng([scale, seed])
            rel, elig = synthetic_relevance(rng, scale, c_vecs, p_vecs, rest, eligible, w_sem)
            utility = rel + rng.normal(0, SIGMA_CANDIDATE, rel.shape)
            host = rel + rng.normal(0, SIGMA_HOST, rel.shape)
            # common random numbers: the same draws decide applications under both policies
            seen = rng.random((len(rel), K)) < examination_weights(K)  # position examined
            keen = rng.random(rel.shape) < rel  # would apply to the project if seen
            if behaviour == "all":
                seen[:], keen[:] = True, True
            plain = np.argsort(-rel, axis=1, kind="stable")[:, :K]
            aware = market_aware_rankings(rel, cap, k=K, alpha=args.alpha).rankings
            for name, rk in (("plain", plain), ("market-aware", aware)):
                lists = [
                    [
                        int(j)
                        for pos, j in enumerate(row)
                        if elig[i, j] and seen[i, pos] and keen[i, j]
                    ]
                    for i, row in enumerate(rk)
                ]
                est = expected_matches(rel, cap, rk)[0]
                n, mean_rank, fill = run_match(lists, utility, host, cap, seed)
                res[name].append((n, mean_rank, fill.sum() / cap.sum(), (fill == 0).mean(), est))
        for name, rows in res.items():
            a = np.array(rows)
            n_c = len(c_vecs) * scale
            print(
                f"{n_c:>5} {name:<13} {a[:, 0].mean():>9.2f} ± {a[:, 0].std():<4.2f}"
                f" {np.median(a[:, 0]):>6.1f} {np.nanmean(a[:, 1]):>5.2f} {a[:, 2].mean():>6.1%}"
                f" {a[:, 3].mean():>6.1%} {a[:, 4].mean():>8.2f}"
            )
        p, q = np.array(res["plain"]), np.array(res["market-aware"])
        print(
            f"{'':>5} ratio market-aware / plain: mean {q[:, 0].mean() / p[:, 0].mean():.3f},"
            f" median {np.median(q[:, 0] / p[:, 0]):.3f}; more matches in"
            f" {(q[:, 0] > p[:, 0]).mean():.0%} of seeds,"
            f" fewer in {(q[:, 0] < p[:, 0]).mean():.0%}\n"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{time.perf_counter() - t0:.1f} s; load average {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
