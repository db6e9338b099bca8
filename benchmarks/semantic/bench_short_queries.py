"""Short queries, organisation look-ups and nonsense queries on the demo (search box).

    OMP_NUM_THREADS=1 uv run python benchmarks/semantic/bench_short_queries.py

Judgements: tests/kakehashi_semantic/data/demo_search_judgements.json ("queries": the 25
original search-box queries; "short_queries": one- and two-word queries;
"organisation_lookups" and "organisation_nonsense" over the 47 demo organisations;
"nonsense": queries no project is about). Projects as bench_demo_search.py (titles for
meaning, whole texts for words, semantic list weighted 2); organisations as the web
indexes them (every name, alias and acronym in one text). For each configuration of the
romanised channel (`romaji_weight`) it prints nDCG@10 / S@1 of both project query sets,
the organisation look-ups, and the best calibrated semantic score of each kind of query,
from which the relevance floors are chosen.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from kakehashi_semantic import (
    E5Encoder,
    EmbeddingCache,
    Item,
    LexicalIndex,
    SemanticIndex,
    hybrid_search,
)

sys.path.insert(0, str(Path(__file__).parent))
from bench_demo_search import DEMO, JUDGEMENTS, measures, ndcg, project_text


def org_text(o: dict) -> str:
    """As the web indexes an organisation (recommendations.selectors.organisation_text)."""
    parts = [o["name"], o.get("name_en"), o.get("name_fr"), o.get("name_ja")]
    parts += list(o.get("aliases") or []) + list(o.get("acronyms") or [])
    seen = dict.fromkeys(p.strip() for p in parts if p and p.strip())
    return "\n".join([*seen, o["ror_id"]])


def main() -> int:
    projects = json.loads((DEMO / "projects.json").read_text("utf-8"))
    orgs = json.loads((DEMO / "organisations.json").read_text("utf-8"))
    judged = json.loads(JUDGEMENTS.read_text("utf-8"))
    cache = EmbeddingCache(tempfile.mkdtemp(prefix="kakehashi-short-queries-"))
    with np.load(DEMO / "embeddings.npz") as data:
        keys = [row.tobytes().hex() for row in data["keys"]]
        cache.put_many(dict(zip(keys, data["vectors"].astype(np.float32), strict=True)))
    enc = E5Encoder()
    full = [Item(p["key"], project_text(p), p["language"]) for p in projects]
    titles = [Item(p["key"], p["title"], p["language"]) for p in projects]
    lexical = LexicalIndex(full)
    org_items = [Item(o["ror_id"], org_text(o)) for o in orgs]
    org_lexical = LexicalIndex(org_items)
    n = len(projects)
    for weight in (0.0, 6.0):
        index = SemanticIndex.build(titles, encoder=enc, cache=cache, romaji_weight=weight)
        org_index = SemanticIndex.build(org_items, encoder=enc, cache=cache, romaji_weight=weight)
        print(f"\n## romaji_weight={weight}")
        best: dict[str, list[float]] = {}
        for name in ("queries", "short_queries"):
            qs = judged[name]
            box, tops = [], []
            for q in qs:
                res = hybrid_search(
                    q["q"], index, lexical, k=n, lang=q["lang"], semantic_weight=2.0
                )
                ids = [r.id for r in res]
                box.append(ids + [p["key"] for p in projects if p["key"] not in ids])
                tops.append(max(r.semantic_score or -9 for r in res))
            m = measures(box, qs)
            best[name] = tops
            print(
                f"{name:22s} n={len(qs)}  nDCG@10={m['nDCG@10']:.3f}  S@1={m['S@1']:.3f}"
                f"  P@5={m['P@5']:.3f}  unrelated above={m['unrelated above']:.3f}"
            )
        tops = []
        for q in judged["nonsense"]:
            res = hybrid_search(q["q"], index, lexical, k=n, lang=q["lang"], semantic_weight=2.0)
            lex = sum(r.lexical_rank is not None for r in res)
            tops.append(max(r.semantic_score or -9 for r in res))
            print(f"  nonsense {q['q']!r}: best semantic {tops[-1]:.2f}, lexical hits {lex}")
        best["nonsense"] = tops
        for name, v in best.items():
            lo, mid, hi = min(v), np.median(v), max(v)
            print(f"best semantic score, {name}: min {lo:.2f}  median {mid:.2f}  max {hi:.2f}")
        # grade-2 pairs vs unrelated pairs (all judged queries): the score of each
        scores = {0: [], 1: [], 2: []}
        for q in judged["queries"] + judged["short_queries"]:
            hits = index.search([q["q"]], langs=[q["lang"]], k=n)[0]
            for h in hits:
                scores[q["relevant"].get(h.id, 0)].append(h.score)
        for g, v in scores.items():
            qv = np.percentile(v, [5, 25, 50, 75, 95])
            print(f"grade {g}: n={len(v)}  p5/25/50/75/95 = " + " / ".join(f"{x:.2f}" for x in qv))
        # organisations
        s1, nd, tops_ok, stray = [], [], [], []
        for q in judged["organisation_lookups"]:
            res = hybrid_search(q["q"], org_index, org_lexical, k=len(orgs), semantic_weight=2.0)
            ids = [r.id for r in res]
            s1.append(ids[0] in q["relevant"])
            nd.append(ndcg(ids, q["relevant"]))
            sem = {r.id: r for r in res}
            tops_ok.append(max((sem[i].semantic_score or -9) for i in q["relevant"] if i in sem))
            stray.append(
                max(
                    (r.semantic_score or -9)
                    for r in res
                    if r.id not in q["relevant"] and r.lexical_rank is None
                )
            )
            print(
                f"  org {q['q']!r}: first {ids[0][-9:]} ({'ok' if s1[-1] else 'WRONG'}), "
                f"best relevant semantic {tops_ok[-1]:.2f}, best other (no words) {stray[-1]:.2f}, "
                f"lexical hits {sum(r.lexical_rank is not None for r in res)}"
            )
        print(f"organisation look-ups: S@1={np.mean(s1):.3f} nDCG@10={np.mean(nd):.3f}")
        for q in judged["organisation_nonsense"]:
            res = hybrid_search(q, org_index, org_lexical, k=len(orgs), semantic_weight=2.0)
            top = max(r.semantic_score or -9 for r in res)
            lex = sum(r.lexical_rank is not None for r in res)
            print(f"  org nonsense {q!r}: best semantic {top:.2f}, lexical hits {lex}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
