"""The command line and the package's independence from Django."""

import json
import subprocess
import sys

import pytest

from kakehashi_match.cli import main


@pytest.fixture
def instance_file(tmp_path, nested_example):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(nested_example), encoding="utf-8")
    return path


def test_import_does_not_pull_in_django():
    code = (
        "import sys, kakehashi_match, kakehashi_match.cli, kakehashi_match.simulate; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.') "
        "or m.startswith('kakehashi.')); print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"


def test_cli_solve_then_check_exits_zero(instance_file, tmp_path, capsys):
    out = tmp_path / "result.json"

    assert main(["solve", str(instance_file), "--seed", "4", "-o", str(out)]) == 0
    assert main(["check", str(instance_file), str(out)]) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["assignments"] == {"a": None, "b": "p1", "c": "p2", "d": "q1"}
    assert result["run"]["seed"] == 4
    assert capsys.readouterr().out == "ok: valid and stable\n"


def test_cli_solve_is_byte_identical_across_runs(instance_file, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"

    main(["solve", str(instance_file), "-o", str(a)])
    main(["solve", str(instance_file), "-o", str(b)])

    assert a.read_bytes() == b.read_bytes()


def test_cli_check_exits_one_listing_violations(instance_file, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"assignments": {"a": "q1", "b": "p1", "c": "p2", "d": None}}))

    code = main(["check", str(instance_file), str(bad)])

    assert code == 1
    assert capsys.readouterr().out == "blocking pair: student 'd' and project 'q1'\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "malformed JSON"),
        ('{"students": {"s": ["x"]}, "projects": {}}', "unknown project ids 'x'"),
    ],
)
def test_cli_solve_bad_input_exits_two(tmp_path, capsys, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)

    code = main(["solve", str(path)])

    assert code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_cli_solve_bad_mode_exits_two(instance_file, capsys):
    assert main(["solve", str(instance_file), "--mode", "nope"]) == 2
    assert "mode: unknown mode 'nope'" in capsys.readouterr().err


def test_cli_console_script_runs(instance_file):
    done = subprocess.run(
        [sys.executable, "-m", "kakehashi_match.cli", "solve", str(instance_file), "--no-explain"],
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["certificate"]["stable"] is True


def test_result_to_json_equals_to_dict(nested_example):
    from kakehashi_match import solve

    r = solve(nested_example)

    assert json.loads(r.to_json()) == r.to_dict()
    assert json.loads(r.to_json(explain=False)) == r.to_dict(explain=False)


def test_cli_round2_fills_declined_place(tmp_path, capsys):
    inst = tmp_path / "i.json"
    inst.write_text(
        json.dumps(
            {
                "students": {"a": ["p"], "b": ["q"], "c": ["p", "q"]},
                "projects": {
                    "p": {"capacity": 1, "ranking": ["a", "c"]},
                    "q": {"capacity": 1, "ranking": ["b", "c"]},
                },
            }
        )
    )
    first, second = tmp_path / "r1.json", tmp_path / "r2.json"
    main(["solve", str(inst), "-o", str(first)])

    code = main(["round2", str(inst), str(first), "--declined", "a", "-o", str(second)])

    assert code == 0
    out = json.loads(second.read_text())
    assert out["combined_assignments"] == {"a": None, "b": "q", "c": "p"}
