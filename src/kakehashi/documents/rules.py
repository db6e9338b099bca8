"""Permission predicates for documents, referees and letters."""

import rules

from kakehashi.documents.selectors import may_read_candidate_files
from kakehashi.people.rules import is_candidate


@rules.predicate
def owns_document(user, document) -> bool:
    return document is not None and document.owner_id == user.pk


@rules.predicate
def names_referee(user, referee) -> bool:
    return referee is not None and referee.candidate_id == user.pk


@rules.predicate
def may_read_document(user, document) -> bool:
    """The candidate, supervisors of a project they applied to (not withdrawn), officers."""
    return document is not None and may_read_candidate_files(
        user=user, candidate_id=document.owner_id
    )


@rules.predicate
def may_read_letter(user, referee) -> bool:
    """Supervisors of a project the candidate applied to (not withdrawn) and officers:
    never the candidate, whose letters are confidential."""
    return (
        referee is not None
        and referee.candidate_id != user.pk
        and may_read_candidate_files(user=user, candidate_id=referee.candidate_id)
    )


@rules.predicate
def may_read_candidate(user, person) -> bool:
    """The page of a candidate's documents and letters: as for letters."""
    return (
        person is not None
        and person.pk != user.pk
        and may_read_candidate_files(user=user, candidate_id=person.pk)
    )


#: One's own documents and referees: candidates.
rules.add_perm("documents.view_own_documents", is_candidate)
rules.add_perm("documents.add_document", is_candidate)
rules.add_perm("documents.delete_document", owns_document)
rules.add_perm("documents.add_referee", is_candidate)
rules.add_perm("documents.delete_referee", names_referee)
#: Reading a document's file (object: the document).
rules.add_perm("documents.view_document", may_read_document)
#: Reading a letter (object: the referee): never its candidate.
rules.add_perm("documents.view_letter", may_read_letter)
#: A candidate's documents and letters (object: the person): their supervisors, officers.
rules.add_perm("documents.view_candidate_documents", may_read_candidate)
#: A referee's upload page: anyone holding the link (the token is the permission).
rules.add_perm("documents.upload_letter", rules.always_allow)
