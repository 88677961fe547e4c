"""Realistic demo data through the services: every tier, agents in groups, 90 days of tickets."""

import random
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tierdesk.accounts.models import Role, Seniority, User
from tierdesk.accounts.services import create_group, create_user
from tierdesk.customers.models import Organization
from tierdesk.customers.services import create_contact, create_organization
from tierdesk.sla.models import SlaClock
from tierdesk.surveys.demo import load_demo_surveys
from tierdesk.tickets import services as tickets
from tierdesk.tickets.models import Status
from tierdesk.tickets.participants import Author
from tierdesk.tiers.coverage import channel_hours
from tierdesk.tiers.models import Channel, Priority, Tier

ORGS = {
    "Basic": [
        "Birch Bakery",
        "Copper Kettle Cafe",
        "Dune Surf School",
        "Elm Street Dental",
        "Fern Florist",
        "Granite Gym",
        "Harbor Hostel",
        "Iris Yoga",
        "Juniper Books",
        "Kite Cycles",
        "Lumen Photo",
        "Maple Movers",
        "Nectar Juice",
        "Oak Tutoring",
    ],
    "Standard": [
        "Pine Logistics",
        "Quartz Legal",
        "Rowan Clinics",
        "Sage Accounting",
        "Tidal Marine",
        "Umber Studios",
        "Vale Realty",
        "Willow Schools",
        "Xeno Labs",
        "Yarrow Farms",
    ],
    "Premium": [
        "Acme Corp",
        "Bluebird Airlines",
        "Cobalt Energy",
        "Delta Freight",
        "Ember Hotels",
        "Foxglove Pharma",
    ],
    "VIP": ["Globex Bank", "Helios Telecom", "Initech Insurance", "Jupiter Health"],
}
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Eva",
    "Finn",
    "Gia",
    "Hugo",
    "Ines",
    "Jon",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
]
LAST = ["Ng", "Okafor", "Silva", "Berg", "Kowalski", "Haddad", "Ito", "Moreau", "Novak", "Reyes"]
TOPICS = [
    (
        "Cannot log in after password reset",
        "I reset my password but the login page still says it is wrong. Can you help?",
    ),
    ("Invoice shows the wrong VAT number", "Our latest invoice has last year's VAT number on it."),
    ("Export to CSV times out", "Exporting last quarter's orders to CSV never finishes."),
    ("How do I add a second admin?", "We need another administrator on our account."),
    ("API returns 500 on /orders", "Since this morning every call to /orders fails with a 500."),
    ("Sync with calendar stopped", "Appointments no longer appear in our shared calendar."),
    ("Request: dark mode", "Our night shift would love a dark theme."),
    ("Payment failed twice", "The card is valid but the payment failed twice today."),
    ("Data missing from dashboard", "Yesterday's numbers are missing from the dashboard."),
    ("Outage in EU region?", "None of our users in Europe can reach the app right now."),
    ("Change billing contact", "Please send invoices to finance@ from now on."),
    ("Mobile app crashes on start", "The Android app closes right after the splash screen."),
]
AGENT_REPLIES = [
    "Thanks for reaching out. I'm looking into this now and will update you shortly.",
    "I've reproduced the problem and passed it to our engineers with the details.",
    "Could you send a screenshot and the time it happened? That will help us narrow it down.",
    "This is fixed on our side. Could you try again and confirm?",
]
CUSTOMER_REPLIES = [
    "Here is the screenshot you asked for.",
    "Thanks, that worked!",
    "It still happens, unfortunately.",
    "Any news on this?",
]
PRIORITY_WEIGHTS = {Priority.LOW: 2, Priority.NORMAL: 6, Priority.HIGH: 2, Priority.URGENT: 0.5}
# Contacts follow the working week in London: busy late mornings, quiet nights and weekends,
# so that forecasts and staffing plans have a daily and weekly shape to find.
ARRIVALS_BY_HOUR = (1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 8, 9, 10, 9, 7, 5, 3, 2, 2, 1, 1, 1)
ARRIVALS_BY_WEEKDAY = (1.0, 0.95, 0.9, 0.9, 0.8, 0.3, 0.2)
LONDON = ZoneInfo("Europe/London")


def load_demo(*, tickets: int = 2500, seed: int = 7) -> str:
    if Organization.objects.exists():
        return "Demo data is present already; nothing loaded."
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    now = timezone.now().replace(microsecond=0)
    logins = _people()
    orgs = _organizations(rng, now - timedelta(days=120))
    agents = list(User.objects.filter(role__in=[Role.AGENT, Role.MANAGER]))
    count = tickets
    for _ in range(count):
        _ticket(rng, now, orgs, agents)
    _live_contacts(rng, now)
    _floor(rng, now)
    load_demo_surveys(seed=seed, now=now)
    _forget_reactions_to_history()
    path = Path(settings.VAR_DIR) / "demo-logins.txt"
    lines = [f"{role:<9} {username:<8} {password}" for role, username, password in logins]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return (
        f"Loaded {len(orgs)} organizations and {count} tickets.\nDemo logins "
        f"(also in {path}):\n" + "\n".join("  " + line for line in lines)
    )


