"""Command line: ``kakehashi-match solve|check|round2|assign|assign-check``.

Exit codes: 0 success (check: valid and, in stable modes, stable);
1 check found violations, or ``assign`` found that no assignment exists
(the result it writes says why); 2 bad input (message names the offending
ids or field).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from pathlib import Path

from .document import load_json

__all__ = ["main"]


def _read(path: str) -> str:
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read: {exc}") from None


def _options(pairs: list[str]) -> dict:
    out = {}
    for item in pairs:
        k, sep, v = item.partition("=")
        if not sep:
            raise ValueError(f"--option: expected KEY=JSON, got {item!r}")
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command with *argv* (default ``sys.argv[1:]``); return the exit code.

    >>> import json, pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     inst, res = pathlib.Path(tmp, "i.json"), pathlib.Path(tmp, "r.json")
    ...     _ = inst.write_text(json.dumps({"students": {"a": ["p"]},
    ...         "projects": {"p": {"capacity": 1, "ranking": ["a"]}}}))
    ...     main(["solve", str(inst), "-o", str(res)]), main(["check", str(inst), str(res)])
    ok: valid and stable
    (0, 0)
    """
    parser = argparse.ArgumentParser(prog="kakehashi-match", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="compute a matching with certificate and explanations")
    p_solve.add_argument("instance", help="instance JSON file ('-' for stdin)")
    p_solve.add_argument(
        "--mode",
        default="student",
        help="student|host|ties|flexible|welfare|exchange (default student)",
    )
    p_solve.add_argument("--seed", type=int, default=0, help="lottery seed (default 0)")
    p_solve.add_argument("-o", "--output", help="write the result here instead of stdout")
    p_solve.add_argument(
        "--option", action="append", default=[], metavar="KEY=JSON", help="mode option"
    )
    p_solve.add_argument("--no-explain", action="store_true", help="omit per-student explanations")
    p_check = sub.add_parser("check", help="verify a result: exit 0 valid and stable, 1 otherwise")
    p_check.add_argument("instance")
    p_check.add_argument("result")
    p_round = sub.add_parser(
        "round2", help="second round on residual capacity, keeping round-one placements"
    )
    p_round.add_argument("instance")
    p_round.add_argument("result", help="round-one result JSON")
    p_round.add_argument("--declined", default="", help="comma-separated student ids")
    p_round.add_argument("--seed", type=int, default=0)
    p_round.add_argument("-o", "--output")
    p_assign = sub.add_parser(
        "assign", help="assign k reviewers to each proposal (sum, fair or randomized)"
    )
    p_assign.add_argument("instance", help="instance JSON file ('-' for stdin)")
    p_assign.add_argument("--mode", default="sum", help="sum|fair|randomized (default sum)")
    p_assign.add_argument("--seed", type=int, default=0, help="randomized draw seed (default 0)")
    p_assign.add_argument(
        "--cap", type=float, default=0.5, help="randomized: largest pair probability (default 0.5)"
    )
    p_assign.add_argument("-o", "--output", help="write the result here instead of stdout")
    p_assign.add_argument(
        "--no-explain", action="store_true", help="omit per-proposal explanations"
    )
    p_acheck = sub.add_parser(
        "assign-check", help="verify an assignment: exit 0 valid (and certified), 1 otherwise"
    )
    p_acheck.add_argument("instance")
    p_acheck.add_argument("result")
    args = parser.parse_args(argv)
    # a one-shot process builds millions of acyclic objects (the parsed JSON,
    # the output pieces): cyclic garbage collection would only re-scan them
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if gc_was_enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    if args.command in ("assign", "assign-check"):
        return _run_assign(args)
    # Each subcommand imports only what it uses (no numba for a one-shot solve).
    from .backend import one_shot_backend
    from .instance import Instance
    from .solve import check, solve

    try:
        inst = Instance.from_json(_read(args.instance))
        if args.command == "solve":
            # the NumPy twins of the kernels when they are cheaper than loading numba
            kernels = one_shot_backend(inst.n_edges, args.mode)
            options = _options(args.option)
            result = solve(inst, mode=args.mode, seed=args.seed, backend=kernels, **options)
            if args.output:
                with open(args.output, "w", encoding="utf-8") as fp:
                    result.write_json(fp, explain=not args.no_explain)
            else:
                result.write_json(sys.stdout, explain=not args.no_explain)
            return 0
        if args.command == "round2":
            # Each subcommand imports only what it uses (no numba for a one-shot solve).
            from .rounds import second_round

            first = json.loads(_read(args.result))
            if not isinstance(first, dict) or not isinstance(first.get("assignments"), dict):
                raise ValueError("result: expected an object with an 'assignments' object")
            declined = [x for x in args.declined.split(",") if x]
            kernels = one_shot_backend(inst.n_edges)
            result = second_round(
                inst, first["assignments"], declined, seed=args.seed, backend=kernels
            )
            text = result.to_json()
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        # one audit, the same in every mode
        data = load_json(_read(args.result), "result")
        report = check(inst, data, backend=one_shot_backend(inst.n_edges))
        run = data.get("run") if isinstance(data, dict) else None
        exchange = isinstance(run, dict) and run.get("mode") == "exchange"
    except (ValueError, json.JSONDecodeError) as exc:
        print(f"kakehashi-match: error: {exc}", file=sys.stderr)
        return 2
    if report["ok"] and exchange:
        print("ok: valid, balanced and priority-respecting")
        return 0
    if report["ok"]:
        print("ok: valid" + (" and stable" if report["blocking_pairs"] == 0 else ""))
        return 0
    for v in report["violations"]:
        print(v)
    return 1


def _run_assign(args: argparse.Namespace) -> int:
    """``assign``: parse, solve, check the result with the checker, write it;
    ``assign-check``: the checker alone."""
    # Each subcommand imports only what it uses (the stable-matching modules are not needed).
    from .assign import assign, assignment_check
    from .review import ReviewInstance

    try:
        inst = ReviewInstance.from_json(_read(args.instance))
        if args.command == "assign-check":
            report = assignment_check(inst, _read(args.result))
        else:
            result = assign(inst, mode=args.mode, seed=args.seed, cap=args.cap)
            report = assignment_check(inst, result)
            if not report["ok"]:  # pragma: no cover - the solver's own audit
                raise RuntimeError(f"assign: the result failed its check: {report['violations']}")
            text = result.to_json(explain=not args.no_explain)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            if not result.feasible:
                for reason in result.infeasible:
                    print(f"infeasible: {reason['message']}", file=sys.stderr)
                return 1
            return 0
    except (ValueError, json.JSONDecodeError) as exc:
        print(f"kakehashi-match: error: {exc}", file=sys.stderr)
        return 2
    if report["ok"] and not report["feasible"]:
        print("ok: infeasible, the reasons given hold")
        return 0
    if report["ok"]:
        print("ok: valid" + (" and optimal (dual certificate)" if report["optimal"] else ""))
        return 0
    for v in report["violations"]:
        print(v)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
