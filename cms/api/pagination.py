from rest_framework.pagination import CursorPagination


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