def _forget_reactions_to_history() -> None:
    """The demo writes 90 days of history at once: its events are past, not news.

    Without this, the first worker would email every demo customer about replies weeks
    old and push them to chats long closed.
    """
    from django_tasks_db.models import DBTaskResult

    from tierdesk.tickets.subscribers import deliver_event

    DBTaskResult.objects.filter(task_path=deliver_event.module_path, status="READY").delete()


def _people() -> list[tuple[str, str, str]]:
    def password() -> str:
        return secrets.token_urlsafe(9)

    logins = []
    people = [
        ("admin", Role.ADMIN, Seniority.SENIOR, "Ada", "Admin"),
        ("maria", Role.MANAGER, Seniority.SENIOR, "Maria", "Lopez"),
        ("alice", Role.AGENT, Seniority.SENIOR, "Alice", "Martin"),
        ("tom", Role.AGENT, Seniority.REGULAR, "Tom", "Becker"),
        ("priya", Role.AGENT, Seniority.SENIOR, "Priya", "Shah"),
        ("leo", Role.AGENT, Seniority.JUNIOR, "Leo", "Russo"),
        ("sofia", Role.AGENT, Seniority.REGULAR, "Sofia", "Kim"),
        ("jamal", Role.AGENT, Seniority.SENIOR, "Jamal", "Wright"),
    ]
    users = {}
    for username, role, seniority, first, last in people:
        pw = password()
        users[username] = create_user(
            username=username,
            email=f"{username}@tierdesk.example",
            password=pw,
            role=role,
            seniority=seniority,
            first_name=first,
            last_name=last,
            time_zone="Europe/London",
        )
        if username in ("admin", "maria", "alice"):
            logins.append((role.label.lower(), username, pw))
    create_group(
        name="Frontline", lead=users["maria"], members=[users[u] for u in ("tom", "leo", "sofia")]
    )
    create_group(name="Technical", lead=users["priya"], members=[users["priya"], users["jamal"]])
    create_group(name="Enterprise", lead=users["alice"], members=[users["alice"], users["jamal"]])
    pw = password()
    carol = create_user(
        username="carol",
        email="carol@acme.example",
        password=pw,
        role=Role.CUSTOMER,
        time_zone="Europe/London",
        first_name="Carol",
        last_name="Diaz",
    )
    logins.append(("customer", "carol", pw))
    users["carol"] = carol
    return logins


def _organizations(rng: random.Random, since: datetime) -> list[Organization]:
    managers = list(User.objects.filter(username__in=["alice", "jamal", "priya"]))
    carol = User.objects.get(username="carol")
    orgs = []
    for tier in Tier.objects.all():
        for name in ORGS.get(tier.name, []):
            org = create_organization(
                actor=None,
                name=name,
                tier=tier,
                domain=name.lower().split()[0] + ".example",
                account_manager=rng.choice(managers) if tier.account_manager_required else None,
                at=since,
            )
            if name == "Acme Corp":
                create_contact(
                    actor=None,
                    organization=org,
                    name="Carol Diaz",
                    email=carol.email,
                    user=carol,
                    at=since,
                )
            for i in range(rng.randint(2, 5)):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                create_contact(
                    actor=None,
                    organization=org,
                    name=f"{first} {last}",
                    email=f"{first.lower()}.{last.lower()}.{i}@{org.domain}",
                    at=since,
                )
            orgs.append(org)
    return orgs


def _within(rng: random.Random, ticket_id: int, metric: str, since: datetime) -> datetime:
    """A moment around the clock's due time: most replies make it, some are late."""
    clock = SlaClock.objects.filter(ticket_id=ticket_id, metric=metric).order_by("-cycle").first()
    if clock is None or clock.due_at is None:
        return since + timedelta(hours=rng.uniform(1, 24))
    share = rng.uniform(0.05, 0.95) if rng.random() < 0.85 else rng.uniform(1.05, 1.6)
    return since + (clock.due_at - since) * share


