"""Cursor pagination for every list: ``{"next", "previous", "results"}``, newest first."""

from rest_framework.pagination import CursorPagination


class CreatedCursorPagination(CursorPagination):
    """Order by creation time, newest first; ``page_size`` may be raised to 500."""

    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ReceivedCursorPagination(CreatedCursorPagination):
    """Interchanges are ordered by the time they were received."""

    ordering = "-received_at"


class CodeCursorPagination(CreatedCursorPagination):
    """Master data (plants) is ordered by code."""

    ordering = "code"


class NumberCursorPagination(CreatedCursorPagination):
    """Suppliers are ordered by supplier number."""

    ordering = "number"
