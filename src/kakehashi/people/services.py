"""Writes for people: accounts, profiles, languages, API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kakehashi.core.cache import data_version_bump
from kakehashi.people.models import Affiliation, ApiToken, CandidateProfile, LanguageSkill, User
from kakehashi.people.signals import profile_text_changed
from kakehashi.people.validators import normalise_orcid


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    orcid: str | None = None,
    languages: list[dict] | tuple = (),
    **fields,
) -> User:
    user = User(username=username, email=email, orcid=normalise_orcid(orcid) if orcid else None)
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    person_languages_set(person=user, languages=languages)
    return user


@transaction.atomic
def person_languages_set(*, person: User, languages) -> list[LanguageSkill]:
    person.languages.all().delete()
    skills = []
    for spec in languages:
        skill = LanguageSkill(person=person, language=spec["code"], level=spec["level"])
        skill.full_clean(exclude=["person"])
        skills.append(skill)
    created = LanguageSkill.objects.bulk_create(skills)
    data_version_bump()  # bulk_create sends no signal: retire cached public answers
    return created


@transaction.atomic
def candidate_profile_set(*, user: User, fields=(), **values) -> CandidateProfile:
    """Create or update a candidate profile; `fields` is a list of ResearchField."""
    profile = CandidateProfile.objects.filter(user=user).first() or CandidateProfile(user=user)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    profile.fields.set(fields)
    if "research_interests" in values:
        profile_text_changed.send(sender=CandidateProfile, profile=profile)
    return profile


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token valid for settings.API_TOKEN_LIFETIME; the clear key is returned
    once and never stored."""
    key = "kh_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + settings.API_TOKEN_LIFETIME,
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user a token belongs to, or None (also once the token has expired).
    Records use at most once a minute, so a busy client does not turn every read into
    a write."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True, expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def user_update(*, user: User, orcid: str | None = None, languages=None, **fields) -> User:
    """Update a person's account fields; `languages` (list of {code, level}) replaces theirs."""
    if orcid is not None:
        user.orcid = normalise_orcid(orcid) if orcid else None
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()
    if languages is not None:
        person_languages_set(person=user, languages=languages)
    return user


@transaction.atomic
def person_affiliations_set(*, person: User, affiliations) -> list:
    """Replace a person's affiliations: each {organisation, role, title?}."""

    person.affiliations.all().delete()
    links = []
    for spec in affiliations:
        link = Affiliation(
            person=person,
            organisation=spec["organisation"],
            role=spec["role"],
            title=spec.get("title", ""),
        )
        link.full_clean()
        link.save()
        links.append(link)
    return links


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of `user`'s tokens; ApiToken.DoesNotExist when it is not theirs."""
    ApiToken.objects.get(pk=token_id, user=user).delete()


@transaction.atomic
def person_profile_update(
    *,
    person: User,
    orcid: str | None = None,
    timezone: str | None = None,
    languages=None,
    candidate: dict | None = None,
) -> User:
    """Update what people edit on their own profile page, all or nothing.

    `orcid`: "" clears it; `languages`: [{"code", "level"}]; `candidate`: values
    of the candidate profile (only for people who have one; fields kept).
    """
    if orcid is not None:
        person.orcid = normalise_orcid(orcid) if orcid.strip() else None
    if timezone is not None:
        person.timezone = timezone
    person.full_clean()
    person.save()
    if languages is not None:
        person_languages_set(person=person, languages=languages)
    if candidate is not None:
        profile = person.candidate_profile
        candidate_profile_set(user=person, fields=list(profile.fields.all()), **candidate)
    return person


@transaction.atomic
def person_language_set(*, person: User, language: str) -> User:
    """Remember the interface language a person chose (mail to them uses it)."""
    person.preferred_language = language
    person.full_clean(exclude=["password"])
    person.save(update_fields=["preferred_language"])
    return person
