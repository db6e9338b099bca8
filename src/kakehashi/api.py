"""The JSON API under /api/v1/ (django-ninja). Routers live in each app's api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Kakehashi API", version="1", urls_namespace="api-v1")
