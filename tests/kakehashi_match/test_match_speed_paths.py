"""The fast paths give exactly what the plain ones give: the NumPy kernels
(used by the one-shot command) against the compiled ones, the hashed id
lookup against the dict, the joined canonical text against the dict form,
the bulk-written result against ``json.dumps(to_dict())``, and the command's
output against the in-process ``Result.to_json()``."""

import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from match_profiles import PROFILE
from test_match_solver import markets

from kakehashi_match import Instance, canonical_json, parse, solve
from kakehashi_match.generate import random_instance
from kakehashi_match.kernel import noisy_keys
from kakehashi_match.market import compile_market
from kakehashi_match.npkernel import argsort_int
from kakehashi_match.solve import student_optimal


@PROFILE
@given(markets(max_students=60, max_projects=20), st.integers(0, 1000), st.integers(0, 2**32 - 1))
def test_numpy_kernels_equal_compiled_kernels(data, seed, start_seed):
    inst = Instance.from_dict(data)
    m1 = compile_market(inst, seed, backend="numba")
    m2 = compile_market(inst, seed, backend="numpy")
    rng = np.random.default_rng(start_seed)
    start = np.minimum(m1.stu_ptr[:-1] + rng.integers(0, 3, inst.n_students), m1.stu_ptr[1:])
    m1_on_numpy = replace(m1, backend="numpy")

    assert m1.edge_key.tolist() == m2.edge_key.tolist()
    assert student_optimal(m1).tolist() == student_optimal(m1_on_numpy).tolist()
    assert student_optimal(m1, start).tolist() == student_optimal(m1_on_numpy, start).tolist()


def test_numpy_kernels_on_a_large_market_with_binding_caps():
    data = random_instance(
        3000, 400, list_length=8, n_supervisors=150, n_organisations=20, capacity=(1, 8),
        supervisor_slack=0.8, organisation_slack=0.8, tie_fraction=0.1, seed=11,
    )  # fmt: skip
    inst = Instance.from_dict(data)
    fast = solve(inst, backend="numpy")
    compiled = solve(inst, backend="numba")

    assert fast.to_json() == compiled.to_json()


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["b", "a", "zz", "c", "a", "b\x00", "q"], [1, 0, 4, 2, 0, -1, -1]),
        (["x\x00", "a"], [-1, 0]),
        ([], []),
    ],
)
def test_hashed_lookup_equals_dict_lookup(monkeypatch, names, expected):
    ids = ("a", "b", "c", "d", "zz")
    index = {k: i for i, k in enumerate(ids)}
    assert parse.lookup(names, ids, index).tolist() == expected
    monkeypatch.setattr(parse, "_HASHED_LOOKUP", (0, 0))

    assert parse.lookup(names, ids, index).tolist() == expected


@PROFILE
@given(markets(max_students=40, max_projects=12))
def test_hashed_lookup_gives_the_same_instance(data):
    a = Instance.from_dict(data)
    old = parse._HASHED_LOOKUP
    parse._HASHED_LOOKUP = (0, 0)
    try:
        b = Instance.from_dict(data)
    finally:
        parse._HASHED_LOOKUP = old

    assert a.edge_proj.tolist() == b.edge_proj.tolist()
    assert a.supervisor_ranking.student.tolist() == b.supervisor_ranking.student.tolist()
    assert a.project_ranking.student.tolist() == b.project_ranking.student.tolist()


def _odd_instance():
    data = random_instance(30, 8, list_length=3, tie_fraction=0.4, project_rankings=True, seed=3)
    ids = list(data["students"])
    suffixes = (['"', "\\", "é", "\n", "日"] * len(ids))[: len(ids)]
    ren = {s: s + x for s, x in zip(ids, suffixes, strict=True)}

    def rename(entry):
        return [ren[x] for x in entry] if isinstance(entry, list) else ren[entry]

    data["students"] = {ren[s]: lst for s, lst in data["students"].items()}
    for node in [*data["supervisors"].values(), *data["projects"].values()]:
        if "ranking" in node:
            node["ranking"] = [rename(e) for e in node["ranking"]]
    first_sup = sorted(data["supervisors"])[0]
    data["supervisors"][first_sup].pop("capacity")
    org = sorted(data["organisations"])[0]
    data["organisations"][org] = {
        "order": sorted(
            (k for k, v in data["supervisors"].items() if v.get("organisation") == org),
            reverse=True,
        )
    }
    data["groups"] = {"G": {"organisations": [org], "capacity": 4}}
    data["meta"] = {"b": [1, 2.5, 'x"y'], "a": {"é": None, "z": True}}
    return data


@PROFILE
@given(markets(max_students=40, max_projects=12))
def test_canonical_text_is_canonical_json_of_to_dict(data):
    inst = Instance.from_dict(data)

    assert inst.canonical_text() == canonical_json(inst.to_dict())


def test_canonical_text_with_escaped_ids_meta_groups_and_orders():
    inst = Instance.from_dict(_odd_instance())

    assert inst.canonical_text() == canonical_json(inst.to_dict())


