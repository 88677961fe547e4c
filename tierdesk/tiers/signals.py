"""A new policy or calendar version moves the stamp of every tier it can affect.

Connected to the models' saves and deletes, so every path that writes a version (services,
admin, shell) invalidates the cached timelines of ``tiers.terms`` in every process: each
reads the stamp with the tier row it already loads.
"""

from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from tierdesk.tiers.models import CalendarVersion, Tier, TierPolicyVersion


def _policy_changed(sender: Any, instance: TierPolicyVersion, **kwargs: Any) -> None:
    Tier.objects.filter(pk=instance.tier_id).update(terms_stamp=F("terms_stamp") + 1)


def _calendar_changed(sender: Any, instance: CalendarVersion, **kwargs: Any) -> None:
    # Calendars are shared and edited rarely: every tier re-reads its timeline once.
    Tier.objects.update(terms_stamp=F("terms_stamp") + 1)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_policy_changed, sender=TierPolicyVersion, dispatch_uid="tier-stamp-p")
        signal.connect(_calendar_changed, sender=CalendarVersion, dispatch_uid="tier-stamp-c")
