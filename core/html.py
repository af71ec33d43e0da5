"""The one HTML sanitiser for every piece of rich text that comes from outside.

Job feeds, employer needs, offer imports (CSV and LHEO) and the rendering of stored rich text
all go through `sanitise_html`, so that one policy decides which markup reaches a page:
formatting tags only, links with http(s)/mailto targets, no script, style, frames, images or
event handlers.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u",
    "h2", "h3", "h4", "h5", "h6", "a", "blockquote", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|dt|dd|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")
# Lone surrogates (a JSON "\ud800" escape) cannot reach the parser, which works on UTF-8; a
# byte-order mark is dropped by the parser only at the start of its input, so one left inside
# would come first after a second pass: both are removed up front, and a pass is a fixed point.
_SURROGATES = re.compile("[\ud800-\udfff]")


def sanitise_html(raw: str) -> str:
    """Markup reduced to the allowed tags and attributes; text content is kept. Idempotent:
    sanitising the result again changes nothing."""
    return nh3.clean(
        _SURROGATES.sub("\ufffd", raw).replace("\ufeff", ""),
        tags=ALLOWED_TAGS,
        # "*": nothing on every tag. Without it nh3 keeps `lang` and `title` on any tag
        # (ammonia's generic attributes), beyond the policy written above.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def html_to_text(clean_html: str) -> str:
    """Plain text of sanitised HTML, one line per block, list items with a dash."""
    marked = _LIST_ITEM.sub("- ", _BLOCK_END.sub("\n", clean_html))
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_to_html(text: str) -> str:
    """Paragraphs for plain text (escaped): blank lines separate paragraphs, newlines break."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text or "") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def rich_text_from_outside(value: str) -> str:
    """Rich text for a field filled from a file or a feed: HTML is sanitised, plain text is
    escaped into paragraphs. Never returns markup that `sanitise_html` would change."""
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        return ""
    # Plain text goes through the sanitiser too: its serialisation is the one fixed point
    # (it writes a no-break space as `&nbsp;`, which `html.escape` leaves as is), so a stored
    # description and the same text sanitised again on render are equal.
    return sanitise_html(value if _TAG.search(value) else text_to_html(value))
