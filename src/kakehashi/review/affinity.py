"""Affinity of each (proposal, reviewer) pair, in parts the officer sees.

- **similarity**: the semantic engine's cross-language cosine between the proposal's
  text (its project's title, summary and description, as recommendations embed them)
  and the reviewer's expertise, rescaled over the round to 0–1 (the lowest pair 0, the
  highest 1), since raw cosines of one encoder crowd into a narrow band;
- **fields**: the share of the reviewer's CRDC fields found in the project's
  (Jaccard index of the two sets);
- **bid**: eager 1, willing 0.6, no bid 0.3, not willing 0.

The total is ``0.6·similarity + 0.25·fields + 0.15·bid``. Vectors come from the embedding
cache, keyed by the text's content hash: a text embedded once is never encoded again
(the recommendations' refresh job and this share the cache). A reviewer who reads
neither the proposal's language nor a language it is translated into is not eligible
(the pair is left out); a conflict or a "conflict" bid leaves it out too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kakehashi.recommendations.embedding import embedding_cache, encoder, project_text
from kakehashi.review.enums import BID_VALUE
from kakehashi_semantic import embed

WEIGHTS = {"similarity": 0.6, "fields": 0.25, "bid": 0.15}


@dataclass(frozen=True)
class Pair:
    similarity: float
    fields: float
    bid: float
    total: float
    reads: str  # the language the reviewer reads it in ("" when not eligible)

    def as_dict(self) -> dict:
        return {
            "similarity": round(self.similarity, 4),
            "fields": round(self.fields, 4),
            "bid": round(self.bid, 4),
            "total": round(self.total, 4),
            "reads": self.reads,
        }


def readable_in(project, languages: list[str]) -> str:
    """The language a reader of `languages` reads `project` in: its own, else one of its
    translations; "" when none."""
    if project.language in languages:
        return project.language
    for lang in languages:
        entry = (project.translations or {}).get(lang) or {}
        if any((entry.get(k) or "").strip() for k in ("title", "summary", "description")):
            return lang
    return ""


def _vectors(texts: list[str]) -> np.ndarray:
    """Unit vectors of `texts` (cached by content; only unseen windows are encoded)."""
    unique = list(dict.fromkeys(texts))
    rows = embed(unique, encoder=encoder(), cache=embedding_cache())
    index = {t: i for i, t in enumerate(unique)}
    return rows[[index[t] for t in texts]]


def affinity_table(*, proposals, reviewers, bids: dict, excluded: set) -> dict:
    """{proposal_id: {reviewer_id: Pair}} for the eligible pairs (`excluded`: conflicted
    (proposal_id, reviewer_id) pairs; `bids`: {(proposal_id, reviewer_id): level})."""
    proposals, reviewers = list(proposals), list(reviewers)
    if not proposals or not reviewers:
        return {}
    p_texts = [project_text(p.subject_project) or p.title for p in proposals]
    r_texts = [(r.reviewer_profile.expertise or "").strip() or r.username for r in reviewers]
    sims = _vectors(p_texts) @ _vectors(r_texts).T
    low, high = float(sims.min()), float(sims.max())
    scaled = (sims - low) / (high - low) if high > low else np.ones_like(sims)
    r_fields = [{f.code for f in r.reviewer_profile.fields.all()} for r in reviewers]
    out: dict = {}
    for i, p in enumerate(proposals):
        project = p.subject_project
        p_fields = {f.code for f in project.fields.all()}
        row = {}
        for j, r in enumerate(reviewers):
            if (p.pk, r.pk) in excluded:
                continue
            level = bids.get((p.pk, r.pk), "")
            if level == "conflict":
                continue
            reads = readable_in(project, list(r.reviewer_profile.languages or []))
            if not reads:
                continue
            union = p_fields | r_fields[j]
            fields = len(p_fields & r_fields[j]) / len(union) if union else 0.0
            similarity = float(scaled[i, j])
            bid = BID_VALUE.get(level, BID_VALUE[""])
            total = (
                WEIGHTS["similarity"] * similarity
                + WEIGHTS["fields"] * fields
                + WEIGHTS["bid"] * bid
            )
            row[r.pk] = Pair(similarity, fields, bid, total, reads)
        out[p.pk] = row
    return out
