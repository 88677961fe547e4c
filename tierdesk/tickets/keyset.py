"""Keyset paging for the queue: "next" and "previous" continue from the row at the edge of
the page shown, so page 700 costs what page 2 costs.

A mark names the sort it was made for, the edge row's sort value and its id. The page
number stays in the address for the "Page N of M" label; a mark that does not fit the
sort or cannot be read is ignored and the page is found by its number (offset) instead.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q
from django.db.models.expressions import OrderBy


@dataclass(frozen=True, slots=True)
class SortKey:
    """One queue order: a column (or annotation), its direction, whether it may be empty
    (empty values sort last either way), and the direction of the id that breaks ties."""

    column: str
    descending: bool = False
    nullable: bool = False
    id_descending: bool = False

    def order_by(self, *, reverse: bool = False) -> tuple[OrderBy, OrderBy]:
        """The ORDER BY of this sort, or of its mirror image (to read a page backwards)."""
        descending = self.descending != reverse
        # Only an empty-able column names where empties go: a plain ASC or DESC is what a
        # b-tree index serves read forwards or backwards.
        nulls = {}
        if self.nullable:
            nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        column = F(self.column).desc(**nulls) if descending else F(self.column).asc(**nulls)
        by_id = F("id").desc() if self.id_descending != reverse else F("id").asc()
        return column, by_id

    def beyond(self, mark: "Mark", *, before: bool = False) -> list[Q]:
        """The rows after the mark's row (or before it, with ``before``), as conditions to
        read one after the other in the sort's (or its mirror's) order.

        Each condition starts with a bound on the column alone (``>=``), which the index
        turns into where its scan begins; an ``OR`` of the whole would make it read the
        index from its start. Empty values sort last, so they are a segment of their own.
        """
        column = self.column
        forward = "lt" if self.descending != before else "gt"
        id_way = "lt" if self.id_descending != before else "gt"
        empty = Q(**{f"{column}__isnull": True})
        if mark.value is None:  # the mark sits among the empty values, which come last
            among_empty = empty & Q(**{f"id__{id_way}": mark.id})
            return [among_empty, ~empty] if before else [among_empty]
        bound = Q(**{f"{column}__{forward}e": mark.value})
        past = bound & (Q(**{f"{column}__{forward}": mark.value}) | Q(**{f"id__{id_way}": mark.id}))
        return [past, empty] if self.nullable and not before else [past]


@dataclass(frozen=True, slots=True)
class Mark:
    sort: str
    value: datetime | int | None
    id: int

    def encode(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, datetime) else self.value
        raw = json.dumps([self.sort, value, self.id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, sort: str) -> "Mark | None":
        """The mark, or None when it was made for another sort or is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            made_for, value, row_id = json.loads(raw)
            if isinstance(value, str):
                value = datetime.fromisoformat(value)
                if value.utcoffset() is None:
                    return None
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            return None
        valid_value = value is None or isinstance(value, datetime | int)
        if made_for != sort or not valid_value or isinstance(value, bool):
            return None
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            return None
        return cls(sort, value, row_id)
