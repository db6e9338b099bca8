"""Shared fixtures: one real e5 encoder and one embedding cache per test session."""

from __future__ import annotations

import pytest

from kakehashi_semantic import E5Encoder, EmbeddingCache


@pytest.fixture(scope="session")
def e5() -> E5Encoder:
    return E5Encoder()


@pytest.fixture(scope="session")
def cache(tmp_path_factory: pytest.TempPathFactory) -> EmbeddingCache:
    return EmbeddingCache(tmp_path_factory.mktemp("embeddings"))


# Hand-written research titles (ours, not from any dataset): (ja, en, fr).
_TITLES = [
    (
        "脳波デコーディングによる意図推定",
        "Intention estimation by EEG decoding",
        "Estimation de l'intention par décodage EEG",
    ),
    (
        "深層学習を用いた機械翻訳の品質推定",
        "Quality estimation for machine translation with deep learning",
        "Estimation de la qualité de la traduction automatique par apprentissage profond",
    ),
    (
        "安定マッチングと定員制約",
        "Stable matching under capacity constraints",
        "Appariement stable sous contraintes de capacité",
    ),
    (
        "量子コンピュータの誤り訂正",
        "Error correction for quantum computers",
        "Correction d'erreurs pour ordinateurs quantiques",
    ),
    (
        "森林火災の衛星画像による検出",
        "Detecting forest fires from satellite images",
        "Détection des feux de forêt par images satellitaires",
    ),
    (
        "高齢者の転倒検知センサー",
        "Fall detection sensors for older adults",
        "Capteurs de détection des chutes chez les personnes âgées",
    ),
    (
        "リチウムイオン電池の劣化予測",
        "Predicting degradation of lithium-ion batteries",
        "Prédiction de la dégradation des batteries lithium-ion",
    ),
    (
        "日本語の形態素解析",
        "Morphological analysis of Japanese",
        "Analyse morphologique du japonais",
    ),
    (
        "海氷の融解と気候変動",
        "Sea ice melting and climate change",
        "Fonte de la glace de mer et changement climatique",
    ),
    (
        "ロボットアームの強化学習制御",
        "Reinforcement learning control of robot arms",
        "Commande de bras robotiques par apprentissage par renforcement",
    ),
    (
        "がん画像診断の説明可能なAI",
        "Explainable AI for cancer image diagnosis",
        "IA explicable pour le diagnostic du cancer par imagerie",
    ),
    (
        "地震波による地下構造の推定",
        "Estimating subsurface structure from seismic waves",
        "Estimation de la structure du sous-sol par ondes sismiques",
    ),
]


@pytest.fixture(scope="session")
def titles() -> list[tuple[str, str, str]]:
    return list(_TITLES)
