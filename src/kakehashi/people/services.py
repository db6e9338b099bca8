"""Writes for people: accounts, profiles, languages, API tokens."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.models import AuditEntry
from kakehashi.audit.services import audit_changes, audit_record
from kakehashi.core.cache import data_version_bump
from kakehashi.core.roles import is_officer
from kakehashi.people.enums import RequestStatus
from kakehashi.people.models import (
    NAME_FIELDS,
    Affiliation,
    AffiliationRequest,
    ApiToken,
    CandidateProfile,
    LanguageSkill,
    User,
)
from kakehashi.people.names import kanji_name
from kakehashi.people.privacy import ANONYMISED, DELETED, Erase, erase_item, erase_plan, placeholder
from kakehashi.people.selectors import api_token_owner, person_audit_entries
from kakehashi.people.signals import (
    affiliation_decided,
    affiliation_requested,
    person_erase,
    profile_text_changed,
)
from kakehashi.people.validators import normalise_orcid

#: The account fields an audited change keeps (before/after), never the password.
AUDITED_ACCOUNT_FIELDS = (
    "username",
    "email",
    *NAME_FIELDS,
    "name_order",
    "orcid",
    "timezone",
    "is_active",
    "is_officer",
    "is_reviewer",
    "is_staff",
    "is_superuser",
)
AUDITED_PROFILE_FIELDS = (
    "level",
    "home_organisation_id",
    "direction",
    "degree",
    "research_interests",
    "interests_language",
    "skills",
)


def person_snapshot(person: User) -> dict:
    """What a profile change's audit entry compares: account fields, languages, and the
    candidate profile's fields (prefixed ``candidate.``) when there is one."""
    values = {name: getattr(person, name) for name in AUDITED_ACCOUNT_FIELDS}
    values["languages"] = sorted(
        [s.language, s.level] for s in LanguageSkill.objects.filter(person=person)
    )
    values["affiliations"] = sorted(
        [a.organisation_id, a.role, a.title] for a in Affiliation.objects.filter(person=person)
    )
    profile = CandidateProfile.objects.filter(user=person).first()
    if profile is not None:
        for name in AUDITED_PROFILE_FIELDS:
            values[f"candidate.{name}"] = getattr(profile, name)
        values["candidate.fields"] = sorted(f.code for f in profile.fields.all())
    return values


