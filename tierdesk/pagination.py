"""Limit/offset pages with bounds: at most 200 rows a page, offsets a database can hold."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_PAGE = 200
MAX_OFFSET = 2**31 - 1


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"rows per page, 1..{MAX_PAGE}")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="rows to skip")
