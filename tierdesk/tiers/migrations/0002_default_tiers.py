"""The seed's four tiers, their calendars, channels and SLA targets (README: Default tiers)."""

from datetime import time

from django.db import migrations

from tierdesk.tiers.versions import install_first_versions

H = 3600
M = 60
WEEKDAYS = range(5)

CALENDARS = {
    # name: (time zone, weekly hours, holidays country, subdivision, always open)
    "Business hours": ("Europe/London", (time(9), time(17)), "GB", "ENG", False),
    "Extended hours": ("Europe/London", (time(8), time(20)), "GB", "ENG", False),
    "Around the clock": ("Europe/London", None, "", "", True),
}

# name, rank, routing priority, scope, proactive care, account manager, min seniority,
# phone answer target (s), calendar, channels
TIERS = [
    (
        "Basic",
        1,
        10,
        "Standard issues",
        "none",
        False,
        1,
        None,
        "Business hours",
        ["email", "web", "api"],
        "Email and the FAQ; answers within a working day or two.",
    ),
    (
        "Standard",
        2,
        20,
        "Complex issues",
        "limited",
        False,
        1,
        60,
        "Business hours",
        ["email", "web", "api", "phone"],
        "Basic plus phone in business hours; answers within half a working day.",
    ),
    (
        "Premium",
        3,
        30,
        "Prioritized issues",
        "proactive",
        True,
        2,
        30,
        "Extended hours",
        ["email", "web", "api", "phone", "chat"],
        "Phone, email and chat with a dedicated account manager; answers within the hour.",
    ),
    (
        "VIP",
        4,
        40,
        "Executive-level issues",
        "personalized",
        True,
        3,
        20,
        "Around the clock",
        ["email", "web", "api", "phone", "chat"],
        "24/7 phone, email and chat with senior staff; answers within 15 minutes.",
    ),
]

# tier: metric: (low, normal, high, urgent) seconds; business time except for VIP.
TARGETS = {
    "Basic": {
        "first_response": (48 * H, 24 * H, 16 * H, 8 * H),
        "next_response": (48 * H, 24 * H, 16 * H, 8 * H),
        "resolution": (120 * H, 80 * H, 40 * H, 16 * H),
    },
    "Standard": {
        "first_response": (8 * H, 4 * H, 2 * H, 1 * H),
        "next_response": (8 * H, 4 * H, 2 * H, 1 * H),
        "periodic_update": (None, None, 8 * H, 4 * H),
        "resolution": (80 * H, 40 * H, 24 * H, 8 * H),
    },
    "Premium": {
        "first_response": (2 * H, 1 * H, 30 * M, 15 * M),
        "next_response": (2 * H, 1 * H, 30 * M, 15 * M),
        "periodic_update": (None, 8 * H, 4 * H, 2 * H),
        "resolution": (40 * H, 24 * H, 8 * H, 4 * H),
    },
    "VIP": {
        "first_response": (1 * H, 15 * M, 15 * M, 10 * M),
        "next_response": (1 * H, 30 * M, 15 * M, 10 * M),
        "periodic_update": (8 * H, 4 * H, 2 * H, 1 * H),
        "resolution": (24 * H, 8 * H, 4 * H, 2 * H),
    },
}
PRIORITIES = ("low", "normal", "high", "urgent")


def install(apps, schema_editor):
    BusinessCalendar = apps.get_model("tiers", "BusinessCalendar")
    WeeklyHours = apps.get_model("tiers", "WeeklyHours")
    Tier = apps.get_model("tiers", "Tier")
    ChannelCoverage = apps.get_model("tiers", "ChannelCoverage")
    SlaTarget = apps.get_model("tiers", "SlaTarget")
    calendars = {}
    for name, (tz, hours, country, subdiv, always) in CALENDARS.items():
        cal = BusinessCalendar.objects.create(
            name=name,
            time_zone=tz,
            always_open=always,
            holiday_country=country,
            holiday_subdivision=subdiv,
        )
        if hours:
            WeeklyHours.objects.bulk_create(
                WeeklyHours(calendar=cal, weekday=d, start=hours[0], end=hours[1]) for d in WEEKDAYS
            )
        calendars[name] = cal
    for (
        name,
        rank,
        routing,
        scope,
        care,
        manager,
        seniority,
        phone,
        calendar,
        channels,
        description,
    ) in TIERS:
        tier = Tier.objects.create(
            name=name,
            rank=rank,
            routing_priority=routing,
            support_scope=scope,
            proactive_care=care,
            account_manager_required=manager,
            min_seniority=seniority,
            phone_answer_target_seconds=phone,
            description=description,
        )
        ChannelCoverage.objects.bulk_create(
            ChannelCoverage(tier=tier, channel=c, calendar=calendars[calendar]) for c in channels
        )
        for metric, seconds in TARGETS[name].items():
            SlaTarget.objects.bulk_create(
                SlaTarget(
                    tier=tier,
                    priority=p,
                    metric=metric,
                    target_seconds=s,
                    business_time=name != "VIP",
                )
                for p, s in zip(PRIORITIES, seconds, strict=True)
                if s is not None
            )
    _first_versions(apps)


def _first_versions(apps):
    """Version 1 of each policy and calendar, when versions exist in this model state.

    Migrating from scratch they do not yet (0004 writes them); the test fixture and any
    later re-seed call install() with today's models, which must leave a version in force.
    """
    try:
        calendar_version = apps.get_model("tiers", "CalendarVersion")
        policy_version = apps.get_model("tiers", "TierPolicyVersion")
    except LookupError:
        return
    install_first_versions(
        calendar_model=apps.get_model("tiers", "BusinessCalendar"),
        tier_model=apps.get_model("tiers", "Tier"),
        calendar_version=calendar_version,
        policy_version=policy_version,
    )


class Migration(migrations.Migration):
    dependencies = [("tiers", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
