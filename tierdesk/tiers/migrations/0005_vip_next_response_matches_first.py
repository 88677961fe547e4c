"""VIP's normal next response was 30 minutes while its first response is 15: the README
promises next response matches first response, so an untouched VIP tier gets 15 minutes
as a new policy version from now; running clocks keep theirs until a manager re-applies."""

from datetime import UTC, datetime, timedelta

from django.db import migrations

from tierdesk.tiers.versions import policy_rules_of


def vip_next_response_matches_first(apps, schema_editor):
    Tier = apps.get_model("tiers", "Tier")
    SlaTarget = apps.get_model("tiers", "SlaTarget")
    TierPolicyVersion = apps.get_model("tiers", "TierPolicyVersion")
    vip = Tier.objects.filter(name="VIP").first()
    if vip is None:
        return
    changed = SlaTarget.objects.filter(
        tier=vip, priority="normal", metric="next_response", target_seconds=30 * 60
    ).update(target_seconds=15 * 60)
    if not changed:
        return  # edited by an admin already, or installed with 15 minutes: leave it alone
    latest = TierPolicyVersion.objects.filter(tier=vip).order_by("-number").first()
    now = datetime.now(UTC)
    if latest is not None and latest.effective_from >= now:
        now = latest.effective_from + timedelta(seconds=1)  # versions never overlap
    TierPolicyVersion.objects.create(
        tier=vip,
        number=(latest.number if latest else 0) + 1,
        effective_from=now,
        rules=policy_rules_of(Tier.objects.prefetch_related("targets", "coverage").get(pk=vip.pk)),
        created_at=now,
    )


class Migration(migrations.Migration):
    dependencies = [("tiers", "0004_first_versions")]

    operations = [migrations.RunPython(vip_next_response_matches_first, migrations.RunPython.noop)]
