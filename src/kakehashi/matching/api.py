"""API of match runs, offers and the audit record."""

from ninja import Router

router = Router()
