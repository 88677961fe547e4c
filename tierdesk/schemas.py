"""Schema base classes shared by every app's API: unknown fields are refused, not ignored."""

from ninja import Schema
from pydantic import ConfigDict


class In(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(Schema):
    pass
