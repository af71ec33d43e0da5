"""API keys: issued once, stored as a hash."""

from __future__ import annotations

from cms.api.keys import hash_key, new_key
from cms.models import ApiKey


def api_key_issue(*, name: str, contact_email: str = "", user=None) -> tuple[ApiKey, str]:
    """A new active key for `name`: the stored record and the raw key, to hand over once.

    With `user`, the key carries that account's site permissions (an advisor's key reads the
    advisor figures); without, it only raises the rate limit."""
    raw = new_key()
    api_key = ApiKey.objects.create(
        name=name, contact_email=contact_email, user=user, key_hash=hash_key(raw), prefix=raw[:10]
    )
    return api_key, raw
