"""Kakehashi semantic engine: cross-language embeddings, retrieval, recommendations, search.

Pure library: plain data in and out, no Django. The e5 model loads lazily on first
encode (never fork a process after that: OpenMP). See docs/semantic/README.md.

>>> from kakehashi_semantic import detect_language
>>> detect_language("脳波デコーディング")
'ja'
"""

from .bias import LanguageCentering, calibrate_by_language
from .cache import EmbeddingCache, content_key, default_cache_dir
from .embed import embed
from .encoders import (
    CharNgramEncoder,
    E5Encoder,
    Encoder,
    EncoderUnavailableError,
    OpenAICompatibleEncoder,
    SentenceTransformerEncoder,
    default_encoder,
)
from .evaluation import RetrievalMetrics, metrics_from_rankings, metrics_from_ranks
from .index import Hit, NumpyIndex, VectorIndex, filter_mask, top_k
from .lang import SUPPORTED_LANGUAGES, detect_language
from .market import MarketRanking, expected_matches, market_aware_rankings
from .names import NameMatcher, is_kanji_abbreviation
from .offtopic import TopicGuard, everyday_topics
from .recommend import (
    FieldMatch,
    Profile,
    Recommendation,
    SentencePair,
    Weights,
    best_sentence_pair,
    field_overlap,
    language_fit,
    recommend,
    skill_overlap,
)
from .romaji import RomajiMatcher, latin_key
from .search import (
    LexicalIndex,
    SearchResult,
    Snippet,
    hybrid_search,
    make_snippet,
    match_spans,
    query_terms,
    reciprocal_rank_fusion,
    term_coverage,
)
from .semantic_index import ROMAJI_WEIGHT, Item, SemanticIndex
from .windowing import Windowing, split_sentences, split_windows

__version__ = "0.1.0"

__all__ = [
    "ROMAJI_WEIGHT",
    "SUPPORTED_LANGUAGES",
    "CharNgramEncoder",
    "E5Encoder",
    "EmbeddingCache",
    "Encoder",
    "EncoderUnavailableError",
    "FieldMatch",
    "Hit",
    "Item",
    "LanguageCentering",
    "LexicalIndex",
    "MarketRanking",
    "NameMatcher",
    "NumpyIndex",
    "OpenAICompatibleEncoder",
    "Profile",
    "Recommendation",
    "RetrievalMetrics",
    "RomajiMatcher",
    "SearchResult",
    "SemanticIndex",
    "SentencePair",
    "SentenceTransformerEncoder",
    "Snippet",
    "TopicGuard",
    "VectorIndex",
    "Weights",
    "Windowing",
    "best_sentence_pair",
    "calibrate_by_language",
    "content_key",
    "default_cache_dir",
    "default_encoder",
    "detect_language",
    "embed",
    "everyday_topics",
    "expected_matches",
    "field_overlap",
    "filter_mask",
    "hybrid_search",
    "is_kanji_abbreviation",
    "language_fit",
    "latin_key",
    "make_snippet",
    "market_aware_rankings",
    "match_spans",
    "metrics_from_rankings",
    "metrics_from_ranks",
    "query_terms",
    "reciprocal_rank_fusion",
    "recommend",
    "skill_overlap",
    "split_sentences",
    "split_windows",
    "term_coverage",
    "top_k",
]
