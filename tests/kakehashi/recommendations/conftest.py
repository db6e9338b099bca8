import pytest

from kakehashi.recommendations.services import embeddings_refresh
from tests.kakehashi.recommendations.fakes import COUNTING

CHAR_ENCODER = "tests.kakehashi.recommendations.fakes.counting_encoder"


@pytest.fixture(autouse=True)
def _embedding_cache(settings, tmp_path):
    """Each test has its own embedding cache and, unless it asks for the real encoder
    (`real_encoder`), the engine's character n-gram encoder."""
    settings.RECOMMENDATIONS_EMBEDDING_CACHE = str(tmp_path / "embeddings")
    settings.RECOMMENDATIONS_ENCODER = CHAR_ENCODER
    COUNTING.encoded.clear()


@pytest.fixture
def real_encoder(settings):
    settings.RECOMMENDATIONS_ENCODER = None


@pytest.fixture
def refreshed():
    """Embed every text of the database now (what the refresh job does after commits)."""

    def run():
        result = embeddings_refresh()
        COUNTING.encoded.clear()
        return result

    return run
