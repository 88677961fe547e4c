"""Errors of the workforce maths: bad input names its argument and says what to do."""


class WorkforceInputError(ValueError):
    """An argument the maths cannot use; `field` is the argument's name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Unreachable(WorkforceInputError):
    """A target no staffing up to the cap can meet; `field` names the constraint."""