def person_audit_changes(*, person: User, actor, before: dict) -> None:
    """Audit ``person.updated`` (scope: the person) with the fields that changed since
    `before` (a `person_snapshot`); nothing when none did."""
    changes = audit_changes(before, person_snapshot(person))
    if changes["after"]:
        audit_record(
            scope=person, verb="person.updated", actor=actor, target=person.username, data=changes
        )


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
    audit_record(
        scope=user,
        verb="token.created",
        actor=user,
        target=f"token {token.pk}",
        data={
            "token": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        },
    )
    return token, key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user a token belongs to, or None (also once the token has expired).
    Records use at most once a minute, so a busy client does not turn every read into
    a write."""
    now = timezone.now()
    user = api_token_owner(
        key_hash=ApiToken.hash_key(key), now=now, used_since=now - dt.timedelta(minutes=1)
    )
    if user is None:
        return None
    if user.token_use_stale:
        ApiToken.objects.filter(pk=user.token_pk).update(last_used_at=now)
    return user


@transaction.atomic
def user_update(*, user: User, orcid: str | None = None, languages=None, **fields) -> User:
    """Update a person's account fields; `languages` (list of {code, level}) replaces theirs.
    The caller audits the whole change (the import: `person_snapshot` before its row,
    `person_audit_changes` after)."""
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
    token = ApiToken.objects.get(pk=token_id, user=user)
    audit_record(
        scope=user,
        verb="token.revoked",
        actor=user,
        target=f"token {token.pk}",
        data={"token": token.pk, "name": token.name, "prefix": token.prefix},
    )
    token.delete()


@transaction.atomic
def person_profile_update(
    *,
    person: User,
    names: dict | None = None,
    orcid: str | None = None,
    timezone: str | None = None,
    languages=None,
    candidate: dict | None = None,
    actor=None,
) -> User:
    """Update what people edit on their own profile page, all or nothing.

    `names`: the name fields and `name_order` (a person keeps at least one name);
    `orcid`: "" clears it; `languages`: [{"code", "level"}]; `candidate`: values
    of the candidate profile (only for people who have one; fields kept). Audited
    (``person.updated``; `actor` defaults to the person).
    """
    before = person_snapshot(person)
    for name, value in (names or {}).items():
        if name not in (*NAME_FIELDS, "name_order"):
            raise ValueError(f"not a name field: {name}")
        setattr(person, name, (value or "").strip())
    if not (person.family_name or person.given_name or kanji_name(person)):
        raise ValidationError({"given_name": _("Give at least one name.")})
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
    person_audit_changes(person=person, actor=actor or person, before=before)
    return person


@transaction.atomic
def person_language_set(*, person: User, language: str) -> User:
    """Remember the interface language a person chose (mail to them uses it)."""
    person.preferred_language = language
    person.full_clean(exclude=["password"])
    person.save(update_fields=["preferred_language"])
    return person


# Signing in and out: receivers of django.contrib.auth's and django-axes' signals,
# connected in PeopleConfig.ready(). Never a password: only the name that was tried.


def _client_ip(request) -> str | None:
    # axes has resolved the address (behind the proxy too) on the requests it watches.
    return getattr(request, "axes_ip_address", None) or (
        request.META.get("REMOTE_ADDR") if request is not None else None
    )


@receiver(user_logged_in, dispatch_uid="people.audit.signed_in")
def sign_in_audit(*, sender, request, user, **kwargs) -> None:
    """``user_logged_in``: ``auth.signed_in`` on the person's record."""
    audit_record(
        scope=user,
        verb="auth.signed_in",
        actor=user,
        target=user.username,
        data={"ip": _client_ip(request)},
    )


@receiver(user_logged_out, dispatch_uid="people.audit.signed_out")
def sign_out_audit(*, sender, request, user, **kwargs) -> None:
    """``user_logged_out`` (user is None when nobody was signed in)."""
    if user is not None:
        audit_record(scope=user, verb="auth.signed_out", actor=user, target=user.username)


def _tried(username: str | None) -> tuple[User | None, str]:
    name = str(username or "")[:150]
    return User.objects.filter(username=name).first() if name else None, name


