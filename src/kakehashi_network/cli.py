"""kakehashi-network: measure a history, export its graph, generate a synthetic one.

    kakehashi-network measure HISTORY.json [-o OUT.json] [--seed N] [--brokerage-years last|all]
    kakehashi-network export HISTORY.json --format gexf|graphml|csv [-o OUT]
    kakehashi-network synth [-o OUT.json] [--years 20] [--per-year 10000]
                            [--organisations 20000] [--seed N]

Exit status 2 with a message on stderr for a malformed history.
"""

from __future__ import annotations

import argparse
import json
import sys

from .export import to_csv, to_gexf, to_graphml
from .history import History, HistoryError
from .measures import measure
from .synthetic import synthetic_history


def _write(data: bytes | str, path: str | None) -> None:
    raw = data.encode() if isinstance(data, str) else data
    if path in (None, "-"):
        sys.stdout.buffer.write(raw)
    else:
        with open(path, "wb") as f:
            f.write(raw)


def _load(path: str) -> History:
    with open(path, encoding="utf-8") as f:
        return History.from_dict(json.load(f))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kakehashi-network", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="every measure of a history, as JSON")
    m.add_argument("history")
    m.add_argument("-o", "--output")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--brokerage-years", choices=["last", "all"], default="last")
    e = sub.add_parser("export", help="the tie graph as GEXF, GraphML or a CSV edge list")
    e.add_argument("history")
    e.add_argument("--format", choices=["gexf", "graphml", "csv"], required=True)
    e.add_argument("-o", "--output")
    s = sub.add_parser("synth", help="a seeded synthetic history (invented)")
    s.add_argument("-o", "--output")
    s.add_argument("--years", type=int, default=20)
    s.add_argument("--per-year", type=int, default=10_000)
    s.add_argument("--organisations", type=int, default=20_000)
    s.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        if args.command == "synth":
            data = synthetic_history(
                years=args.years,
                per_year=args.per_year,
                organisations=args.organisations,
                seed=args.seed,
            )
            _write(json.dumps(data), args.output)
            return 0
        history = _load(args.history)
        if args.command == "measure":
            result = measure(history, seed=args.seed, brokerage_years=args.brokerage_years)
            _write(json.dumps(result, ensure_ascii=False, indent=1), args.output)
        else:
            writer = {"gexf": to_gexf, "graphml": to_graphml, "csv": to_csv}[args.format]
            _write(writer(history), args.output)
    except (HistoryError, json.JSONDecodeError, OSError) as exc:
        print(f"kakehashi-network: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
