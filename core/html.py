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


def sanitise_html(raw: str) -> str:
    """Markup reduced to the allowed tags and attributes; text content is kept."""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
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
    if _TAG.search(value):
        return sanitise_html(value)
    return text_to_html(value)
