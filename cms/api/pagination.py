from __future__ import annotations

import binascii
from base64 import urlsafe_b64decode, urlsafe_b64encode
from urllib.parse import parse_qs, urlencode

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class StableCursorPagination(CursorPagination):
    """Cursor pages: stable under inserts, no deep-offset cost. The next and previous pages are
    also in a `Link` header (RFC 8288), so CSV clients can follow them too."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "pk"

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response


class RankedCursorPagination(BasePagination):
    """Cursor pages over an ordered result that is not a queryset: a search's ranking (the
    engine pages it) or the rows of an analytics table. The cursor is opaque to clients and
    carries the position and the page size, so following `next` reads the following window of
    the same order; a result re-ranked between two requests may shift, as on the site's pages.

    Views call `window(request)` for (offset, size), read that slice, then `paginate(...)` with
    the slice and the total, and answer `get_paginated_response(data)`. A page may hold fewer
    items than its size when some ranked items are not public (they are left out, not replaced).
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 100  # the search engines' largest page

    def window(self, request) -> tuple[int, int]:
        self.request = request
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded:
            try:
                fields = parse_qs(urlsafe_b64decode(encoded.encode()).decode())
                offset, size = int(fields["o"][0]), int(fields["s"][0])
            except (ValueError, KeyError, UnicodeDecodeError, binascii.Error) as error:
                raise NotFound("Invalid cursor.") from error
            if offset < 0 or not 1 <= size <= self.max_page_size or offset % size:
                raise NotFound("Invalid cursor.")
            return offset, size
        raw = request.query_params.get(self.page_size_query_param, "")
        try:
            size = int(raw) if raw else self.page_size
        except ValueError as error:
            raise ValidationError({self.page_size_query_param: "Enter a whole number."}) from error
        return 0, max(1, min(size, self.max_page_size))

    def paginate(self, *, items: list, total: int, offset: int, size: int) -> list:
        self.offset, self.size, self.total = offset, size, total
        return items

    def _link(self, offset: int) -> str:
        url = self.request.build_absolute_uri()
        cursor = urlsafe_b64encode(urlencode({"o": offset, "s": self.size}).encode()).decode()
        url = replace_query_param(url, self.cursor_query_param, cursor)
        return remove_query_param(url, self.page_size_query_param)

    def get_next_link(self) -> str | None:
        nxt = self.offset + self.size
        return self._link(nxt) if nxt < self.total else None

    def get_previous_link(self) -> str | None:
        if self.offset <= 0:
            return None
        previous = max(0, self.offset - self.size)
        if not previous:
            url = remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
            return replace_query_param(url, self.page_size_query_param, self.size)
        return self._link(previous)

    def get_paginated_response(self, data) -> Response:
        nxt, previous = self.get_next_link(), self.get_previous_link()
        response = Response(
            {"count": self.total, "next": nxt, "previous": previous, "results": data}
        )
        links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", nxt), ("prev", previous)) if url]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Items in the whole result."},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The pagination cursor value (from `next` or `previous`).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page (at most {self.max_page_size}).",
                "schema": {"type": "integer"},
            },
        ]
