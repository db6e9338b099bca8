import json

import pytest

from kakehashi_semantic.cli import main


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path, titles):
    pool = _write(
        tmp_path / "pool.jsonl", [{"id": f"en{i}", "text": t[1]} for i, t in enumerate(titles)]
    )
    queries = _write(
        tmp_path / "queries.jsonl",
        [{"id": f"fr{i}", "text": t[2], "lang": "fr"} for i, t in enumerate(titles)],
    )
    pairs = _write(
        tmp_path / "pairs.jsonl",
        [{"query_id": f"fr{i}", "pool_id": f"en{i}"} for i in range(len(titles))],
    )
    return tmp_path, pool, queries, pairs


def test_rank_writes_top_k_per_query(files, capsys, cache, titles):
    tmp, pool, queries, _ = files
    out = tmp / "out.jsonl"
    rc = main(
        [
            "rank",
            "--pool",
            pool,
            "--queries",
            queries,
            "--k",
            "3",
            "-o",
            str(out),
            "--cache-dir",
            str(cache.directory),
        ]
    )
    assert rc == 0
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [x["query_id"] for x in lines] == [f"fr{i}" for i in range(len(titles))]
    assert all(len(x["ids"]) == 3 for x in lines)
    assert sum(x["ids"][0] == f"en{i}" for i, x in enumerate(lines)) >= 11


def test_eval_from_rankings_prints_metrics(files, capsys, tmp_path, titles):
    _, _, _, pairs = files
    rankings = _write(
        tmp_path / "r.jsonl",
        [
            {"query_id": "fr0", "ids": ["en0", "en1"]},
            {"query_id": "fr1", "ids": ["en0", "en1"]},
        ]
        + [{"query_id": f"fr{i}", "ids": []} for i in range(2, len(titles))],
    )
    rc = main(["eval", "--rankings", rankings, "--pairs", pairs, "--json"])
    assert rc == 0
    got = json.loads(capsys.readouterr().out)
    assert got == {"n": 12, "R@1": 1 / 12, "R@10": 2 / 12, "MRR": 1.5 / 12}


def test_eval_ranks_and_scores_in_one_go(files, capsys, cache):
    _, pool, queries, pairs = files
    rc = main(
        [
            "eval",
            "--pool",
            pool,
            "--queries",
            queries,
            "--pairs",
            pairs,
            "--cache-dir",
            str(cache.directory),
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert out.startswith("n=12  R@1=")
    assert "R@10=1.000" in out


def test_rank_invalid_utf8_is_a_clear_error(tmp_path, capsys):
    q = tmp_path / "q.jsonl"
    q.write_bytes(b'{"id": "q1", "text": "ok"}\n{"id": "q2", "text": "\xff\xfe"}\n')
    rc = main(["rank", "--pool", str(q), "--queries", str(q), "--encoder", "char", "--no-cache"])
    assert rc == 2
    assert "line 2: invalid UTF-8 (byte 0xff at byte offset 22)" in capsys.readouterr().err


def test_rank_skip_invalid_warns_and_continues(tmp_path, capsys):
    q = tmp_path / "q.jsonl"
    q.write_bytes(
        b'{"id": "q1", "text": "stable matching"}\n\xff\n{"id": "q2", "text": ""}\nnot json\n'
        b'{"id": "q3", "text": "matching markets"}\n'
    )
    rc = main(
        [
            "rank",
            "--pool",
            str(q),
            "--queries",
            str(q),
            "--encoder",
            "char",
            "--no-cache",
            "--skip-invalid",
            "--k",
            "1",
            "--exclude-self",
        ]
    )
    captured = capsys.readouterr()
    assert rc == 0
    assert [json.loads(x)["query_id"] for x in captured.out.splitlines()] == ["q1", "q3"]
    assert captured.err.count("skipped") == 6  # 3 bad lines, read as pool and queries


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": ""}\n', "'text' is empty"),
        ('{"id": "a"}\n', "'text' must be a string"),
        ('{"text": "x"}\n', "'id' must be"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "duplicate id 'a'"),
        ("[1, 2]\n", "expected a JSON object"),
        ("{oops\n", "invalid JSON"),
        ('{"id": "a", "text": "x", "lang": 3}\n', "'lang' must be"),
    ],
)
def test_rank_bad_lines_are_located(tmp_path, capsys, content, message):
    f = tmp_path / "p.jsonl"
    f.write_text(content, "utf-8")
    rc = main(["rank", "--pool", str(f), "--queries", str(f), "--encoder", "char", "--no-cache"])
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err
    assert "p.jsonl line" in err


def test_rank_missing_file(tmp_path, capsys):
    rc = main(["rank", "--pool", str(tmp_path / "nope.jsonl"), "--queries", "x", "--no-cache"])
    assert rc == 2
    assert "cannot open" in capsys.readouterr().err


def test_rank_one_megabyte_line_and_other_scripts(tmp_path, capsys):
    rows = [
        {"id": "big", "text": "Une très longue description du projet. " * 26000},
        {"id": "ko", "text": "뇌파 디코딩 연구"},
        {"id": "emoji", "text": "😀🎉"},
        {"id": "zh", "text": "脑电解码研究"},
    ]
    pool = _write(tmp_path / "pool.jsonl", rows)
    rc = main(
        ["rank", "--pool", pool, "--queries", pool, "--encoder", "char", "--no-cache", "--k", "4"]
    )
    assert rc == 0
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_rank_k_must_be_positive(files, capsys):
    _, pool, queries, _ = files
    assert main(["rank", "--pool", pool, "--queries", queries, "--k", "0"]) == 2
    assert "--k must be >= 1" in capsys.readouterr().err
