"""Encoders the tests inject through settings.RECOMMENDATIONS_ENCODER (the engine's own
character n-gram encoder, no model): fast, deterministic, and countable."""

from __future__ import annotations

from kakehashi_semantic import CharNgramEncoder


class CountingEncoder(CharNgramEncoder):
    """The engine's CharNgramEncoder, remembering every text it was asked to encode."""

    def __init__(self) -> None:
        super().__init__(dim=256)
        self.encoded: list[str] = []

    def encode(self, texts, *, kind="passage"):
        self.encoded.extend(texts)
        return super().encode(texts, kind=kind)


COUNTING = CountingEncoder()


def counting_encoder() -> CountingEncoder:
    return COUNTING
