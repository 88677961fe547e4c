"""The default tiers promise what README.md's table says."""

from tierdesk.tiers.models import Metric, SlaTarget


def targets(metric):
    rows = SlaTarget.objects.filter(metric=metric).values_list(
        "tier__name", "priority", "target_seconds"
    )
    return {(tier, priority): seconds for tier, priority, seconds in rows}


def test_next_response_matches_first_response_on_every_default_tier(tiers):
    assert len(targets(Metric.FIRST_RESPONSE)) == 16
    assert targets(Metric.NEXT_RESPONSE) == targets(Metric.FIRST_RESPONSE)


def test_vip_answers_a_normal_ticket_within_15_minutes(tiers):
    vip = {p: s for (t, p), s in targets(Metric.NEXT_RESPONSE).items() if t == "VIP"}
    assert vip == {"low": 3600, "normal": 900, "high": 900, "urgent": 600}


def test_customers_see_only_the_response_times_their_tier_promises(api, carol, alice, tiers):
    premium = tiers["Premium"].pk
    theirs = api(carol).get(f"/tiers/{premium}").body
    assert {t["metric"] for t in theirs["targets"]} == {"first_response", "next_response"}
    staff = api(alice).get(f"/tiers/{premium}").body
    assert "resolution" in {t["metric"] for t in staff["targets"]}
