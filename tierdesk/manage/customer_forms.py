"""The Customers page's form: an organization's account facts and its tier."""

from typing import Any

from django import forms

from tierdesk.accounts.models import User
from tierdesk.customers.models import LifecycleStage, Organization, RelationshipLevel
from tierdesk.tiers.models import Tier


def _person(user: User) -> str:
    return user.get_full_name() or user.username


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    domain = forms.CharField(
        label="Email domain",
        max_length=120,
        required=False,
        help_text="A new sender from this domain joins this organization and sees its tickets.",
    )
    tier = forms.TypedChoiceField(label="Tier", coerce=int)
    account_manager = forms.TypedChoiceField(
        label="Account manager", coerce=int, required=False, empty_value=None
    )
    lifecycle_stage = forms.ChoiceField(label="Lifecycle stage", choices=LifecycleStage.choices)
    relationship_level = forms.ChoiceField(
        label="Relationship level", choices=RelationshipLevel.choices
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        tiers: list[Tier],
        staff: list[User],
        **kwargs: Any,
    ):
        kwargs.setdefault("prefix", "org")
        kwargs.setdefault(
            "initial",
            {
                "name": organization.name,
                "domain": organization.domain,
                "tier": organization.tier_id,
                "account_manager": organization.account_manager_id,
                "lifecycle_stage": organization.lifecycle_stage,
                "relationship_level": organization.relationship_level,
            },
        )
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.tiers = {t.pk: t for t in tiers}
        self.staff = {u.pk: u for u in staff}
        self.fields["tier"].choices = [(t.pk, t.name) for t in tiers]  # type: ignore[attr-defined]
        people = [(u.pk, _person(u)) for u in staff]
        current = organization.account_manager
        if current is not None and current.pk not in self.staff:
            # Kept selectable so that saving other fields does not fail on a departed manager.
            people.append((current.pk, f"{_person(current)} (no longer active)"))
        self.fields["account_manager"].choices = [("", "Nobody"), *people]  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        """The account facts the manager changed, as the service takes them."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in ("name", "domain", "lifecycle_stage", "relationship_level"):
            if name in self.changed_data:
                out[name] = data[name]
        if "account_manager" in self.changed_data:
            chosen = data["account_manager"]
            out["account_manager"] = self.staff.get(chosen) if chosen else None
        return out

    def new_tier(self) -> Tier | None:
        return self.tiers[self.cleaned_data["tier"]] if "tier" in self.changed_data else None
