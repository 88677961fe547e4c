"""The planning assumptions a manager may override: handle times, targets, shrinkage, cost."""

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings

from tierdesk.errors import Invalid
from tierdesk.tiers.models import Channel


def _default_aht() -> dict[str, float]:
    # Typical handle times of a B2B software help desk; replace them with measured ones.
    return {Channel.PHONE: 360.0, Channel.CHAT: 540.0, Channel.EMAIL: 420.0, Channel.WEB: 420.0}


def _default_patience() -> dict[str, float]:
    return {Channel.PHONE: 180.0, Channel.CHAT: 300.0}


@dataclass(frozen=True, slots=True)
class Assumptions:
    aht_seconds: dict[str, float] = field(default_factory=_default_aht)
    # Seconds callers and chatters wait on average before hanging up (Erlang A, simulator).
    patience_seconds: dict[str, float] = field(default_factory=_default_patience)
    chat_concurrency: int = 2
    service_level: float = 0.8  # share answered within the tier's answer target
    # Chat has no answer target of its own on a tier: it uses the phone one, else this.
    default_answer_seconds: float = 60.0
    max_occupancy: float = 0.85
    # Agents are cross-skilled: calls, chats and short-window email share one queue.
    # False staffs each channel apart (more agents, no pooling gain).
    pooled: bool = True
    shrinkage: float = 0.30  # breaks, training, meetings, absence: paid but off the floor
    cost_per_hour: float = field(
        default_factory=lambda: float(getattr(settings, "TIERDESK_WFM_AGENT_COST_PER_HOUR", 32.0))
    )

    def with_changes(self, changes: dict[str, Any]) -> "Assumptions":
        """A copy with the given fields; per-channel maps are merged, not replaced."""
        merged = dict(changes)
        for name in ("aht_seconds", "patience_seconds"):
            if merged.get(name):
                merged[name] = {**getattr(self, name), **merged[name]}
            else:
                merged.pop(name, None)
        result = replace(self, **{k: v for k, v in merged.items() if v is not None})
        result.check()
        return result

    def check(self) -> None:
        """Refuse values no plan can use, naming the field (422, nothing computed)."""
        fields: dict[str, str] = {}
        for channel, seconds in self.aht_seconds.items():
            if not seconds > 0:
                fields[f"aht_seconds.{channel}"] = "handle time must be more than 0 seconds"
        for channel, seconds in self.patience_seconds.items():
            if not seconds > 0:
                fields[f"patience_seconds.{channel}"] = "patience must be more than 0 seconds"
        if not 0 < self.service_level < 1:
            fields["service_level"] = "a share between 0 and 1, 1 excluded (100 % is unreachable)"
        if not 0 < self.max_occupancy <= 1:
            fields["max_occupancy"] = "a share above 0, at most 1"
        if not 0 <= self.shrinkage < 1:
            fields["shrinkage"] = "a share from 0 up to 1, 1 excluded"
        if self.chat_concurrency < 1:
            fields["chat_concurrency"] = "at least 1 chat per agent"
        if self.cost_per_hour < 0:
            fields["cost_per_hour"] = "0 or more"
        if not self.default_answer_seconds > 0:
            fields["default_answer_seconds"] = "more than 0 seconds"
        if fields:
            raise Invalid("Some planning assumptions are invalid; see fields.", fields=fields)
