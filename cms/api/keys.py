"""API keys raise a client's rate limit. A key issued to an account carries that account's site
permissions (an advisor's key reads the advisor figures); any other key grants nothing more
than an anonymous visitor sees."""

from __future__ import annotations

import hashlib
import secrets

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication

KEY_HEADER = "HTTP_X_API_KEY"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_key() -> str:
    return "wk_" + secrets.token_urlsafe(32)


class ApiKeyAuthentication(BaseAuthentication):
    """`X-API-Key: wk_…` identifies the client for throttling. A key without an account leaves
    the request anonymous, so the API shows its holder exactly what the site shows everyone; a
    key issued to an active account acts as that account (never for writes: the API has none)."""

    def authenticate(self, request):
        from django.contrib.auth.models import AnonymousUser
        from rest_framework.exceptions import AuthenticationFailed

        from cms.models import ApiKey

        raw = request.META.get(KEY_HEADER, "").strip()
        if not raw:
            return None
        key = (
            ApiKey.objects.filter(key_hash=hash_key(raw), is_active=True)
            .select_related("user")
            .first()
        )
        if key is None:
            raise AuthenticationFailed("Unknown or revoked API key.")
        if key.user is not None and not key.user.is_active:
            raise AuthenticationFailed("The account this key was issued to is disabled.")
        return key.user or AnonymousUser(), key

    def authenticate_header(self, request):
        return "X-API-Key"


class ApiKeySchema(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the key (optional: anonymous reads are allowed)."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}
