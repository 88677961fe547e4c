"""Chat staffing: agents who each hold several conversations at once.

Model (stated, not hidden). An agent at concurrency k is k chat slots; slots are pooled, so
the floor is an M/M/(k n) queue (Erlang C, or Erlang A with `patience_seconds`) whose
servers are slots and whose handle time is the wall-clock length of a chat. We find the
fewest slots meeting the targets, then agents = ceil(slots / k), then shrinkage.

`aht_seconds` is the chat's wall-clock duration as agents work now, at that concurrency
(what chat platforms report). If you only know the duration of a chat handled alone, pass
`stretch`: the factor by which a chat lasts longer when its agent juggles k of them (for
example 1.25 at k = 2: the customer waits while the agent types to the other one). Both
the handle time and the traffic grow by `stretch`, since a chat holds its slot longer.

Optimistic where the pooled-slots assumption is: a new chat can take a free slot of any
agent, whereas in practice routing fills agents unevenly. Prefer a concurrency the team
actually sustains (2 to 3), not the maximum the tool allows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tierdesk.domain.workforce.errors import WorkforceInputError
from tierdesk.domain.workforce.inputs import IntArray, as_float_array, fraction, is_scalar
from tierdesk.domain.workforce.staffing import agents_for


def chat_agents_for(
    traffic: npt.ArrayLike,
    aht_seconds: npt.ArrayLike,
    concurrency: int,
    *,
    stretch: float = 1.0,
    target_seconds: npt.ArrayLike | None = None,
    service_level: float | None = None,
    max_asa_seconds: float | None = None,
    max_abandon: float | None = None,
    patience_seconds: npt.ArrayLike | None = None,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> int | IntArray:
    """Agents for chat at `concurrency` chats per agent; targets as in `agents_for`.

    `traffic` is chats per second x `aht_seconds` (Erlangs of chat slots); `max_occupancy`
    applies to slots (0.8 means 80 % of the slots busy on average).
    """
    k = float(as_float_array(concurrency, "concurrency"))
    if k < 1 or k != int(k):
        raise WorkforceInputError(
            "concurrency", f"must be a whole number of chats per agent, 1 or more; got {k:g}"
        )
    factor = float(as_float_array(stretch, "stretch"))
    if factor < 1:
        raise WorkforceInputError(
            "stretch", f"must be 1 or more (a chat never gets shorter when shared), got {factor}"
        )
    shrink = fraction(shrinkage, "shrinkage", low_open=False, high_open=True)
    slots = agents_for(
        np.asarray(as_float_array(traffic, "traffic")) * factor,
        np.asarray(as_float_array(aht_seconds, "aht_seconds")) * factor,
        target_seconds=target_seconds,
        service_level=service_level,
        max_asa_seconds=max_asa_seconds,
        max_abandon=max_abandon,
        patience_seconds=patience_seconds,
        max_occupancy=max_occupancy,
    )
    agents = np.ceil(np.asarray(slots) / k)
    rostered = np.ceil(agents / (1.0 - shrink) - 1e-9).astype(np.int64)
    if is_scalar(traffic, aht_seconds, patience_seconds, target_seconds):
        return int(rostered)
    return rostered
