"""Schema base classes shared by every app's API: unknown fields are refused, not ignored."""

from datetime import datetime, timedelta
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, field_validator

# Real time zones lie within UTC-12 and UTC+14; PostgreSQL refuses offsets past 15:59.
MAX_OFFSET = timedelta(hours=14)


class In(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _offset_of_a_real_zone(cls, value: Any) -> Any:
        offset = value.utcoffset() if isinstance(value, datetime) else None
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise ValueError("the time zone offset must be between -14:00 and +14:00")
        return value


class Out(Schema):
    pass
