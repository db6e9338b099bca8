"""Cross-language retrieval benchmark: every bilingual set in ../shared/data, both
directions, single- and mixed-language pools, through the ``kakehashi-semantic`` CLI.

    uv run python benchmarks/semantic/bench_retrieval.py [--sets anlp_titles,...] [--quick]

For each direction the queries are split into two folds (seed 0). Queries of one fold
are ranked with per-language means estimated on the *other* fold only, with the source-
and target-language calibration texts taken from disjoint pairs (not translations of
each other): no test text and no alignment leaks into the correction. The pool is all
target texts (single) or all texts of both languages (mixed; a query never retrieves
itself). Embeddings come from the on-disk cache (``KAKEHASHI_EMBEDDING_CACHE`` or
var/cache/embeddings); the first run encodes (~30 min on 2 cores), reruns take minutes.
Temporary JSONL files live in a temporary directory outside the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from datasets import PairSet, all_sets

from kakehashi_semantic.cli import main as cli_main
from kakehashi_semantic.evaluation import metrics_from_rankings
from kakehashi_semantic.jsonl import read_rankings


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def run_set(ps: PairSet, tmp: Path, methods: list[tuple[str, list[str]]]) -> list[dict]:
    n = len(ps.a)
    side = {"a": (ps.a, ps.lang_a), "b": (ps.b, ps.lang_b)}
    perm = np.random.default_rng(0).permutation(n)
    folds = [perm[: n // 2], perm[n // 2 :]]
    rows_out = []
    for src, dst in (("a", "b"), ("b", "a")):
        for pool_kind in ("single", "mixed"):
            pool_sides = [dst] if pool_kind == "single" else ["a", "b"]
            pool = [
                {"id": f"{s}:{i}", "text": side[s][0][i], "lang": side[s][1]}
                for s in pool_sides
                for i in range(n)
            ]
            _write(tmp / "pool.jsonl", pool)
            for mname, extra in methods:
                rankings: dict = {}
                gold: dict = {}
                for f in range(2):
                    test, cal = folds[f], folds[1 - f]
                    half = len(cal) // 2
                    cal_rows = [
                        {"id": f"cal-a:{i}", "text": ps.a[i], "lang": ps.lang_a} for i in cal[:half]
                    ] + [
                        {"id": f"cal-b:{i}", "text": ps.b[i], "lang": ps.lang_b} for i in cal[half:]
                    ]
                    queries = [
                        {"id": f"{src}:{i}", "text": side[src][0][i], "lang": side[src][1]}
                        for i in test
                    ]
                    _write(tmp / "queries.jsonl", queries)
                    _write(tmp / "cal.jsonl", cal_rows)
                    out = tmp / "out.jsonl"
                    argv = ["rank", "--pool", str(tmp / "pool.jsonl"), "--queries"]
                    argv += [str(tmp / "queries.jsonl"), "--k", "10", "-o", str(out)]
                    argv += ["--exclude-self", *extra]
                    if "--no-correction" not in extra:
                        argv += ["--calibration", str(tmp / "cal.jsonl")]
                    rc = cli_main(argv)
                    if rc != 0:
                        raise SystemExit(f"rank failed with status {rc}")
                    rankings.update(read_rankings(out))
                    gold.update({f"{src}:{i}": f"{dst}:{i}" for i in test})
                m = metrics_from_rankings(rankings, gold)
                rows_out.append(
                    {
                        "set": ps.name,
                        "direction": f"{side[src][1]}→{side[dst][1]}",
                        "pool": pool_kind,
                        "method": mname,
                        **m.as_dict(),
                    }
                )
                print(_fmt(rows_out[-1]), flush=True)
    return rows_out


def _fmt(r: dict) -> str:
    return (
        f"| {r['set']:14s} | {r['direction']} | {r['pool']:6s} | {r['method']:22s} | "
        f"{r['n']:5d} | {r['R@1']:.3f} | {r['R@10']:.3f} | {r['MRR']:.3f} |"
    )


METHODS = [
    ("raw p/p", ["--no-correction"]),
    ("corrected p/p", []),
]
PREFIX_METHODS = [
    ("raw q/p", ["--no-correction", "--query-prefix", "query"]),
    ("corrected q/p", ["--query-prefix", "query"]),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", help="comma-separated set names (default: all)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    sets = all_sets()
    if args.sets:
        wanted = set(args.sets.split(","))
        sets = [s for s in sets if s.name in wanted]
    cols = ["set", "dir", "pool", "method (query/pool prefix)", "n", "R@1", "R@10", "MRR@10"]
    print("| " + " | ".join(cols) + " |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    rows = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kakehashi-bench-") as d:
        for ps in sets:
            methods = METHODS + (PREFIX_METHODS if ps.name == "anlp_titles" else [])
            rows += run_set(ps, Path(d), methods)
    print(f"\n{len(rows)} rows in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
