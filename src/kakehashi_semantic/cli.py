"""``kakehashi-semantic``: rank a pool for queries across languages, and evaluate rankings.

    kakehashi-semantic rank --pool POOL.jsonl --queries QUERIES.jsonl --k 10 [-o OUT.jsonl]
    kakehashi-semantic eval --rankings OUT.jsonl --pairs PAIRS.jsonl
    kakehashi-semantic eval --pool POOL.jsonl --queries QUERIES.jsonl --pairs PAIRS.jsonl

POOL/QUERIES lines: ``{"id": ..., "text": ..., "lang": optional}``; output lines:
``{"query_id": ..., "ids": [...], "scores": [...]}``; PAIRS lines:
``{"query_id": ..., "pool_id": ...}`` (the gold pool item of each query). Exit status:
0 success, 2 bad input (message on stderr naming file and line), 1 encoder failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]


def _encoder(name: str):
    # Each subcommand imports only what it uses: the command starts fast.
    from .encoders import CharNgramEncoder, E5Encoder

    if name == "e5":
        return E5Encoder()
    return CharNgramEncoder()


def _reader_errors(args: argparse.Namespace):
    if not args.skip_invalid:
        return None

    def warn(err: Exception) -> None:
        print(f"kakehashi-semantic: skipped: {err}", file=sys.stderr)

    return warn


def _fit_centering(cal, enc, cache, query_kind):
    # Each subcommand imports only what it uses: the command starts fast.
    from .bias import LanguageCentering
    from .embed import embed
    from .lang import detect_language

    texts = [r.text for r in cal]
    langs = [r.lang or detect_language(r.text) for r in cal]
    cent = LanguageCentering.fit(embed(texts, kind="passage", encoder=enc, cache=cache), langs)
    if query_kind == "passage":
        return cent, cent
    qcent = LanguageCentering.fit(embed(texts, kind=query_kind, encoder=enc, cache=cache), langs)
    return cent, qcent


def _rank(args: argparse.Namespace) -> dict[Any, list[tuple[Any, float]]]:
    # Each subcommand imports only what it uses: the command starts fast.
    from .cache import EmbeddingCache
    from .jsonl import read_texts
    from .semantic_index import Item, SemanticIndex

    on_error = _reader_errors(args)
    pool = read_texts(args.pool, on_error=on_error)
    queries = read_texts(args.queries, on_error=on_error)
    if not pool:
        raise ValueError(f"{args.pool}: no usable lines in the pool")
    cache = None if args.no_cache else EmbeddingCache(args.cache_dir)
    enc = _encoder(args.encoder)
    items = [Item(r.id, r.text, r.lang) for r in pool]
    centering = query_centering = None
    if args.calibration and not args.no_correction:
        cal = read_texts(args.calibration, on_error=on_error)
        if not cal:
            raise ValueError(f"{args.calibration}: no usable lines")
        centering, query_centering = _fit_centering(cal, enc, cache, args.query_prefix)
    index = SemanticIndex.build(
        items,
        encoder=enc,
        cache=cache,
        correction=not args.no_correction,
        centering=centering,
        query_centering=query_centering,
        query_kind=args.query_prefix,
    )
    result: dict[Any, list[tuple[Any, float]]] = {}
    batch = 256
    for i in range(0, len(queries), batch):
        chunk = queries[i : i + batch]
        hits = index.search(
            [q.text for q in chunk],
            langs=[q.lang for q in chunk],
            k=args.k,
            calibrate=not args.no_correction,
            exclude=[q.id for q in chunk] if args.exclude_self else None,
        )
        for q, hs in zip(chunk, hits, strict=True):
            result[q.id] = [(h.id, h.score) for h in hs]
    return result


def _cmd_rank(args: argparse.Namespace) -> int:
    result = _rank(args)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        for qid, hits in result.items():
            line = {
                "query_id": qid,
                "ids": [h[0] for h in hits],
                "scores": [round(h[1], 6) for h in hits],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _cmd_suite(args: argparse.Namespace) -> int:
    # Each subcommand imports only what it uses: the command starts fast.
    from pathlib import Path

    # (the suite's modules read data files and load pykakasi: only for --suite)
    from .cache import EmbeddingCache
    from .semantic_index import ROMAJI_WEIGHT
    from .shorteval import SUITE_DIRECTIONS, latency, run_suite

    if args.romaji_weight is None:
        args.romaji_weight = ROMAJI_WEIGHT

    data = Path(args.data)
    if not data.is_dir():
        raise ValueError(f"--data {args.data}: not a directory")
    cache = None if args.no_cache else EmbeddingCache(args.cache_dir)
    sets = [s for s in SUITE_DIRECTIONS if args.sets is None or s in args.sets.split(",")]
    if not sets and not args.latency:
        raise ValueError(f"--sets {args.sets}: none of {', '.join(SUITE_DIRECTIONS)}")
    res = run_suite(
        data, split=args.split, romaji_weight=args.romaji_weight, cache=cache, sets=sets
    )
    report: dict = {n: {d: m.as_dict() for d, m in r.items()} for n, r in res.items()}
    if args.latency:
        report["latency"] = latency(n=args.latency, romaji_weight=args.romaji_weight)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"split={args.split}  romaji_weight={args.romaji_weight}")
    for name, r in res.items():
        for d, m in r.items():
            print(f"{name:14s} {d}  n={m.n}  R@1={m.r1:.3f}  R@10={m.r10:.3f}  MRR={m.mrr:.3f}")
    if args.latency:
        lt = report["latency"]
        print(
            f"latency        top-10 over {lt['n']} items incl. encoding, {lt['queries']} queries:"
            f"  p50={lt['p50_ms']:.1f} ms  p95={lt['p95_ms']:.1f} ms  max={lt['max_ms']:.1f} ms"
            f"  (CPU time: p50={lt['cpu_p50_ms']:.1f} ms"
            f"  p95={lt['cpu_p95_ms']:.1f} ms; load average {lt['load']:.1f})"
        )
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    # Each subcommand imports only what it uses: the command starts fast.
    from .evaluation import metrics_from_rankings
    from .jsonl import read_pairs, read_rankings

    if args.suite:
        return _cmd_suite(args)
    if not args.pairs:
        raise ValueError("eval needs --pairs (or --suite short-texts)")
    on_error = _reader_errors(args)
    gold = read_pairs(args.pairs, on_error=on_error)
    if not gold:
        raise ValueError(f"{args.pairs}: no usable pairs")
    if args.rankings:
        rankings = read_rankings(args.rankings, on_error=on_error)
    else:
        if not (args.pool and args.queries):
            raise ValueError("eval needs --rankings, or --pool and --queries")
        rankings = {q: [h[0] for h in hs] for q, hs in _rank(args).items()}
    m = metrics_from_rankings(rankings, gold)
    if args.json:
        print(json.dumps(m.as_dict()))
    else:
        print(f"n={m.n}  R@1={m.r1:.3f}  R@10={m.r10:.3f}  MRR={m.mrr:.3f}")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kakehashi-semantic", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser, need_pool: bool) -> None:
        sp.add_argument("--pool", required=need_pool, help="JSONL of {id, text, lang?}")
        sp.add_argument("--queries", required=need_pool, help="JSONL of {id, text, lang?}")
        sp.add_argument("--k", type=int, default=10, help="results per query (default 10)")
        sp.add_argument("--encoder", choices=("e5", "char"), default="e5")
        sp.add_argument("--cache-dir", default=None, help="embedding cache directory")
        sp.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
        sp.add_argument(
            "--no-correction",
            action="store_true",
            help="disable per-language centring and score calibration",
        )
        sp.add_argument(
            "--calibration",
            help="JSONL of {id, text, lang?} held apart from the evaluation, used to estimate "
            "the per-language means (default: the pool itself, without labels)",
        )
        sp.add_argument(
            "--query-prefix",
            choices=("passage", "query"),
            default="passage",
            help="e5 prefix for queries (pool texts always use 'passage')",
        )
        sp.add_argument(
            "--exclude-self",
            action="store_true",
            help="never return a query's own id (when queries are also in the pool)",
        )
        sp.add_argument(
            "--skip-invalid",
            action="store_true",
            help="skip bad lines with a warning instead of stopping",
        )

    r = sub.add_parser("rank", help="top-k pool ids per query")
    common(r, True)
    r.add_argument("-o", "--output", help="write JSONL here instead of stdout")
    r.set_defaults(func=_cmd_rank)
    e = sub.add_parser("eval", help="R@1, R@10 and MRR against gold pairs")
    common(e, False)
    e.add_argument("--pairs", help="JSONL of {query_id, pool_id}")
    e.add_argument(
        "--suite",
        choices=("short-texts",),
        help="the built-in sets: terms ja/en/fr, organisation names, ANLP and CRDC titles",
    )
    e.add_argument("--data", default="../shared/data", help="--suite: the data folder")
    e.add_argument("--split", choices=("dev", "heldout"), default="heldout", help="--suite")
    e.add_argument("--sets", help="--suite: comma-separated subset (default: all)")
    e.add_argument(
        "--romaji-weight",
        type=float,
        default=None,
        help="--suite: weight of the romanised-trigram channel (default: the web's; 0: off)",
    )
    e.add_argument(
        "--latency",
        type=int,
        default=0,
        metavar="N",
        help="--suite: also time top-10 queries over N random items (e.g. 100000)",
    )
    e.add_argument("--rankings", help="output of 'rank' (else rank --pool/--queries now)")
    e.add_argument("--json", action="store_true", help="print the metrics as JSON")
    e.set_defaults(func=_cmd_eval)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    # Each subcommand imports only what it uses: the command starts fast.
    from .encoders import EncoderUnavailableError

    args = _parser().parse_args(argv)
    if args.k < 1:
        print("kakehashi-semantic: error: --k must be >= 1", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except EncoderUnavailableError as exc:
        print(f"kakehashi-semantic: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"kakehashi-semantic: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
