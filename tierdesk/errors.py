"""The TierdeskError family: one error shape for API, views, channels and jobs."""

from collections.abc import Mapping


class TierdeskError(Exception):
    """A refusal the user can act on; `status` is the HTTP status it maps to."""

    status = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields: dict[str, str] = dict(fields or {})

    def as_dict(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class Invalid(TierdeskError):
    status = 422
    default_code = "invalid"


class NotFound(TierdeskError):
    status = 404
    default_code = "not_found"


class NotAllowed(TierdeskError):
    status = 403
    default_code = "not_allowed"


class Conflict(TierdeskError):
    status = 409
    default_code = "conflict"


class TooLarge(TierdeskError):
    status = 413
    default_code = "too_large"
