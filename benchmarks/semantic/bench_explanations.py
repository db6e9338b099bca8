"""Calibrating what a recommendation shows: the readable strength and the sentence floor.

    OMP_NUM_THREADS=1 uv run python benchmarks/semantic/bench_explanations.py

Every demo candidate against every approved demo project hosted in the country they
may go to, scored by `recommend` as the web does (project texts, centring fitted on all
demo project texts). Pairs judged by hand: tests/kakehashi_semantic/data/
demo_recommendation_judgements.json (grade 2: what the candidate works on; 1: clearly
related; the rest unrelated). Prints the score distribution per grade, the precision
and recall of candidate thresholds, and the best-sentence-pair similarity of unrelated
pairs (the floor under which the web shows no sentence pair).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_market import (
    HOST_COUNTRY,
    LANGUAGE_LEVELS,
    MIN_GROUP,
    REQUIRED_LEVEL,
    _json,
    _seeded_cache,
    project_text,
)

from kakehashi_semantic import LanguageCentering, Profile, default_encoder, embed, recommend
from kakehashi_semantic.bias import SMALL_LANGUAGE_SHRINKAGE

JUDGED = (
    Path(__file__).resolve().parents[2]
    / "tests"
    / "kakehashi_semantic"
    / "data"
    / "demo_recommendation_judgements.json"
)


def main() -> int:
    cache = _seeded_cache(tempfile.mkdtemp(prefix="kakehashi-explanations-"))
    judged = json.loads(JUDGED.read_text("utf-8"))["pairs"]
    country = {o["ror_id"]: o["country"] for o in _json("organisations.json")}
    projects_all = [p for p in _json("projects.json") if project_text(p)]
    projects = [p for p in projects_all if p["status"] == "approved"]
    people = [c for c in _json("people.json")["candidates"] if c["research_interests"].strip()]
    enc = default_encoder()
    vecs = embed([project_text(p) for p in projects_all], encoder=enc, cache=cache)
    centering = LanguageCentering.fit(
        vecs,
        [p["language"] for p in projects_all],
        min_count=MIN_GROUP,
        shrinkage=SMALL_LANGUAGE_SHRINKAGE,
    )
    rows = []  # (grade, score, sentence similarity or None)
    for c in people:
        levels: dict[str, float] = {}
        for lg in c["languages"]:
            levels[lg["code"]] = max(levels.get(lg["code"], 0.0), LANGUAGE_LEVELS[lg["level"]])
        source = Profile(
            id=("candidate", c["username"]),
            kind="candidate",
            text=c["research_interests"].strip(),
            lang=c["interests_language"],
            fields=frozenset(c["fields"]),
            skills=frozenset(c["skills"]),
            languages=levels,
        )
        ok = [p for p in projects if country[p["host_ror"]] == HOST_COUNTRY[c["direction"]]]
        targets = [
            Profile(
                id=("project", p["key"]),
                kind="project",
                text=project_text(p),
                lang=p["language"],
                fields=frozenset(p["fields"]),
                skills=frozenset(p["skills"]),
                languages={p["working_language"]: REQUIRED_LEVEL},
            )
            for p in ok
        ]
        recs = recommend(
            source, targets, k=len(targets), encoder=enc, cache=cache, centering=centering
        )
        for r in recs:
            grade = judged.get(c["username"], {}).get(r.id[1], 0)
            sim = r.sentence_pair.similarity if r.sentence_pair else None
            rows.append((grade, r.score, sim))
    g = np.array([x[0] for x in rows])
    s = np.array([x[1] for x in rows])
    print(
        f"{len(rows)} eligible pairs: {int((g == 2).sum())} grade 2, {int((g == 1).sum())} grade 1"
    )
    for grade in (2, 1, 0):
        v = s[g == grade]
        q = np.percentile(v, [5, 25, 50, 75, 95, 99])
        print(
            f"score, grade {grade}: " + " / ".join(f"{x:.3f}" for x in q) + "  (p5/25/50/75/95/99)"
        )
    for t in np.arange(0.20, 0.62, 0.025):
        above = s >= t
        p2 = (g[above] == 2).mean() if above.any() else float("nan")
        p1 = (g[above] >= 1).mean() if above.any() else float("nan")
        r2 = (above & (g == 2)).sum() / (g == 2).sum()
        r1 = (above & (g >= 1)).sum() / (g >= 1).sum()
        fp = (above & (g == 0)).sum() / (g == 0).sum()
        print(
            f"t={t:.3f}: share grade 2 {p2:.2f}, grade >=1 {p1:.2f}; recall grade 2 {r2:.2f},"
            f" grade >=1 {r1:.2f}; unrelated above {fp:.3f}"
        )
    sims = {
        grade: [x[2] for x in rows if x[0] == grade and x[2] is not None] for grade in (0, 1, 2)
    }
    for grade, v in sims.items():
        q = np.percentile(v, [5, 50, 95, 99])
        print(
            f"sentence similarity, grade {grade} (n={len(v)}): p5/50/95/99 "
            + " / ".join(f"{x:.3f}" for x in q)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
