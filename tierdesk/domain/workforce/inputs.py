"""Checks and conversions shared by the workforce functions: arrays in, clear errors out."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from tierdesk.domain.workforce.errors import WorkforceInputError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def as_float_array(value: npt.ArrayLike, field: str) -> FloatArray:
    """The value as a float array, refusing NaN and infinities with the argument's name."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise WorkforceInputError(field, f"must be a number or an array of numbers: {exc}") from exc
    if np.isnan(array).any():
        raise WorkforceInputError(field, "is NaN (not a number); pass a real value")
    if np.isinf(array).any():
        raise WorkforceInputError(field, "is infinite; pass a finite value")
    return array


def non_negative(value: npt.ArrayLike, field: str) -> FloatArray:
    array = as_float_array(value, field)
    if (array < 0).any():
        raise WorkforceInputError(field, f"must be 0 or more, got {_first(array, array < 0)}")
    return array


def positive(value: npt.ArrayLike, field: str) -> FloatArray:
    array = as_float_array(value, field)
    if (array <= 0).any():
        raise WorkforceInputError(
            field, f"must be more than 0 seconds, got {_first(array, array <= 0)}"
        )
    return array


def agent_counts(value: npt.ArrayLike, field: str = "agents") -> FloatArray:
    """Whole, non-negative numbers of agents (kept as floats for the special functions)."""
    array = non_negative(value, field)
    if (array != np.floor(array)).any():
        bad = _first(array, array != np.floor(array))
        raise WorkforceInputError(field, f"must be a whole number of agents, got {bad}")
    return array


def fraction(value: float, field: str, *, low_open: bool = True, high_open: bool = False) -> float:
    """A single fraction in (0, 1] (or the interval the flags say)."""
    number = float(as_float_array(value, field))
    low_bad = number <= 0 if low_open else number < 0
    high_bad = number >= 1 if high_open else number > 1
    if low_bad or high_bad:
        low = "(0" if low_open else "[0"
        high = "1)" if high_open else "1]"
        raise WorkforceInputError(
            field, f"must be a fraction in {low}, {high}, got {number}; 0.8 means 80 %"
        )
    return number


def is_scalar(*values: Any) -> bool:
    return all(np.ndim(value) == 0 for value in values)


def _first(array: FloatArray, mask: npt.NDArray[np.bool_]) -> float:
    return float(np.atleast_1d(array)[np.atleast_1d(mask)][0])
