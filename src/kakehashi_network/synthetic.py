"""A seeded synthetic history at the size of a national program (invented, for scale).

Organisations: universities, research institutes, companies, incubators, government
and non-profits in Canada (provinces weighted by population) and Japan (prefectures,
with the Keihanna cluster of Kyoto, Osaka and Nara and the Tokyo area weighted up),
with Zipf-like popularity. Each year's internships go half each way: a home university
sends an intern to a host (a university, institute or company) in the other country,
often with an industry partner; some later produce co-authored publications (ties that
last), hires, start-ups with an incubator, and follow-on contracts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

CA_REGIONS = {
    "CA-ON": 39, "CA-QC": 22, "CA-BC": 14, "CA-AB": 12, "CA-MB": 4, "CA-SK": 3,
    "CA-NS": 3, "CA-NB": 2, "CA-NL": 1, "CA-PE": 1,
}  # fmt: skip
JP_REGIONS = {
    "JP-13": 30, "JP-27": 12, "JP-26": 8, "JP-29": 3, "JP-14": 10, "JP-23": 8,
    "JP-40": 6, "JP-01": 5, "JP-04": 4, "JP-34": 3, "JP-28": 6, "JP-11": 5,
}  # fmt: skip
#: Shares of organisation types.
TYPES = {
    "university": 0.06, "research_institute": 0.05, "company": 0.78, "incubator": 0.04,
    "government": 0.03, "nonprofit": 0.04,
}  # fmt: skip
REGION_GROUPS = {"Keihanna": ["JP-26", "JP-27", "JP-29"]}


def _zipf(rng, n: int, s: float = 1.1) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    w = w[rng.permutation(n)]
    return w / w.sum()


def synthetic_history(
    *,
    years: int = 20,
    per_year: int = 10_000,
    organisations: int = 20_000,
    first_year: int = 2007,
    seed: int = 0,
) -> dict[str, Any]:
    """The history as plain data (``History.from_dict`` reads it)."""
    rng = np.random.default_rng(seed)
    types = rng.choice(list(TYPES), size=organisations, p=list(TYPES.values()))
    country = np.where(rng.random(organisations) < 0.45, "CA", "JP")
    ca_r, ca_w = list(CA_REGIONS), np.array(list(CA_REGIONS.values()), float)
    jp_r, jp_w = list(JP_REGIONS), np.array(list(JP_REGIONS.values()), float)
    region = np.where(
        country == "CA",
        rng.choice(ca_r, size=organisations, p=ca_w / ca_w.sum()),
        rng.choice(jp_r, size=organisations, p=jp_w / jp_w.sum()),
    )
    ids = [f"org{i}" for i in range(organisations)]
    orgs = {
        ids[i]: {"type": str(types[i]), "country": str(country[i]), "region": str(region[i])}
        for i in range(organisations)
    }

    def pool(c: str, kinds: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        members = np.flatnonzero((country == c) & np.isin(types, kinds))
        return members, _zipf(rng, len(members))

    univ = {c: pool(c, ("university",)) for c in ("CA", "JP")}
    hosts = {c: pool(c, ("university", "research_institute", "company")) for c in ("CA", "JP")}
    companies = {c: pool(c, ("company",)) for c in ("CA", "JP")}
    incubators = {c: pool(c, ("incubator",)) for c in ("CA", "JP")}

    def draw(pools, c: str, size: int) -> np.ndarray:
        members, weights = pools[c]
        if size == 0 or not len(members):
            return np.full(size, -1, np.int64)
        return members[rng.choice(len(members), size=size, p=weights)]

    activities: list[dict[str, Any]] = []
    person = 0
    last_year = first_year + years - 1
    for y in range(first_year, first_year + years):
        home_c = np.where(rng.random(per_year) < 0.5, "CA", "JP")
        home = np.empty(per_year, np.int64)
        host = np.empty(per_year, np.int64)
        partner = np.full(per_year, -1, np.int64)
        startup = np.full(per_year, -1, np.int64)
        wants_partner = rng.random(per_year) < 0.6
        partner_abroad = rng.random(per_year) < 0.7
        for hc, dc in (("CA", "JP"), ("JP", "CA")):
            mine = np.flatnonzero(home_c == hc)
            home[mine] = draw(univ, hc, len(mine))
            host[mine] = draw(hosts, dc, len(mine))
            for pc, where in ((dc, partner_abroad), (hc, ~partner_abroad)):
                pick = mine[where[mine]]
                partner[pick] = draw(companies, pc, len(pick))
            startup[mine] = draw(incubators, hc, len(mine))
        partner[~wants_partner | (types[host] == "company")] = -1
        later = y + 1 + rng.integers(0, 3, size=per_year)
        roll = rng.random(per_year)
        for k in range(per_year):
            members = [ids[home[k]], ids[host[k]]]
            if partner[k] >= 0 and partner[k] not in (home[k], host[k]):
                members.append(ids[partner[k]])
            intern, supervisor = f"person{person}", f"person{person + 1}"
            person += 2
            aid = f"i{y}-{k}"
            activities.append(
                {"id": aid, "year": y, "kind": "internship", "organisations": members,
                 "route": members[:2], "people": [intern, supervisor]}
            )  # fmt: skip
            if later[k] > last_year:
                continue
            if roll[k] < 0.20:
                kind, tied, people = "publication", members[:2], [intern, supervisor]
            elif roll[k] < 0.25:
                kind, tied, people = "hire", members[1:] if len(members) > 2 else members, [intern]
            elif roll[k] < 0.26 and startup[k] >= 0:
                kind, tied, people = "startup", [members[0], ids[startup[k]]], [intern]
            elif roll[k] < 0.30:
                kind, tied, people = "contract", members, []
            else:
                continue
            activities.append(
                {"id": f"{kind}-{aid}", "year": int(later[k]), "kind": kind,
                 "organisations": tied, "people": people}
            )  # fmt: skip
    return {"organisations": orgs, "activities": activities, "region_groups": REGION_GROUPS}
