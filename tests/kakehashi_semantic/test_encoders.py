import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from kakehashi_semantic import (
    CharNgramEncoder,
    E5Encoder,
    EncoderUnavailableError,
    OpenAICompatibleEncoder,
    SentenceTransformerEncoder,
    embed,
)


def test_e5_rows_are_unit_and_deterministic(e5):
    a = e5.encode(["EEG decoding", "脳波デコーディング"], kind="passage")
    b = e5.encode(["EEG decoding", "脳波デコーディング"], kind="passage")
    assert a.shape == (2, 384)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(a, b)


def test_e5_query_and_passage_prefixes_differ(e5):
    q = e5.encode(["EEG decoding"], kind="query")
    p = e5.encode(["EEG decoding"], kind="passage")
    assert float(q[0] @ p[0]) < 0.999


def test_e5_translation_closer_than_unrelated(e5):
    v = e5.encode(["EEG decoding", "脳波デコーディング", "酒造りの歴史"], kind="passage")
    assert v[0] @ v[1] > v[0] @ v[2]


def test_e5_bad_kind_raises(e5):
    with pytest.raises(ValueError, match="kind"):
        e5.encode(["x"], kind="document")  # type: ignore[arg-type]


def test_e5_bad_variant_raises():
    with pytest.raises(ValueError, match="variant"):
        E5Encoder(variant="huge")


def test_char_ngram_encoder_shares_japanese_ngrams():
    e = CharNgramEncoder(dim=8192)
    v = e.encode(["脳波デコーディング", "脳波の解析", "stable matching"])
    assert v[0] @ v[1] > 0.1
    assert v[0] @ v[2] == pytest.approx(0.0, abs=0.05)


def test_char_ngram_fit_returns_new_encoder_with_idf():
    e = CharNgramEncoder(dim=128)
    f = e.fit(["abc abc", "abd"])
    assert e.idf is None
    assert f.idf is not None and f.idf.shape == (128,)
    assert f.model_id != e.model_id


def test_sentence_transformer_missing_package_is_clear():
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover
        pytest.skip("sentence-transformers is installed here")
    enc = SentenceTransformerEncoder("intfloat/multilingual-e5-large")
    with pytest.raises(EncoderUnavailableError, match="sentence-transformers"):
        enc.encode(["x"])


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if body["model"] == "broken":
            payload = b'{"oops": 1}'
        else:
            data = [
                {"index": i, "embedding": [float(len(t)), 1.0, 0.0]}
                for i, t in enumerate(body["input"])
            ]
            payload = json.dumps({"data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()
    t.join()


def test_openai_compatible_encoder_round_trip(server):
    enc = OpenAICompatibleEncoder(server, "m", dim=3, batch_size=2, query_prefix="query: ")
    v = enc.encode(["ab", "abcd", "a"], kind="passage")
    assert v.shape == (3, 3)
    np.testing.assert_allclose(v[0], np.array([2.0, 1.0, 0.0]) / np.sqrt(5), rtol=1e-6)
    q = enc.encode(["ab"], kind="query")  # "query: ab" has 9 characters
    np.testing.assert_allclose(q[0], np.array([9.0, 1.0, 0.0]) / np.sqrt(82), rtol=1e-6)


def test_openai_compatible_encoder_malformed_answer(server):
    enc = OpenAICompatibleEncoder(server, "broken", dim=3)
    with pytest.raises(EncoderUnavailableError, match="malformed"):
        enc.encode(["x"])


def test_openai_compatible_encoder_unreachable():
    enc = OpenAICompatibleEncoder("http://127.0.0.1:9/v1", "m", dim=3, timeout=2)
    with pytest.raises(EncoderUnavailableError, match="not reachable"):
        enc.encode(["x"])


def test_openai_compatible_encoder_bad_url():
    with pytest.raises(ValueError, match="base_url"):
        OpenAICompatibleEncoder("ftp://x", "m", dim=3)


def test_openai_compatible_encoder_through_embed_and_cache(server, tmp_path):
    enc = OpenAICompatibleEncoder(server, "m", dim=3)
    v = embed(["abc"], encoder=enc, cache=tmp_path)
    np.testing.assert_allclose(v[0], np.array([3.0, 1.0, 0.0]) / np.sqrt(10), rtol=1e-6)
