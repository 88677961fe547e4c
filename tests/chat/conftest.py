"""Real uvicorn processes on the test database and real WebSocket clients (websockets)."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from websockets.asyncio.client import connect

from tests.conftest import T0
from tests.sla.test_worker_processes import database_url
from tierdesk.accounts.models import Role, Seniority
from tierdesk.accounts.services import create_user
from tierdesk.customers.services import create_contact, create_organization

REDIS_URL = os.environ.get("TIERDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SERVE = Path(__file__).with_name("serve.py")
ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `uvicorn tierdesk.asgi:application` process against the test database."""

    def __init__(self, *, now=T0, anchor=None, **env):
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}"
        self.http = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, str(SERVE), str(self.port)],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "DJANGO_SETTINGS_MODULE": "tierdesk.settings",
                "TIERDESK_TEST_NOW": now.isoformat(),
                "TIERDESK_TEST_ANCHOR": str(anchor or time.time()),
                "TIERDESK_CHAT_RECONNECT_SECONDS": "1",
                "REDIS_URL": "",
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{self.output()}") from None
                time.sleep(0.1)

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        sys.stderr.write(f"--- server on port {self.port}:\n{self.output()}\n")  # shown on failure
        self.log.close()


@pytest.fixture
def start_server():
    started = []
    anchor = time.time()  # one clock for every server of a test

    def start(**kwargs):
        server = Server(anchor=anchor, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(start_server):
    return start_server()


def session_cookie(user):
    """Sign ``user`` in (a session row in the test database); runs in a thread of its own."""
    try:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"
    finally:
        connection.close()  # give the pooled connection back before the thread ends


class Socket:
    """A client socket that reads frames until the one a test waits for."""

    def __init__(self, ws):
        self.ws = ws
        self.skipped = []

    async def send(self, **frame):
        await self.ws.send(json.dumps(frame))

    async def expect(self, kind, timeout=30):  # generous: shared CI machines stall
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == kind:
                    return frame
                assert frame["type"] != "error", frame
                self.skipped.append(frame)

    async def close(self):
        await self.ws.close()


async def open_socket(server, path="/ws/chat/", *, user=None, origin=ORIGIN):
    headers = {"Cookie": await asyncio.to_thread(session_cookie, user)} if user is not None else {}
    ws = await connect(f"{server.url}{path}", origin=origin, additional_headers=headers)
    return Socket(ws)


def run(coro):
    """Run a coroutine in a thread of its own (the browser tests keep a loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=120)


def new_id():
    return uuid.uuid4().hex


@pytest.fixture
def frank(db):
    """A regular agent: may take Premium chats, not VIP ones."""
    return create_user(
        username="frank",
        email="frank@desk.example",
        password=None,
        role=Role.AGENT,
        seniority=Seniority.REGULAR,
    )


@pytest.fixture
def initech(tiers):
    return create_organization(actor=None, name="Initech", tier=tiers["VIP"], at=T0)


@pytest.fixture
def victor(initech):
    """A VIP customer at Initech."""
    user = create_user(
        username="victor", email="victor@initech.example", password=None, role=Role.CUSTOMER
    )
    create_contact(
        actor=None,
        organization=initech,
        name="Victor",
        email="victor@initech.example",
        user=user,
        at=T0,
    )
    return user
