"""Windowing study: mean vs max pooling of window vectors vs one pass, on long texts.

    uv run python benchmarks/semantic/bench_windowing.py [--pairs 60] [--window 128]

Japanese/English abstracts of ``anlp_journal_ja_en`` (evaluation use only; read from
../shared/data, never stored in the repository) are embedded (a) whole, in one pass
(they fit e5's 512 tokens), and (b) cut into windows of ``--window`` estimated tokens,
pooled by mean or max. Cross-language retrieval ja→en and en→ja in single-language
pools tells which pooling keeps the meaning of a long text best.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from datasets import anlp

from kakehashi_semantic import E5Encoder, EmbeddingCache, Windowing, embed
from kakehashi_semantic.evaluation import metrics_from_ranks


def _ranks(q: np.ndarray, p: np.ndarray) -> list[int]:
    s = q @ p.T
    gold = np.diag(s)[:, None]
    return ((s > gold).sum(axis=1) + 1).tolist()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=60)
    ap.add_argument("--window", type=int, default=128)
    args = ap.parse_args(argv)
    ps = anlp("abstract", limit=args.pairs)
    cache = EmbeddingCache()
    configs = {
        "one pass (no windows)": Windowing(max_tokens=100_000, overlap_tokens=0),
        f"windows {args.window}, mean": Windowing(
            max_tokens=args.window, overlap_tokens=args.window // 8, max_windows=64
        ),
        f"windows {args.window}, max": Windowing(
            max_tokens=args.window, overlap_tokens=args.window // 8, max_windows=64, pooling="max"
        ),
    }
    print(f"{len(ps.a)} abstract pairs")
    for name, w in configs.items():
        enc = E5Encoder()
        if w.max_tokens > 1000:
            # lift the engine's window limit: the abstracts fit e5's 512 tokens in one pass
            enc.window_tokens = 100_000
        ja = embed(list(ps.a), encoder=enc, cache=cache, windowing=w)
        en = embed(list(ps.b), encoder=enc, cache=cache, windowing=w)
        a = metrics_from_ranks(_ranks(ja, en))
        b = metrics_from_ranks(_ranks(en, ja))
        print(
            f"{name:24s} ja→en R@1 {a.r1:.3f} MRR {a.mrr:.3f} | "
            f"en→ja R@1 {b.r1:.3f} MRR {b.mrr:.3f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
