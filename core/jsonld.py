"""JSON-LD for a `<script type="application/ld+json">` element."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe


def json_for_script(data: dict) -> SafeString:
    """JSON that cannot close its `<script>` element: `<`, `>` and `&` are escaped as JSON
    unicode escapes, so the text is inert in HTML and marking it safe injects no markup."""
    text = json.dumps(data, ensure_ascii=False, indent=None)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