@receiver(user_login_failed, dispatch_uid="people.audit.failed")
def sign_in_failed_audit(*, sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed``: ``auth.sign_in_failed`` on the record of the person whose
    name was tried, or on no scope when nobody has it. `credentials` is read for the
    username only (Django already masks the password; it is never kept)."""
    person, name = _tried(credentials.get("username"))
    audit_record(
        scope=person,
        verb="auth.sign_in_failed",
        target=name,
        data={"username": name, "ip": _client_ip(request)},
    )


@receiver(user_locked_out, dispatch_uid="people.audit.locked_out")
def locked_out_audit(*, sender, request, username=None, ip_address=None, **kwargs) -> None:
    """django-axes' ``user_locked_out``: ``auth.locked_out``."""
    person, name = _tried(username)
    audit_record(
        scope=person,
        verb="auth.locked_out",
        target=name,
        data={"username": name, "ip": ip_address},
    )


def _profile_texts_clear(profiles) -> None:
    """Empty the free texts and fields of `profiles`; level, direction and home
    institution stay (published results count them)."""
    for profile in profiles:
        profile.fields.clear()
    profiles.update(research_interests="", degree="", skills=[], nationality="")


def _people_erase(*, person: User, dry_run: bool) -> list[dict]:
    """What people itself deletes, anonymises and keeps of `person`."""
    profile = CandidateProfile.objects.filter(user=person)
    account = erase_item(
        what=_("Account"),
        count=1,
        action=ANONYMISED,
        why=_(
            "Your names, e-mail, username and ORCID iD are replaced by “%(placeholder)s” "
            "and you can no longer sign in. The empty account stays so that the "
            "records kept below still point at someone."
        )
        % {"placeholder": placeholder(person.pk)},
    )
    return [
        account,
        *erase_plan(
            Erase(
                what=_("Languages"),
                rows=person.languages.all(),
                action=DELETED,
                why=_("Only used to recommend projects and check requirements."),
            ),
            Erase(
                what=_("Affiliations"),
                rows=person.affiliations.all(),
                action=DELETED,
                why=_("Only used while you take part."),
            ),
            Erase(
                what=_("Affiliation requests"),
                rows=person.affiliation_requests.all(),
                action=DELETED,
                why=_("Only used while you take part."),
            ),
            Erase(
                what=_("Candidate profile texts"),
                rows=profile,
                action=DELETED,
                why=_(
                    "Your research interests, degree, skills, fields and nationality, and the "
                    "embeddings computed from them. Level, direction and home institution "
                    "stay with the anonymised account because published results count them."
                ),
                effect=lambda: _profile_texts_clear(profile),
            ),
            Erase(
                what=_("API tokens"),
                rows=ApiToken.objects.filter(user=person),
                action=DELETED,
                why=_("Revoked at once."),
            ),
            Erase(
                what=_("Audit record entries"),
                rows=person_audit_entries(person=person),
                action=ANONYMISED,
                why=_(
                    "The audit record proves how decisions were made and is kept; your "
                    "name and e-mail in it are replaced by the placeholder."
                ),
            ),
            dry_run=dry_run,
        ),
    ]


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
    audit_record(
        scope=person,
        verb="person.deleted",
        target=replacement,
        data={"done": [[str(i["what"]), i["count"], str(i["action"])] for i in items]},
    )
    return items


# Affiliation requests: a person asks, an admin of the organisation (or an officer) decides.


def affiliation_request_create(
    *, person: User, organisation, role: str, title: str = ""
) -> AffiliationRequest:
    """Ask to be affiliated with `organisation` as `role`. Refused when the person already
    holds that affiliation or has asked already. Audited ``affiliation.requested``."""
    with transaction.atomic():
        if Affiliation.objects.filter(person=person, organisation=organisation, role=role).exists():
            raise ValidationError(_("You already hold this affiliation."))
        if AffiliationRequest.objects.filter(
            person=person, organisation=organisation, role=role, status=RequestStatus.PENDING
        ).exists():
            raise ValidationError(_("You have already asked for this affiliation."))
        request = AffiliationRequest(
            person=person, organisation=organisation, role=role, title=title.strip()
        )
        request.full_clean()
        request.save()
        audit_record(
            scope=person,
            verb="affiliation.requested",
            actor=person,
            target=str(organisation),
            data={"request": request.pk, "organisation": organisation.pk, "role": role},
        )
        affiliation_requested.send(sender=AffiliationRequest, request=request)
    return request


def affiliation_request_decide(
    *, request: AffiliationRequest, actor: User, confirm: bool
) -> AffiliationRequest:
    """Confirm (creating the `Affiliation`) or refuse a pending request. Only an admin of
    the organisation or an officer decides, never on their own request. Audited
    ``affiliation.confirmed`` or ``affiliation.refused`` in the person's record."""
    with transaction.atomic():
        request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        may = (
            is_officer(actor)
            or Affiliation.objects.filter(
                person=actor, organisation_id=request.organisation_id, role="admin"
            ).exists()
        )
        if not may or actor.pk == request.person_id:
            raise ValidationError(
                _("Only an admin of the organisation or an officer decides this request.")
            )
        request.status = RequestStatus.CONFIRMED if confirm else RequestStatus.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.full_clean()
        request.save()
        if confirm:
            Affiliation.objects.get_or_create(
                person_id=request.person_id,
                organisation_id=request.organisation_id,
                role=request.role,
                defaults={"title": request.title},
            )
        audit_record(
            scope=request.person,
            verb="affiliation.confirmed" if confirm else "affiliation.refused",
            actor=actor,
            target=str(request.organisation),
            data={
                "request": request.pk,
                "organisation": request.organisation_id,
                "role": request.role,
            },
        )
        affiliation_decided.send(sender=AffiliationRequest, request=request, actor=actor)
    return request
