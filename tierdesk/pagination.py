"""Pages with bounds: at most 200 rows a page, offsets a database can hold, or a cursor."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_PAGE = 200
MAX_OFFSET = 2**31 - 1


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"rows per page, 1..{MAX_PAGE}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="rows to skip")


class CursorPage(Schema):
    """Limit with an offset, or with the ``next_cursor`` of the page before (keyset)."""

    limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"rows per page, 1..{MAX_PAGE}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="rows to skip")
    cursor: str | None = Field(
        None,
        max_length=200,
        description="the previous page's next_cursor: the page after it, as fast at any depth",
    )
