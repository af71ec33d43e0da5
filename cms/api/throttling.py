"""Rate limits: anonymous clients by address, key holders by key (a higher limit)."""

from rest_framework.throttling import SimpleRateThrottle


class AnonymousApiThrottle(SimpleRateThrottle):
    scope = "api_anonymous"

    def get_cache_key(self, request, view):
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiKeyThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
