"""Search quality across languages on the demo projects: hand-judged queries in ja/en/fr.

    uv run python benchmarks/semantic/bench_demo_search.py

25 search-box queries (8 French, 8 Japanese, 9 English) over the 36 demo projects
(src/kakehashi/demo/data/projects.json: 11 Japanese, 18 English, 7 French), with
relevant projects judged by hand (grade 2: about the query, 1: clearly related):
tests/kakehashi_semantic/data/demo_search_judgements.json. Project vectors come from
the demo's embeddings fixture; titles and queries are encoded (a temporary cache).

Metrics: P@5 (relevant among the first five / 5), nDCG@10 (graded gains 2^g - 1),
S@1 (the first hit is relevant) and "unrelated above": the share of queries where a
project judged unrelated ranks above one of grade 2. "semantic" ranks with
`SemanticIndex.search` alone; "search box" with `hybrid_search` as the web calls it
(semantic list weighted 2, lexical list on the whole texts).
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

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src" / "kakehashi" / "demo" / "data"
JUDGEMENTS = ROOT / "tests" / "kakehashi_semantic" / "data" / "demo_search_judgements.json"


def project_text(p: dict) -> str:
    """As the web embeds a project (kakehashi.recommendations.embedding.project_text)."""
    parts = (p["title"], p["summary"], p["description"])
    return "\n\n".join(x.strip() for x in parts if x and x.strip())


def ndcg(ranked: list, rel: dict, k: int = 10) -> float:
    dcg = sum((2 ** rel.get(x, 0) - 1) / np.log2(i + 2) for i, x in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)[:k]
    return dcg / sum((2**g - 1) / np.log2(i + 2) for i, g in enumerate(ideal))


def measures(rankings: list[list], queries: list[dict]) -> dict[str, float]:
    p5, nd, s1, bad = [], [], [], []
    for r, q in zip(rankings, queries, strict=True):
        rel = q["relevant"]
        p5.append(sum(x in rel for x in r[:5]) / 5)
        nd.append(ndcg(r, rel))
        s1.append(r[0] in rel)
        last = max(r.index(x) for x, g in rel.items() if g == 2)
        bad.append(any(x not in rel for x in r[:last]))
    return {
        "P@5": float(np.mean(p5)),
        "nDCG@10": float(np.mean(nd)),
        "S@1": float(np.mean(s1)),
        "unrelated above": float(np.mean(bad)),
    }


def main() -> int:
    projects = json.loads((DEMO / "projects.json").read_text("utf-8"))
    queries = json.loads(JUDGEMENTS.read_text("utf-8"))["queries"]
    cache = EmbeddingCache(tempfile.mkdtemp(prefix="kakehashi-demo-search-"))
    with np.load(DEMO / "embeddings.npz") as data:
        keys = [row.tobytes().hex() for row in data["keys"]]
        cache.put_many(dict(zip(keys, data["vectors"].astype(np.float32), strict=True)))
    enc = E5Encoder()
    full = [Item(p["key"], project_text(p), p["language"]) for p in projects]
    titles = [Item(p["key"], p["title"], p["language"]) for p in projects]
    lexical = LexicalIndex(full)
    n = len(projects)

    def semantic(items: list[Item], shrinkage: float) -> SemanticIndex:
        return SemanticIndex.build(items, encoder=enc, cache=cache, shrinkage=shrinkage)

    configs = {
        "before: whole texts, rare language uncentred": (semantic(full, 0.0), 0.0),
        "+ shrunk mean for the rare language (French)": (semantic(full, 3.0), 0.0),
        "+ titles for the semantic list": (semantic(titles, 3.0), 0.0),
        "+ lexical hits must hold half the query's words": (semantic(titles, 3.0), 0.5),
        "+ ... two thirds of the query's words (default)": (semantic(titles, 3.0), 2 / 3),
        "  (all of the query's words)": (semantic(titles, 3.0), 1.0),
    }
    rows = []
    for name, (index, coverage) in configs.items():
        sem = [[h.id for h in index.search([q["q"]], langs=[q["lang"]], k=n)[0]] for q in queries]
        box = [
            [
                r.id
                for r in hybrid_search(
                    q["q"],
                    index,
                    lexical,
                    k=n,
                    lang=q["lang"],
                    semantic_weight=2.0,
                    min_coverage=coverage,
                )
            ]
            for q in queries
        ]
        # items the fused list leaves out (never in either list) go last, in id order
        box = [b + [p["key"] for p in projects if p["key"] not in b] for b in box]
        rows.append((name, measures(sem, queries), measures(box, queries)))
        by_lang = {
            lg: measures(
                [b for b, q in zip(box, queries, strict=True) if q["lang"] == lg],
                [q for q in queries if q["lang"] == lg],
            )["nDCG@10"]
            for lg in ("fr", "ja", "en")
        }
        rows[-1] += (by_lang,)
        if name.startswith("+ ... two thirds"):
            fr = next(q for q in queries if q["id"] == "fr-speech-translation")
            print(f"'{fr['q']}' (search box, after):", ", ".join(box[queries.index(fr)][:5]))
        if name.startswith("before"):
            fr = next(q for q in queries if q["id"] == "fr-speech-translation")
            print(f"'{fr['q']}' (search box, before):", ", ".join(box[queries.index(fr)][:5]))

    ideal = np.mean([min(5, len(q["relevant"])) / 5 for q in queries])
    print(f"{len(queries)} queries over {n} demo projects; best possible P@5 {ideal:.3f}")
    print(
        "| configuration | semantic P@5 | nDCG@10 | S@1 | unrelated above "
        "| search box P@5 | nDCG@10 | S@1 | unrelated above | box nDCG fr / ja / en |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, s, b, lg in rows:
        cells = [f"{s[m]:.3f}" for m in s] + [f"{b[m]:.3f}" for m in b]
        langs = " / ".join(f"{lg[x]:.3f}" for x in ("fr", "ja", "en"))
        print(f"| {name} | " + " | ".join(cells) + f" | {langs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