@PROFILE
@given(markets(max_students=40, max_projects=12))
def test_bulk_written_result_equals_dumps_of_to_dict(data):
    r = solve(data)
    dumps = json.dumps(r.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    short = json.dumps(
        r.to_dict(explain=False), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )

    assert r.to_json() == dumps + "\n"
    assert r.to_json(explain=False) == short + "\n"


def test_bulk_written_result_with_escaped_ids_and_chunks():
    import io

    r = solve(_odd_instance(), mode="ties", seed=2)
    buf = io.StringIO()
    r.write_json(buf)
    chunked = io.StringIO()
    merged_dumps = json.dumps(
        r.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    r._write_students(chunked, chunk=7)

    assert buf.getvalue() == merged_dumps + "\n"
    students = json.dumps(
        r.to_dict()["students"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert chunked.getvalue() == students


@pytest.mark.parametrize("extra", [[], ["--no-explain"], ["--mode", "host", "--seed", "3"]])
def test_cli_output_is_byte_identical_to_result_to_json(tmp_path, extra):
    data = random_instance(
        400, 60, list_length=6, n_supervisors=20, n_organisations=4, capacity=(1, 4),
        supervisor_slack=0.8, organisation_slack=0.8, tie_fraction=0.2,
        unranked_fraction=0.1, seed=5,
    )  # fmt: skip
    path, out = tmp_path / "instance.json", tmp_path / "result.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code = (
        "import sys; from kakehashi_match.cli import main; rc = main(sys.argv[1:]); "
        "print(sorted(m for m in ('numba', 'scipy') if m in sys.modules)); sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "solve", str(path), "-o", str(out), *extra],
        capture_output=True,
        text=True,
    )
    mode = extra[extra.index("--mode") + 1] if "--mode" in extra else "student"
    seed = int(extra[extra.index("--seed") + 1]) if "--seed" in extra else 0
    expected = solve(data, mode=mode, seed=seed).to_json(explain="--no-explain" not in extra)

    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == expected.encode("utf-8")
    if mode == "student":  # one deferred acceptance: no numba (or scipy) loaded at all
        assert done.stdout.strip() == "[]"


def test_noisy_keys_equal_the_numpy_expression():
    rng = np.random.default_rng(4)
    key = rng.integers(-1, 50, 300).astype(np.int64)
    stu = rng.integers(0, 40, 300)
    scale = 0.1 * rng.integers(1, 30, 300)
    shock = rng.normal(size=40)
    moved = key + scale * shock[stu]
    acc = key >= 0
    expected = np.where(acc, moved - moved[acc].min(), -1.0)

    out = noisy_keys(key, scale, shock, stu, np.empty(300))

    assert out.tobytes() == expected.tobytes()


def test_cli_check_and_round2_use_the_numpy_kernels_and_agree(tmp_path):
    data = random_instance(
        300, 40, list_length=5, n_supervisors=12, n_organisations=3, capacity=(1, 4),
        supervisor_slack=0.8, organisation_slack=0.8, tie_fraction=0.2, seed=8,
    )  # fmt: skip
    path, first, second = tmp_path / "i.json", tmp_path / "r1.json", tmp_path / "r2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    r1 = solve(data)
    first.write_text(r1.to_json(), encoding="utf-8")
    declined = sorted(s for s, p in r1.assignments.items() if p)[:5]
    code = (
        "import sys; from kakehashi_match.cli import main; rc = main(sys.argv[1:]); "
        "print(sorted(m for m in ('numba', 'scipy') if m in sys.modules)); sys.exit(rc)"
    )

    def run(*args):
        return subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
        )

    checked = run("check", str(path), str(first))
    round2 = run("round2", str(path), str(first), "--declined", ",".join(declined),
                 "-o", str(second))  # fmt: skip

    from kakehashi_match.rounds import second_round

    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines() == ["ok: valid and stable", "[]"]
    assert round2.returncode == 0, round2.stderr
    assert round2.stdout.strip() == "[]"
    assert second.read_text(encoding="utf-8") == (
        second_round(data, r1.assignments, declined).to_json()
    )


@pytest.mark.parametrize(
    "keys",
    [
        [],
        [7],
        [3, 1, 2, 1, 3, 0],
        [5, -1, 5, -2],  # negative keys: the plain stable argsort
        [2**62, 1, 2**62],  # keys too large to pack with their positions
    ],
)
def test_argsort_int_equals_stable_argsort(keys):
    a = np.asarray(keys, dtype=np.int64)

    assert argsort_int(a).tolist() == np.argsort(a, kind="stable").tolist()


@PROFILE
@given(st.lists(st.integers(0, 2**40), max_size=300))
def test_argsort_int_equals_stable_argsort_on_generated_keys(keys):
    a = np.asarray(keys, dtype=np.int64)

    assert argsort_int(a).tolist() == np.argsort(a, kind="stable").tolist()
