"""Writes for people: accounts, profiles, languages, API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction

from kakehashi.people.models import ApiToken, CandidateProfile, LanguageSkill, User
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
    return LanguageSkill.objects.bulk_create(skills)


@transaction.atomic
def candidate_profile_set(*, user: User, fields=(), **values) -> CandidateProfile:
    """Create or update a candidate profile; `fields` is a list of ResearchField."""
    profile = CandidateProfile.objects.filter(user=user).first() or CandidateProfile(user=user)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    profile.fields.set(fields)
    return profile


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear key is returned once and never stored."""
    key = "kh_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8])
    token.full_clean()
    token.save()
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    return token.user if token else None
