"""Role predicates every app checks. They read only the signed-in user's own
attributes and relations (no model import), so they sit at the bottom of the
stack, below every app that uses them; ``people.rules`` builds on them."""

import rules


@rules.predicate
def is_officer(user) -> bool:
    return bool(getattr(user, "is_officer", False)) or bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_candidate(user) -> bool:
    return bool(getattr(user, "pk", None)) and hasattr(user, "candidate_profile")


@rules.predicate
def is_supervisor(user) -> bool:
    return bool(getattr(user, "pk", None)) and user.supervisions.exists()
