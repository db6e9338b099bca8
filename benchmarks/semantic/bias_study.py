"""Study of the same-language bias on one pair set: prefixes × corrections (exploratory)."""

from __future__ import annotations

import sys

import numpy as np
from datasets import all_sets

from kakehashi_semantic.bias import LanguageCentering, calibrate_by_language
from kakehashi_semantic.cache import EmbeddingCache
from kakehashi_semantic.embed import embed
from kakehashi_semantic.encoders import CharNgramEncoder
from kakehashi_semantic.evaluation import metrics_from_ranks


def ranks_of(scores: np.ndarray, gold_cols: np.ndarray) -> np.ndarray:
    g = scores[np.arange(len(gold_cols)), gold_cols][:, None]
    return (scores > g).sum(axis=1) + 1


def main(name: str) -> None:
    ps = next(p for p in all_sets() if p.name == name)
    cache = EmbeddingCache()
    n = len(ps.a)
    texts = list(ps.a) + list(ps.b)
    langs = [ps.lang_a] * n + [ps.lang_b] * n
    emb = {k: embed(texts, kind=k, cache=cache) for k in ("passage", "query")}
    lex_enc = CharNgramEncoder(dim=2**15).fit(texts)
    lex = lex_enc.encode(texts)
    rng = np.random.default_rng(0)
    perm = rng.permutation(n)
    folds = [perm[: n // 2], perm[n // 2 :]]
    for qk, pk in (("passage", "passage"), ("query", "passage"), ("query", "query")):
        Q, P = emb[qk], emb[pk]
        for direction in ("a2b", "b2a"):
            results: dict[str, list[int]] = {}
            bias_cnt: dict[str, int] = {}
            for f in range(2):
                test, cal = folds[f], folds[1 - f]
                ca, cb = cal[: len(cal) // 2], cal[len(cal) // 2 :]
                # non-parallel calibration: a-texts of one half, b-texts of the other
                cal_idx = np.concatenate([ca, n + cb])
                cal_langs = [langs[i] for i in cal_idx]
                qrows = test if direction == "a2b" else n + test
                gold = n + test if direction == "a2b" else test
                # mixed pool: all 2n texts except the query itself
                variants = {}
                variants["raw"] = (Q[qrows], P)
                cq = LanguageCentering.fit(Q[cal_idx], cal_langs)
                cp = LanguageCentering.fit(P[cal_idx], cal_langs)
                Pc = cp.transform(P, langs)
                Qc = cq.transform(Q[qrows], [langs[i] for i in qrows])
                variants["centre"] = (Qc, Pc)
                cq2 = LanguageCentering.fit(Q[cal_idx], cal_langs, project_out=True)
                cp2 = LanguageCentering.fit(P[cal_idx], cal_langs, project_out=True)
                variants["centre+proj"] = (
                    cq2.transform(Q[qrows], [langs[i] for i in qrows]),
                    cp2.transform(P, langs),
                )
                lexs = lex[qrows] @ lex.T
                for vname, (qv, pv) in variants.items():
                    for cal_on in (False, True, "lex"):
                        s = qv @ pv.T
                        s[np.arange(len(qrows)), qrows] = -np.inf
                        if cal_on == "lex":
                            # hybrid: add z-scored lexical (char n-gram TF-IDF) evidence
                            ls = lexs.copy()
                            ls[np.arange(len(qrows)), qrows] = -np.inf
                            s = calibrate_by_language(s, langs) + 0.3 * calibrate_by_language(
                                ls, langs
                            )
                        elif cal_on:
                            s = calibrate_by_language(s, langs)
                        key = vname + {False: "", True: "+zcal", "lex": "+zcal+lex"}[cal_on]
                        results.setdefault(key, []).extend(ranks_of(s, gold).tolist())
                        same = np.array(
                            [(langs[j] == langs[qrows[0]]) for j in range(2 * n)], dtype=bool
                        )
                        best_same = np.where(same[None, :], s, -np.inf).max(axis=1)
                        gsc = s[np.arange(len(qrows)), gold]
                        bias_cnt[key] = bias_cnt.get(key, 0) + int((best_same > gsc).sum())
                # single-language pool (only the other language)
                other = np.arange(n, 2 * n) if direction == "a2b" else np.arange(n)
                s = Q[qrows] @ P[other].T
                gc = test
                results.setdefault("single-pool", []).extend(ranks_of(s, gc).tolist())
            for key, r in results.items():
                m = metrics_from_ranks(r)
                b = bias_cnt.get(key)
                bs = f" same-lang-above-gold {b / n:.0%}" if b is not None else ""
                print(
                    f"{name} {direction} q={qk[0]} p={pk[0]} {key:18s} "
                    f"R@1 {m.r1:.3f} R@10 {m.r10:.3f} MRR {m.mrr:.3f}{bs}"
                )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "anlp_titles")