def _ticket(
    rng: random.Random, now: datetime, orgs: list[Organization], agents: list[User]
) -> None:
    org = rng.choice(orgs)
    contact = rng.choice(list(org.contacts.all()))
    opened = _arrival(rng, now)
    subject, body = rng.choice(TOPICS)
    # Phone and chat only while they are open: out of hours they are refused.
    channels = [
        h.channel
        for h in channel_hours(tier_id=org.tier_id, at=opened)
        if h.channel != Channel.API and (h.open_now or not h.live)
    ]
    priority = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
    priority = org.tier.customer_priority(priority)  # at most what the tier lets them choose
    # Most customers write in without a portal login: the contact itself is the author.
    customer = Author.customer(contact)
    eligible = [a for a in agents if a.seniority >= org.tier.min_seniority]
    agent = rng.choice(eligible)
    with transaction.atomic():
        ticket = tickets.open_ticket(
            actor=contact.user,
            author=customer,
            subject=subject,
            body=body,
            channel=rng.choice(channels),
            requester=contact,
            priority=priority,
            at=opened,
        )
        at = _within(rng, ticket.pk, "first_response", opened)
        if at >= now:
            return
        tickets.assign(actor=agent, ticket=ticket, assignee=agent, at=at)
        tickets.reply(
            actor=agent,
            ticket=ticket,
            body=rng.choice(AGENT_REPLIES),
            at=at,
            status=rng.choice([Status.OPEN, Status.PENDING]),
        )
        for _ in range(rng.randint(0, 2)):
            at += timedelta(minutes=rng.randint(20, 60 * 24))
            if at >= now:
                return
            tickets.reply(
                actor=contact.user,
                author=customer,
                ticket=ticket,
                body=rng.choice(CUSTOMER_REPLIES),
                at=at,
            )
            at = _within(rng, ticket.pk, "next_response", at)
            if at >= now:
                return
            tickets.reply(actor=agent, ticket=ticket, body=rng.choice(AGENT_REPLIES), at=at)
        at = max(at, _within(rng, ticket.pk, "resolution", at))
        # Nearly every old ticket is solved; the open queue is this week's work.
        if at < now and (now - opened > timedelta(days=7) or rng.random() < 0.6):
            tickets.change_status(actor=agent, ticket=ticket, status=Status.SOLVED, at=at)
            if at + timedelta(days=4) < now:
                tickets.change_status(
                    actor=agent, ticket=ticket, status=Status.CLOSED, at=at + timedelta(days=4)
                )


# Per tier: the share of calls and chats left before an answer, and of those a callback.
ABANDON_SHARE = {"Standard": 0.09, "Premium": 0.05, "VIP": 0.03}
CALLBACK_SHARE = 0.4


