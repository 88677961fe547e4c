"""The users of bench/load.py: agents work their queue and reply, customers open tickets,
a manager's dashboard refreshes. Every write carries a unique marker and an Idempotency-Key;
the markers of the writes answered 2xx are appended to ``TIERDESK_LOAD_ACKS`` so that the
driver can count them in the database afterwards.
"""

import json
import os
import random
import threading
import uuid

from locust import HttpUser, between, task

SEED = json.loads(os.environ["TIERDESK_LOAD_SEED"])
ACKS = open(os.environ["TIERDESK_LOAD_ACKS"], "a", buffering=1)  # noqa: SIM115 - whole run
LOCK = threading.Lock()


def write(user: HttpUser, kind: str, path: str, body: dict[str, str], name: str) -> None:
    """POST with the marker as Idempotency-Key; a 2xx is written down as acknowledged."""
    marker = body["body" if kind == "reply" else "subject"]
    response = user.client.post(path, json=body, headers={"Idempotency-Key": marker}, name=name)
    if response.ok:
        with LOCK:
            ACKS.write(f"{kind} {marker}\n")


class Agent(HttpUser):
    weight = 4
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {random.choice(SEED['agents'])}"

    @task(3)
    def queue(self) -> None:
        self.client.get(
            "/api/v1/tickets?limit=25&order=sla_due_at&status=new&status=open",
            name="agent: list queue",
        )

    @task(1)
    def reply(self) -> None:
        ticket = random.choice(SEED["tickets"])
        body = {"body": f"load-reply-{uuid.uuid4().hex}"}
        write(self, "reply", f"/api/v1/tickets/{ticket}/reply", body, "agent: reply")


class Customer(HttpUser):
    weight = 4
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {random.choice(SEED['customers'])}"

    @task
    def create(self) -> None:
        body = {
            "subject": f"load-ticket-{uuid.uuid4().hex}",
            "body": "The export stops at 80%.",
            "channel": "email",
        }
        write(self, "ticket", "/api/v1/tickets", body, "customer: create ticket")


class Manager(HttpUser):
    weight = 1
    fixed_count = 1
    wait_time = between(2, 4)  # the page refreshes every 30 s; several managers watch it

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SEED["manager_session"])

    @task
    def dashboard(self) -> None:
        self.client.get("/dashboard/live/", name="manager: dashboard refresh")
