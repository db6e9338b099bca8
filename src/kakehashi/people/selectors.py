import functools

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kakehashi.audit.models import AuditEntry
from kakehashi.core.roles import is_officer
from kakehashi.people.models import (
    NAME_FIELDS,
    Affiliation,
    AffiliationRequest,
    ApiToken,
    CandidateProfile,
    LanguageSkill,
    User,
)
from kakehashi.people.privacy import EXPORT_FORMAT, model_section
from kakehashi.people.signals import person_data_export as export_signal
from kakehashi.people.signals import person_visibility


def person_list_visible(*, user) -> QuerySet[User]:
    """People `user` may see: themself, published supervisors, own applicants; officers all."""
    qs = (
        User.objects.filter(is_active=True)
        .select_related("candidate_profile", "candidate_profile__home_organisation")
        .prefetch_related("languages", "affiliations__organisation")
    )
    if is_officer(user):
        return qs.order_by("username")
    visible = Q(pk=user.pk)
    # Apps above people add whom their rules show (published supervisors, applicants).
    for _receiver, q in person_visibility.send(sender=User, user=user):
        visible |= q
    ids = User.objects.filter(visible).values("pk")
    return qs.filter(pk__in=ids).order_by("username")


def person_visible_ids(*, user) -> tuple:
    """Whom `user` may see (`person_list_visible`), for keys of cached answers
    (core.cache.visible_fragment): ``("all",)`` for officers, else the sorted ids (one
    query)."""
    if is_officer(user):
        return ("all",)
    if not getattr(user, "is_authenticated", False):
        return ()
    visible = Q(pk=user.pk)
    for _receiver, q in person_visibility.send(sender=User, user=user):
        visible |= q
    return tuple(
        User.objects.filter(visible, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def person_get_visible(*, user, pk: int) -> User:
    return person_list_visible(user=user).get(pk=pk)


@functools.cache
def _token_owner_sql() -> str:
    quote = connection.ops.quote_name
    person, token = User._meta, ApiToken._meta
    columns = ", ".join(f"p.{quote(f.column)}" for f in person.concrete_fields)
    return (
        f"SELECT {columns}, t.{quote('id')} AS token_pk, "
        f"CASE WHEN t.{quote('last_used_at')} IS NULL OR t.{quote('last_used_at')} < %s "
        f"THEN 1 ELSE 0 END AS token_use_stale "
        f"FROM {quote(token.db_table)} t "
        f"JOIN {quote(person.db_table)} p ON p.{quote('id')} = t.{quote('user_id')} "
        f"WHERE t.{quote('key_hash')} = %s AND p.{quote('is_active')} = %s "
        f"AND t.{quote('expires_at')} > %s"
    )


def api_token_owner(*, key_hash: str, now, used_since) -> User | None:
    """The active person an unexpired token (by its hash) belongs to, or None; with
    ``token_pk`` and ``token_use_stale`` (its last use is unknown or before
    `used_since`).

    Every API call asks this first, so it is one hand-written query: the ORM spent
    five times the database's time building the same join on each call."""
    adapt = connection.ops.adapt_datetimefield_value
    rows = User.objects.raw(_token_owner_sql(), [adapt(used_since), key_hash, True, adapt(now)])
    return next(iter(rows), None)


def api_token_list(*, user):
    """The caller's own API tokens, newest first (never the keys: only prefixes are stored)."""

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def person_audit_entries(*, person) -> QuerySet:
    """Audit entries about `person`: those they wrote (actor) and those naming them
    as the target (``person <id>``, their username) or in their details
    (``candidate``/``person``/``user`` = their id), and those scoped to them (sign-ins,
    profile changes, tokens), oldest first."""
    about = (
        Q(actor_id=person.pk)
        | Q(scope_type=ContentType.objects.get_for_model(User), scope_id=person.pk)
        | Q(target__in=[f"person {person.pk}", f"user {person.pk}", person.username])
        | Q(data__candidate=person.pk)
        | Q(data__person=person.pk)
        | Q(data__user=person.pk)
    )
    return AuditEntry.objects.filter(about).order_by("at", "id")


def _people_sections(person) -> dict:
    """What people itself holds: account, languages, affiliations, candidate profile,
    API tokens (never their keys), audit entries."""
    account_keys = [
        "id",
        "username",
        "email",
        *NAME_FIELDS,
        "orcid",
        "timezone",
        "preferred_language",
        "is_officer",
        "is_reviewer",
        "is_active",
        "date_joined",
        "last_login",
    ]
    sections = {
        "account": model_section(
            title=_("Account"),
            explanation=_("Your account: names, e-mail, ORCID iD, time zone, roles."),
            model=User,
            keys=account_keys,
            rows=[person],
            labels={"id": _("Your person number")},
        ),
        "languages": model_section(
            title=_("Languages"),
            explanation=_("The languages you speak and your level in each."),
            model=LanguageSkill,
            keys=["language", "level"],
            rows=person.languages.order_by("language"),
        ),
        "affiliations": model_section(
            title=_("Affiliations"),
            explanation=_("The organisations you belong to and your role in each."),
            model=Affiliation,
            keys=["organisation", "role", "title"],
            rows=person.affiliations.select_related("organisation").order_by("pk"),
            labels={"organisation": _("organisation")},
            values=lambda a: {"organisation": a.organisation.name},
        ),
        "affiliation_requests": model_section(
            title=_("Affiliation requests"),
            explanation=_("The organisations you asked to be affiliated with, and the answer."),
            model=AffiliationRequest,
            keys=["organisation", "role", "title", "status", "created_at", "decided_at"],
            rows=person.affiliation_requests.select_related("organisation").order_by("pk"),
            labels={"organisation": _("organisation")},
            values=lambda r: {"organisation": r.organisation.name},
        ),
    }
    profile_keys = [
        "level",
        "home_organisation",
        "direction",
        "nationality",
        "degree",
        "research_interests",
        "interests_language",
        "skills",
        "fields",
        "created_at",
        "updated_at",
    ]
    profiles = list(
        CandidateProfile.objects.filter(user=person)
        .select_related("home_organisation")
        .prefetch_related("fields")
    )
    sections["candidate_profile"] = model_section(
        title=_("Candidate profile"),
        explanation=_("What you told the program as a candidate."),
        model=CandidateProfile,
        keys=profile_keys,
        rows=profiles,
        values=lambda p: {
            "home_organisation": p.home_organisation.name,
            "nationality": p.nationality.code or "",
            "skills": list(p.skills),
            "fields": [f.code for f in p.fields.all()],
        },
    )
    sections["api_tokens"] = model_section(
        title=_("API tokens"),
        explanation=_(
            "Your API tokens. Only their first characters are stored, never the "
            "token itself, so none can be shown."
        ),
        model=ApiToken,
        keys=["name", "prefix", "created_at", "last_used_at", "expires_at"],
        rows=api_token_list(user=person),
        labels={
            "prefix": _("first characters"),
            "created_at": _("created"),
            "last_used_at": _("last used"),
        },
    )
    sections["audit"] = model_section(
        title=_("Audit record"),
        explanation=_(
            "Entries of the audit record that you wrote or that name you. Who else "
            "acted is not shown: that is their personal data."
        ),
        model=AuditEntry,
        keys=["at", "verb", "target", "data", "by_you"],
        rows=person_audit_entries(person=person),
        labels={"by_you": _("done by you")},
        values=lambda e: {"by_you": e.actor_id == person.pk},
    )
    return sections


def person_data_export(*, person, language: str) -> dict:
    """Everything Kakehashi holds about `person`, as one JSON-ready document whose
    titles, explanations and key labels are in `language` (en, fr or ja).

    People's own sections, then those the apps above add through
    ``signals.person_data_export``; nothing about anyone else (other people appear
    by their number at most). A fixed number of queries, whatever the person holds.
    """
    with translation.override(language):
        sections = _people_sections(person)
        for _receiver, answer in export_signal.send(sender=User, person=person):
            sections.update(answer or {})
        return {
            "format": EXPORT_FORMAT,
            "generated_at": timezone.now().isoformat(),
            "language": language,
            "person_id": person.pk,
            "about": _(
                "Everything Kakehashi holds about you, one section per kind of record. "
                "Each section says what it is and what each key means. Other people "
                "appear by their number at most, never by name."
            ),
            "sections": sections,
        }


def affiliation_requests_to_decide(*, user) -> QuerySet:
    """Pending affiliation requests `user` may decide: of the organisations they
    administer (all of them for officers), oldest first, never their own."""
    qs = (
        AffiliationRequest.objects.filter(status="pending")
        .exclude(person_id=user.pk)
        .select_related("person", "organisation")
        .order_by("created_at", "id")
    )
    if is_officer(user):
        return qs
    return qs.filter(
        organisation__affiliations__person_id=user.pk, organisation__affiliations__role="admin"
    ).distinct()


def affiliation_requests_of(*, person) -> QuerySet:
    """A person's own affiliation requests, newest first."""
    return (
        AffiliationRequest.objects.filter(person_id=person.pk)
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )
