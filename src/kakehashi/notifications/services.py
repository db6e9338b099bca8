"""E-mail to participants, in each recipient's own language.

A kind of notification is one template, ``notifications/<kind>.txt``, found in
any app's templates: its first line is the subject, the rest the body. It is
rendered once per recipient under their ``preferred_language`` and time zone,
so a Japanese candidate and a French supervisor of the same run each read
their own language and their own clock.
"""

from __future__ import annotations

import logging
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


def notify(*, user, kind: str, context: dict | None = None) -> bool:
    """Send one notification of `kind` to `user`; False when they have no address."""
    if not user.email:
        return False
    language = user.preferred_language or settings.LANGUAGE_CODE
    try:
        zone = zoneinfo.ZoneInfo(user.timezone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        text = render_to_string(
            f"notifications/{kind}.txt",
            {"user": user, "site_url": settings.SITE_URL, **(context or {})},
        ).strip()
    subject, _, body = text.partition("\n")
    message = EmailMessage(
        subject=subject.strip(),
        body=body.strip() + "\n",
        to=[user.email],
        headers={"Content-Language": language},
    )
    message.send()
    logger.info("notification %s sent to user %s", kind, user.pk)
    return True
