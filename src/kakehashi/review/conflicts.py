"""Conflicts of interest found in the data (reads only; `services.conflicts_detect`
writes them).

For a proposal its *authors* are the supervisors of its project and, for an
internship agreement, the candidate. An ORCID iD belongs to one account
(`people.User.orcid` is unique), so the same iD is the same account, caught as
`author`. A reviewer conflicts with a proposal when:

- they are an author (`author`);
- they share an organisation with an author or the host (`same_organisation`), or one
  is the parent or child of the other in ROR's hierarchy (`related_organisation`);
- the candidate's home university is one of theirs (`home_university`);
- they supervise, or supervised, a project with one of its supervisors
  (`co_supervision`);
- a name of theirs equals an author's across scripts (`name_variant`, `names.py`);
- they and an author are two different authors of a publication recorded as an
  outcome in the last `CO_AUTHORSHIP_YEARS` years (`co_authorship`): publication
  records list authors as names, so a person is found in one through their name keys
  (`names.text_name_keys`), across scripts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kakehashi.people.models import Affiliation
from kakehashi.people.names import person_name
from kakehashi.projects.models import ProjectSupervisor
from kakehashi.review.names import name_keys, text_name_keys

#: How far back a recorded co-authorship makes a conflict (years before today).
CO_AUTHORSHIP_YEARS = 5


@dataclass(frozen=True)
class Found:
    proposal_id: int
    reviewer_id: int
    reason: str
    detail: str


@dataclass(frozen=True)
class Publication:
    """A publication as detection needs it: its DOI, year and authors' names."""

    doi: str
    year: int
    authors: tuple[str, ...]


def _author_index(publications) -> dict[str, set[tuple[int, int]]]:
    """Name key → the (publication index, author position) it names."""
    index: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for i, pub in enumerate(publications):
        for j, name in enumerate(pub.authors):
            for key in text_name_keys(name):
                index[key].add((i, j))
    return index


def _org_label(org) -> str:
    return org.name_en or org.name


def _person_label(person) -> str:
    """The name as an English page writes it (kanji, else kana, when that is all there is)."""
    name = person_name(person, "en")
    kana = (person.family_name_kana or "") + (person.given_name_kana or "")
    return kana if name == person.username and kana else name


def detect(*, proposals, reviewers, publications=()) -> list[Found]:
    """Every conflict between `proposals` (with project, supervisors, application and
    candidate loaded) and `reviewers` (users with `reviewer_profile`); `publications`
    (`Publication`) are the recorded ones of the co-authorship window."""
    proposals, reviewers = list(proposals), list(reviewers)
    publications = list(publications)
    by_key = _author_index(publications)

    def authored(person) -> set[tuple[int, int]]:
        return set().union(*(by_key.get(k, set()) for k in name_keys(person)))

    authors: dict[int, list] = {}
    hosts: dict[int, object] = {}
    homes: dict[int, object] = {}
    project_ids = set()
    for p in proposals:
        project = p.subject_project
        project_ids.add(project.pk)
        people = [s.person for s in project.supervisions.all()]
        if p.application_id:
            people.append(p.application.candidate)
            profile = getattr(p.application.candidate, "candidate_profile", None)
            if profile is not None and profile.home_organisation_id:
                homes[p.pk] = profile.home_organisation
        authors[p.pk] = people
        hosts[p.pk] = project.host
    person_ids = {a.pk for people in authors.values() for a in people} | {r.pk for r in reviewers}
    orgs: dict[int, dict[int, object]] = defaultdict(dict)
    for aff in Affiliation.objects.filter(person_id__in=person_ids).select_related("organisation"):
        orgs[aff.person_id][aff.organisation_id] = aff.organisation
    for r in reviewers:
        profile = r.reviewer_profile
        if profile.organisation_id:
            orgs[r.pk][profile.organisation_id] = profile.organisation
    # Who supervised with whom, over every project (any call, any status).
    by_project: dict[int, set[int]] = defaultdict(set)
    for project_id, person_id in ProjectSupervisor.objects.values_list("project_id", "person_id"):
        by_project[project_id].add(person_id)
    co: dict[int, set[int]] = defaultdict(set)
    for people in by_project.values():
        for a in people:
            co[a] |= people - {a}
    keys = {r.pk: name_keys(r) for r in reviewers}
    r_authored = {r.pk: authored(r) for r in reviewers} if publications else {}
    a_authored: dict[int, set[tuple[int, int]]] = {}
    found: list[Found] = []

    def add(p, r, reason, detail):
        found.append(Found(p.pk, r.pk, reason, detail[:300]))

    for p in proposals:
        host = hosts[p.pk]
        p_orgs = {host.pk: host}
        for a in authors[p.pk]:
            p_orgs.update(orgs.get(a.pk, {}))
        for r in reviewers:
            r_orgs = orgs.get(r.pk, {})
            if any(a.pk == r.pk for a in authors[p.pk]):
                add(p, r, "author", _person_label(r))
                continue
            same = sorted(set(r_orgs) & set(p_orgs))
            if same:
                add(p, r, "same_organisation", _org_label(r_orgs[same[0]]))
            else:
                for org in r_orgs.values():
                    hit = next(
                        (
                            o
                            for o in p_orgs.values()
                            if o.parent_id == org.pk or org.parent_id == o.pk
                        ),
                        None,
                    )
                    if hit is not None:
                        add(p, r, "related_organisation", f"{_org_label(org)} / {_org_label(hit)}")
                        break
            home = homes.get(p.pk)
            if home is not None and home.pk in r_orgs:
                add(p, r, "home_university", _org_label(home))
            partners = [a for a in authors[p.pk] if a.pk in co.get(r.pk, ())]
            if partners:
                add(p, r, "co_supervision", _person_label(partners[0]))
            for a in authors[p.pk]:
                if keys[r.pk] & name_keys(a):
                    add(p, r, "name_variant", f"{_person_label(r)} ~ {_person_label(a)}")
                    break
            if r_authored.get(r.pk):
                shared = _shared_publication(r_authored[r.pk], authors[p.pk], a_authored, authored)
                if shared is not None:
                    a, i = shared
                    pub = publications[i]
                    add(
                        p,
                        r,
                        "co_authorship",
                        f"{_person_label(r)} & {_person_label(a)}: doi:{pub.doi} ({pub.year})",
                    )
    return found


def _shared_publication(mine, people, cache, authored):
    """The first author in `people` who wrote, as another author position, one of the
    publications in `mine`; with its index (the newest recorded publication first)."""
    for a in people:
        if a.pk not in cache:
            cache[a.pk] = authored(a)
        theirs = cache[a.pk]
        hits = sorted(i for (i, j) in theirs if any(i == mi and j != mj for (mi, mj) in mine))
        if hits:
            return a, hits[0]
    return None
