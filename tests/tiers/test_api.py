"""Tiers: the seeded defaults, read by everyone signed in, changed by admins only."""

from tierdesk.audit.models import ConfigChange, Subject
from tierdesk.tiers.models import SlaTarget, Tier


def test_default_tiers_are_installed_with_their_promises(api, carol):
    tiers = {t["name"]: t for t in api(carol).get("/tiers").body}
    assert list(tiers) == ["Basic", "Standard", "Premium", "VIP"]
    channels = {n: {c["channel"] for c in t["coverage"]} for n, t in tiers.items()}
    assert channels["Basic"] == {"email", "web", "api"}
    assert "phone" in channels["Standard"] and "chat" not in channels["Standard"]
    assert "chat" in channels["Premium"]
    assert tiers["Premium"]["account_manager_required"] is True
    assert tiers["VIP"]["phone_answer_target_seconds"] == 20
    assert tiers["VIP"]["coverage"][0]["always_open"] is True

    def first_response(name):
        return next(
            x
            for x in tiers[name]["targets"]
            if x["metric"] == "first_response" and x["priority"] == "normal"
        )

    assert first_response("Basic")["target_seconds"] == 24 * 3600
    assert first_response("Standard")["target_seconds"] == 4 * 3600
    assert first_response("Premium")["target_seconds"] == 3600
    assert first_response("VIP")["target_seconds"] == 15 * 60
    assert first_response("VIP")["business_time"] is False


def test_agents_do_not_change_tiers_and_admins_do(api, alice, dave):
    basic = Tier.objects.get(name="Basic")
    refused = api(alice).patch(f"/tiers/{basic.pk}", {"routing_priority": 99})
    assert refused.status_code == 403
    assert refused.body["error"]["message"] == (
        "Only managers and admins change tiers, calendars, groups and skills."
    )
    assert Tier.objects.get(pk=basic.pk).routing_priority == 10
    accepted = api(dave).patch(f"/tiers/{basic.pk}", {"routing_priority": 99})
    assert accepted.status_code == 200
    assert accepted.body["routing_priority"] == 99


def test_admin_sets_a_target_and_bad_values_are_422(api, dave):
    basic = Tier.objects.get(name="Basic")
    ok = api(dave).put(
        f"/tiers/{basic.pk}/targets",
        {"priority": "urgent", "metric": "first_response", "target_seconds": 7200},
    )
    assert ok.status_code == 200
    assert (
        SlaTarget.objects.get(tier=basic, priority="urgent", metric="first_response").target_seconds
        == 7200
    )
    bad = api(dave).put(
        f"/tiers/{basic.pk}/targets",
        {"priority": "urgent", "metric": "first_response", "target_seconds": -5},
    )
    assert bad.status_code == 422
    assert "target_seconds" in bad.body["error"]["fields"]


def test_unknown_tier_is_404(api, carol):
    assert api(carol).get("/tiers/999").status_code == 404


def test_customer_sees_only_their_organization(api, carol, bob, globex, acme):
    orgs = api(carol).get("/organizations").body["items"]
    assert [o["name"] for o in orgs] == ["Acme"]
    assert api(carol).get(f"/organizations/{globex.pk}").status_code == 404
    assert api(bob).get(f"/organizations/{acme.pk}/timeline").status_code == 404


def test_admin_builds_a_new_tier_end_to_end(api, dave):
    admin = api(dave)
    created = admin.post(
        "/tiers",
        {
            "name": "Enterprise",
            "rank": 5,
            "routing_priority": 50,
            "min_seniority": 3,
            "account_manager_required": True,
        },
    )
    assert created.status_code == 201, created.body
    tier_id = created.body["id"]
    calendars = {c["name"]: c["id"] for c in admin.get("/tiers/calendars").body}
    with_chat = admin.put(
        f"/tiers/{tier_id}/coverage/chat", {"calendar_id": calendars["Around the clock"]}
    )
    assert [c["channel"] for c in with_chat.body["coverage"]] == ["chat"]
    admin.put(
        f"/tiers/{tier_id}/targets",
        {
            "priority": "normal",
            "metric": "first_response",
            "target_seconds": 300,
            "business_time": False,
        },
    )
    assert admin.get(f"/tiers/{tier_id}").body["targets"][0]["target_seconds"] == 300
    removed = admin.delete(f"/tiers/{tier_id}/targets/normal/first_response")
    assert removed.body["targets"] == []
    dropped = admin.delete(f"/tiers/{tier_id}/coverage/chat")
    assert dropped.body["coverage"] == []


def test_duplicate_tier_rank_is_a_conflict_and_writes_nothing(api, dave):
    response = api(dave).post("/tiers", {"name": "Gold", "rank": 2})
    assert response.status_code == 409
    assert response.body["error"]["fields"] == {"rank": "taken"}
    assert not Tier.objects.filter(name="Gold").exists()


def test_agents_cannot_create_tiers_or_change_coverage(api, alice):
    assert api(alice).post("/tiers", {"name": "Gold", "rank": 9}).status_code == 403
    basic = Tier.objects.get(name="Basic")
    response = api(alice).delete(f"/tiers/{basic.pk}/coverage/email")
    assert response.status_code == 403
    assert basic.coverage.filter(channel="email").exists()


def test_tiers_carry_answer_targets_and_attainment_goals(api, carol, dave):
    tiers = {t["name"]: t for t in api(carol).get("/tiers").body}
    goals = {name: t["attainment_goal_percent"] for name, t in tiers.items()}
    assert goals == {"Basic": 80, "Standard": 90, "Premium": 95, "VIP": 98}
    chat = {name: t["chat_answer_target_seconds"] for name, t in tiers.items()}
    assert chat == {"Basic": None, "Standard": None, "Premium": 60, "VIP": 30}

    premium = Tier.objects.get(name="Premium")
    changed = api(dave).patch(
        f"/tiers/{premium.pk}", {"attainment_goal_percent": 97, "chat_answer_target_seconds": 45}
    )
    assert changed.status_code == 200
    assert (
        changed.body["attainment_goal_percent"],
        changed.body["chat_answer_target_seconds"],
    ) == (
        97,
        45,
    )
    for bad in (
        {"attainment_goal_percent": 0},
        {"attainment_goal_percent": 101},
        {"attainment_goal_percent": None},
        {"chat_answer_target_seconds": 0},
    ):
        refused = api(dave).patch(f"/tiers/{premium.pk}", bad)
        assert refused.status_code == 422, bad
        assert set(refused.body["error"]["fields"]) == set(bad), refused.body
    premium.refresh_from_db()
    assert (premium.attainment_goal_percent, premium.chat_answer_target_seconds) == (97, 45)


def test_a_change_through_the_api_is_audited_like_one_on_the_pages(api, dave):
    basic = Tier.objects.get(name="Basic")
    api(dave).patch(f"/tiers/{basic.pk}", {"routing_priority": 12})
    change = ConfigChange.objects.get(subject=Subject.TIER, subject_id=basic.pk)
    assert (change.actor, change.before, change.after) == (
        dave,
        {"routing_priority": 10},
        {"routing_priority": 12},
    )
