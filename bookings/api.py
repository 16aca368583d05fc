"""The JSON API at /api/v1/ (django-ninja); schema at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="未愛小屋 API",
    version="1.0.0",
    urls_namespace="api",
    docs_url=None,
)
