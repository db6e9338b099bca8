"""Off-topic queries: would everyday "decoy" topics in the pool tell them apart?

    OMP_NUM_THREADS=1 uv run python benchmarks/semantic/bench_off_topic.py

The relevance floor (bench_short_queries.py) flags 4 of the 7 judged nonsense queries;
the food ones sit near the agriculture and health projects. This measures an
alternative not yet shipped: 14 everyday topics (cooking, sports, weather, ...) in
en/fr/ja are added to the demo's project titles as decoys, and a query whose best decoy
outscores its best project (calibrated semantic scores, romanised channel on) by more
than a margin, with no project sharing its words, is off-topic. The decoys were written
with the judged nonsense queries in view, so HELDOUT (12 queries written before any
measurement) is the honest test. Prints, per query, the best project and best decoy
scores and their difference; then, per margin, how many real queries would be flagged
and how many nonsense and held-out ones caught (by the margin or by the floor).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_demo_search import DEMO, JUDGEMENTS, measures, project_text

from kakehashi_semantic import (
    E5Encoder,
    EmbeddingCache,
    Item,
    LexicalIndex,
    SemanticIndex,
    hybrid_search,
)

DECOYS = [
    (
        "cooking recipes and restaurants",
        "recettes de cuisine et restaurants",
        "料理のレシピとレストラン",
    ),
    (
        "sports scores and match results",
        "résultats sportifs et scores des matchs",
        "スポーツの試合結果",
    ),
    ("weather forecast", "prévisions météo", "天気予報"),
    ("celebrity news and gossip", "nouvelles des vedettes et potins", "芸能ニュースとゴシップ"),
    ("shopping deals and prices", "aubaines et prix en magasin", "買い物のセールと値段"),
    ("travel and hotel booking", "voyages et réservation d'hôtel", "旅行とホテルの予約"),
    ("horoscope and astrology", "horoscope et astrologie", "星占いと占星術"),
    ("movies, music and television", "films, musique et télévision", "映画と音楽とテレビ"),
    ("video games", "jeux vidéo", "テレビゲーム"),
    ("pets at home", "animaux de compagnie", "ペットの飼い方"),
    ("dating and relationships", "rencontres et relations amoureuses", "恋愛と出会い"),
    ("fashion and beauty", "mode et beauté", "ファッションと美容"),
    ("lottery and gambling", "loterie et jeux de hasard", "宝くじとギャンブル"),
    ("jokes and funny videos", "blagues et vidéos drôles", "面白い動画とジョーク"),
]
HELDOUT = [
    ("cheap flights to Paris", "en"),
    ("best pizza near me", "en"),
    ("météo demain à Québec", "fr"),
    ("résultats de la LNH", "fr"),
    ("東京の明日の天気", "ja"),
    ("猫の飼い方", "ja"),
    ("how to fix a flat tire", "en"),
    ("paroles de chanson", "fr"),
    ("宝くじ 当選番号", "ja"),
    ("blague du jour", "fr"),
    ("netflix series recommendations", "en"),
    ("カラオケ 人気曲", "ja"),
]
FLOOR = 2.2  # recommendations.selectors.SEARCH_FLOORS["projects"]


def main() -> int:
    projects = json.loads((DEMO / "projects.json").read_text("utf-8"))
    judged = json.loads(JUDGEMENTS.read_text("utf-8"))
    cache = EmbeddingCache(tempfile.mkdtemp())
    with np.load(DEMO / "embeddings.npz") as data:
        keys = [row.tobytes().hex() for row in data["keys"]]
        cache.put_many(dict(zip(keys, data["vectors"].astype(np.float32), strict=True)))
    enc = E5Encoder()
    langs = ("en", "fr", "ja")
    titles = [Item(p["key"], p["title"], p["language"]) for p in projects]
    decoys = [
        Item(f"decoy-{i}-{lg}", t, lg)
        for i, d in enumerate(DECOYS)
        for t, lg in zip(d, langs, strict=True)
    ]
    full = [Item(p["key"], project_text(p), p["language"]) for p in projects]
    lexical = LexicalIndex(full)
    both = SemanticIndex.build(titles + decoys, encoder=enc, cache=cache, romaji_weight=6.0)
    only = SemanticIndex.build(titles, encoder=enc, cache=cache, romaji_weight=6.0)
    n = len(titles) + len(decoys)

    def row(q: str, lang: str) -> tuple[float, float, bool, float]:
        hits = both.search([q], langs=[lang], k=n)[0]
        bp = next(h.score for h in hits if not str(h.id).startswith("decoy"))
        bd = next(h.score for h in hits if str(h.id).startswith("decoy"))
        res = hybrid_search(q, only, lexical, k=len(titles), lang=lang, semantic_weight=2.0)
        words = any(r.lexical_rank is not None for r in res)
        return bp, bd, words, max(r.semantic_score or -9 for r in res)

    groups = {"real": [], "nonsense": [], "held-out": []}
    for name in ("queries", "short_queries"):
        groups["real"] += [(q["q"], q["lang"]) for q in judged[name]]
    groups["nonsense"] = [(q["q"], q["lang"]) for q in judged["nonsense"]]
    groups["held-out"] = HELDOUT
    rows = {g: [(q, *row(q, lg)) for q, lg in qs] for g, qs in groups.items()}
    for g, rs in rows.items():
        for q, bp, bd, words, top in rs:
            print(
                f"{g:9s} project {bp:5.2f}  decoy {bd:5.2f}  diff {bd - bp:5.2f}"
                f"  words={int(words)}  floor z={top:.2f}  {q!r}"
            )
    # What the decoys cost the ranking: the judged queries ranked in the pool with the
    # decoys (masked out of the results) against the pool without them.
    mask = np.array([not str(it.id).startswith("decoy") for it in both.items])
    for name in ("queries", "short_queries"):
        qs = judged[name]
        for label, index, lex, m in (
            ("without decoys", only, lexical, None),
            ("with decoys", both, LexicalIndex(full + decoys), mask),
        ):
            box = []
            for q in qs:
                res = hybrid_search(
                    q["q"], index, lex, k=len(titles), lang=q["lang"], mask=m,
                    semantic_weight=2.0,
                )  # fmt: skip
                ids = [r.id for r in res]
                box.append(ids + [it.id for it in titles if it.id not in ids])
            r = measures(box, qs)
            print(f"{name:14s} {label:15s} nDCG@10={r['nDCG@10']:.3f}  S@1={r['S@1']:.3f}")
    for g, rs in rows.items():
        v = sorted(bp for _, bp, _, words, _ in rs if not words)
        print(
            f"best project with decoys in the pool, {g} (no shared words): {v[0]:.2f}-{v[-1]:.2f}"
        )
    for margin, floor in ((1.2, 1.25), (1.4, 1.25), (1.5, 1.25), (1.6, 1.25), (1.8, 1.25)):

        def off2(r, m=margin, f=floor):
            _, bp, bd, words, _ = r
            return not words and (bd - bp > m or bp < f)

        print(
            f"all in the decoy pool, margin {margin:.1f}, floor {floor:.1f}: real flagged "
            f"{sum(map(off2, rows['real']))}/{len(rows['real'])}  nonsense caught "
            f"{sum(map(off2, rows['nonsense']))}/{len(rows['nonsense'])}  held-out caught "
            f"{sum(map(off2, rows['held-out']))}/{len(rows['held-out'])}"
        )
    for margin in (0.0, 0.6, 1.0, 1.2, 1.5):

        def off(r, m=margin):
            _, bp, bd, words, top = r
            return not words and (bd - bp > m or top < FLOOR)

        print(
            f"margin {margin:.1f}: real flagged {sum(map(off, rows['real']))}/{len(rows['real'])}"
            f"  nonsense caught {sum(map(off, rows['nonsense']))}/{len(rows['nonsense'])}"
            f"  held-out caught {sum(map(off, rows['held-out']))}/{len(rows['held-out'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
