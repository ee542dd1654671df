"""Cursor pagination for clients that sync: stable under inserts (ordered by id), 20 per page, at most 100."""

from django.utils import timezone
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class SyncCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.as_of = timezone.now()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                # Pass this as ``updated_since`` on the next sync to get everything changed after this page.
                "as_of": self.as_of.isoformat(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["as_of"] = {
            "type": "string",
            "format": "date-time",
            "description": "Server time of the request: the next sync's updated_since",
        }
        return response


class UnitCursorPagination(SyncCursorPagination):
    """Units are many and small: let a client take a province's communes in one or two pages."""

    max_page_size = 500
