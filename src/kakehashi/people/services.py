"""Writes for people: accounts, profiles, languages, API tokens."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.models import AuditEntry
from kakehashi.people.models import (
    NAME_FIELDS,
    Affiliation,
    ApiToken,
    CandidateProfile,
    LanguageSkill,
    User,
)
from kakehashi.people.privacy import ANONYMISED, DELETED, erase_item, placeholder
from kakehashi.people.selectors import person_audit_entries
from kakehashi.people.signals import person_erase, profile_text_changed
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


def _people_erase(*, person: User, dry_run: bool) -> list[dict]:
    """What people itself deletes, anonymises and keeps of `person`."""
    profile = CandidateProfile.objects.filter(user=person).first()
    tokens = ApiToken.objects.filter(user=person)
    items = [
        erase_item(
            what=_("Account"),
            count=1,
            action=ANONYMISED,
            why=_(
                "Your names, e-mail, username and ORCID iD are replaced by “%(placeholder)s” "
                "and you can no longer sign in. The empty account stays so that the "
                "records kept below still point at someone."
            )
            % {"placeholder": placeholder(person.pk)},
        ),
        erase_item(
            what=_("Languages"),
            count=person.languages.count(),
            action=DELETED,
            why=_("Only used to recommend projects and check requirements."),
        ),
        erase_item(
            what=_("Affiliations"),
            count=person.affiliations.count(),
            action=DELETED,
            why=_("Only used while you take part."),
        ),
        erase_item(
            what=_("Candidate profile texts"),
            count=1 if profile is not None else 0,
            action=DELETED,
            why=_(
                "Your research interests, degree, skills and fields, and the "
                "embeddings computed from them. Level, direction and home institution "
                "stay with the anonymised account because published results count them."
            ),
        ),
        erase_item(
            what=_("API tokens"),
            count=tokens.count(),
            action=DELETED,
            why=_("Revoked at once."),
        ),
        erase_item(
            what=_("Audit record entries"),
            count=person_audit_entries(person=person).count(),
            action=ANONYMISED,
            why=_(
                "The audit record proves how decisions were made and is kept; your "
                "name and e-mail in it are replaced by the placeholder."
            ),
        ),
    ]
    if dry_run:
        return items
    person.languages.all().delete()
    person.affiliations.all().delete()
    tokens.delete()
    if profile is not None:
        profile.fields.clear()
        CandidateProfile.objects.filter(pk=profile.pk).update(
            research_interests="", degree="", skills=[]
        )
    return items


def _audit_needles(person: User) -> list[str]:
    """The strings that name `person` in audit targets and details."""
    values = {
        person.username,
        person.email,
        person.display_name,
        person.display_name_ja,
        f"{person.family_name} {person.given_name}".strip(),
        person.orcid or "",
    }
    return sorted((v for v in values if v and len(v) >= 3), key=len, reverse=True)


def _scrub(value, needles: list[str], replacement: str):
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(v, needles, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, needles, replacement) for k, v in value.items()}
    return value


def _audit_anonymise(*, person: User, replacement: str) -> int:
    """Replace `person`'s names and e-mail in the audit entries about them.

    THE ONE EXCEPTION to the append-only audit record (docs/privacy.md): only
    ``person_delete`` calls this, and it changes only the text that names the
    person; verbs, times, scopes and ids stay as they were written."""
    needles = _audit_needles(person)
    about = Q(pk__in=person_audit_entries(person=person).values("pk"))
    for needle in needles:
        about |= Q(target__icontains=needle)
        # Details are JSON: search their text, where non-ASCII may be escaped.
        for form in {needle, json.dumps(needle)[1:-1]}:
            about |= Q(data_text__icontains=form)
    entries = AuditEntry.objects.annotate(data_text=Cast("data", TextField())).filter(about)
    changed = 0
    for entry in entries.only("pk", "target", "data"):
        target = _scrub(entry.target, needles, replacement)
        data = _scrub(entry.data, needles, replacement)
        if target != entry.target or data != entry.data:
            AuditEntry.objects.filter(pk=entry.pk).update(target=target[:200], data=data)
            changed += 1
    return changed


def person_delete_plan(*, person: User) -> list[dict]:
    """What deleting `person`'s account would delete, anonymise and keep, and why
    (each app answers for its records; nothing changes)."""
    items = _people_erase(person=person, dry_run=True)
    for _receiver, answer in person_erase.send(
        sender=User, person=person, placeholder=placeholder(person.pk), dry_run=True
    ):
        items.extend(answer or [])
    return items


@transaction.atomic
def person_delete(*, person: User, password: str) -> list[dict]:
    """Delete `person`'s account at their request, all or nothing.

    What must be kept (published runs and their placements, offers of published
    runs, the audit record) is anonymised; the rest is deleted; the login is
    deactivated and every token revoked. Answers what was done (as
    ``person_delete_plan`` announced). Refused without the right password, and for
    superusers (another administrator removes them in the admin).
    """
    if not password or not person.check_password(password):
        raise ValidationError(
            _("The password is not right: nothing was deleted."), code="wrong_password"
        )
    if person.is_superuser:
        raise ValidationError(
            _("An administrator account is removed by another administrator, in the admin."),
            code="superuser",
        )
    replacement = placeholder(person.pk)
    items = []
    for _receiver, answer in person_erase.send(
        sender=User, person=person, placeholder=replacement, dry_run=False
    ):
        items.extend(answer or [])
    # The audit text is scrubbed while the person's names are still known.
    _audit_anonymise(person=person, replacement=replacement)
    items = _people_erase(person=person, dry_run=False) + items
    person.username = f"deleted-{person.pk}"
    person.email = ""
    for name in NAME_FIELDS:
        setattr(person, name, "")
    person.family_name = replacement
    person.orcid = None
    person.is_active = False
    person.is_officer = person.is_reviewer = person.is_staff = False
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    return items
