"""JSON from outside, parsed with a bound on nesting.

Python's parser recurses once per nesting level: a line of 100,000 `[` raises RecursionError
(a 500 through the feed API), and a document just under the interpreter's limit still makes
every later recursive walk (hashing, canonicalising) fail. Records of the platform's formats
are shallow, so anything nested deeper than `MAX_DEPTH` is refused as a plain ValueError,
which readers already report by line.
"""

from __future__ import annotations

import json

MAX_DEPTH = 32


class JsonTooDeepError(ValueError):
    pass


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """`json.loads(text)`, or `ValueError` (`JSONDecodeError` or `JsonTooDeepError`)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeepError(_too_deep(max_depth)) from None
    if _depth_exceeds(value, max_depth):
        raise JsonTooDeepError(_too_deep(max_depth))
    return value


def _too_deep(max_depth: int) -> str:
    return f"nested deeper than {max_depth} levels"


def _depth_exceeds(value, max_depth: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