def _live_contacts(rng: random.Random, now: datetime) -> None:
    """The call or chat behind every phone and chat ticket, with its wait and outcome.

    Written in bulk (rows, ticket events and timeline lines as ``tierdesk.live.services``
    writes them), since thousands of offers through the services would take minutes.
    """
    from tierdesk.customers.models import Interaction, InteractionKind
    from tierdesk.live.models import LiveContact, Outcome
    from tierdesk.live.services import EVENTS, NOUN, answer_target_seconds, answered_in_time
    from tierdesk.tickets.models import EventKind, Ticket, TicketEvent

    rows: list[tuple[LiveContact, list[tuple[str, datetime, User | None, str]]]] = []
    events: list[TicketEvent] = []
    lines: list[Interaction] = []
    live_tickets = (
        Ticket.objects.filter(channel__in=[Channel.PHONE, Channel.CHAT])
        .select_related("tier", "assignee", "requester")
        .order_by("created_at", "pk")
    )
    for ticket in live_tickets:
        target = answer_target_seconds(ticket.tier, ticket.channel)
        scale = target or 60
        offered = ticket.created_at
        row = LiveContact(
            channel=ticket.channel,
            external_id=f"demo-{ticket.channel}-{ticket.pk}",
            ticket=ticket,
            tier=ticket.tier,
            contact=ticket.requester,
            queue="support",
            offered_at=offered,
            answer_target_seconds=target,
            answer_due_at=offered + timedelta(seconds=target) if target else None,
        )
        said = [
            (EVENTS[ticket.channel]["offered"], offered, None, f"{NOUN[ticket.channel]} waiting")
        ]
        if rng.random() < ABANDON_SHARE.get(ticket.tier.name, 0.05):
            wait = int(rng.uniform(2, 3 * scale))
            row.outcome, row.wait_seconds = Outcome.ABANDONED, wait
            row.abandoned_at = offered + timedelta(seconds=wait)
            said.append(
                (
                    EVENTS[ticket.channel]["abandoned"],
                    row.abandoned_at,
                    None,
                    f"{NOUN[ticket.channel]} abandoned after {wait} s",
                )
            )
            if ticket.channel == Channel.PHONE and rng.random() < CALLBACK_SHARE:
                row.callback_requested_at = row.abandoned_at
                row.callback_number = ticket.requester.phone or "+442079460000"
                said.append(
                    (EventKind.CALLBACK_REQUESTED, row.abandoned_at, None, "Callback requested")
                )
                done = row.abandoned_at + timedelta(minutes=rng.randint(10, 240))
                if ticket.assignee is not None and done < now and rng.random() < 0.85:
                    row.callback_completed_at, row.callback_completed_by = done, ticket.assignee
                    said.append(
                        (EventKind.CALLBACK_COMPLETED, done, ticket.assignee, "Callback made")
                    )
        elif ticket.assignee is not None:
            wait = min(int(rng.expovariate(1 / (0.6 * scale))), 6 * scale)
            talk = int(rng.uniform(60, 900))
            row.outcome, row.wait_seconds, row.talk_seconds = Outcome.ENDED, wait, talk
            row.answered_at = offered + timedelta(seconds=wait)
            row.answered_by = ticket.assignee
            row.answered_in_time = answered_in_time(wait, target)
            row.ended_at = row.answered_at + timedelta(seconds=talk)
            said.append(
                (
                    EVENTS[ticket.channel]["answered"],
                    row.answered_at,
                    ticket.assignee,
                    f"{NOUN[ticket.channel]} answered after {wait} s",
                )
            )
            said.append(
                (
                    EVENTS[ticket.channel]["ended"],
                    row.ended_at,
                    ticket.assignee,
                    f"{NOUN[ticket.channel]} ended after {talk} s",
                )
            )
        else:
            continue
        if max(at for _, at, _, _ in said) <= now:
            rows.append((row, said))
    with transaction.atomic():
        LiveContact.objects.bulk_create([row for row, _ in rows], batch_size=500)
        for row, said in rows:
            ticket = row.ticket
            for kind, at, actor, summary in said:
                data = {"live_contact_id": row.pk, "channel": row.channel}
                events.append(TicketEvent(ticket=ticket, kind=kind, actor=actor, at=at, data=data))
                lines.append(
                    Interaction(
                        organization_id=ticket.organization_id,
                        contact_id=ticket.requester_id,
                        kind=InteractionKind.CALL
                        if row.channel == Channel.PHONE
                        else InteractionKind.CHAT,
                        channel=row.channel,
                        occurred_at=at,
                        summary=f"{summary} (#{ticket.pk} {ticket.subject})"[:300],
                        ticket_id=ticket.pk,
                    )
                )
        TicketEvent.objects.bulk_create(events, batch_size=500)
        Interaction.objects.bulk_create(lines, batch_size=500)


def _floor(rng: random.Random, now: datetime) -> None:
    """A weekly roster and today's agent statuses, so that staffing and adherence show data."""
    from tierdesk.workforce.services import create_roster, set_agent_status

    users = {u.username: u for u in User.objects.filter(role__in=[Role.AGENT, Role.MANAGER])}
    days, weekend = range(5), range(5, 7)
    plan = [
        *((u, d, time(8), time(16)) for u in ("alice", "tom", "sofia") for d in days),
        *((u, d, time(12), time(20)) for u in ("priya", "leo") for d in days),
        *(("jamal", d, time(20), time(4)) for d in range(7)),
        *(("tom", d, time(9), time(17)) for d in weekend),
    ]
    create_roster(
        actor=users["maria"],
        name="Standard week",
        time_zone="Europe/London",
        shifts=[(users[u], d, start, end) for u, d, start, end in plan],
        at=now,
    )
    today = now.astimezone(LONDON).date()
    for username, weekday, start, end in plan:
        if weekday != today.weekday():
            continue
        at = datetime.combine(today, start, tzinfo=LONDON) + timedelta(minutes=rng.randint(-5, 20))
        stop = datetime.combine(today, end, tzinfo=LONDON)
        stop += timedelta(days=1) if end <= start else timedelta(0)
        while at < min(now, stop):
            status = rng.choices(["available", "busy", "break"], weights=[3, 6, 1])[0]
            set_agent_status(actor=users[username], agent=users[username], status=status, at=at)
            at += timedelta(minutes=rng.randint(5, 40))
        if stop < now:
            set_agent_status(
                actor=users[username], agent=users[username], status="offline", at=stop
            )


def _arrival(rng: random.Random, now: datetime) -> datetime:
    """When a ticket arrives: more recent is likelier (growth), shaped by hour and weekday."""
    while True:
        opened = now - timedelta(seconds=int(rng.random() ** 1.3 * 90 * 86400))
        local = opened.astimezone(LONDON)
        weight = ARRIVALS_BY_HOUR[local.hour] * ARRIVALS_BY_WEEKDAY[local.weekday()]
        if rng.random() * max(ARRIVALS_BY_HOUR) < weight:
            return opened
