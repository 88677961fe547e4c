"""The served application over a real socket: HTTP through the WSGI bridge, WebSockets
through Channels, on the one port that `tierdesk serve` opens (a real uvicorn process)."""

import json

import httpx
import pytest
from django.urls import reverse

from tests.chat.conftest import Server, open_socket, run
from tierdesk.accounts.services import issue_token
from tierdesk.tickets.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

# Past FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB): the body goes through a temporary file, and
# the download takes many of the response's chunks.
BIG = bytes(range(256)) * 12_289


@pytest.fixture
def server():
    started = Server()
    yield started
    started.stop()


def bearer(user):
    return {"Authorization": f"Bearer {issue_token(user=user, name='serving')[1]}"}


def test_an_upload_comes_back_whole_as_a_streamed_download(server, carol):
    auth = bearer(carol)
    uploaded = httpx.post(
        f"{server.http}/api/v1/tickets/uploads",
        files={"file": ("big.bin", BIG, "application/octet-stream")},
        headers=auth,
        timeout=60,
    )
    opened = httpx.post(
        f"{server.http}/api/v1/tickets",
        json={"subject": "Logs", "body": "Attached", "attachments": [uploaded.json()["id"]]},
        headers=auth,
        timeout=60,
    )
    ticket, attachment = opened.json()["id"], uploaded.json()["id"]
    url = f"{server.http}/api/v1/tickets/{ticket}/attachments/{attachment}"
    with httpx.stream("GET", url, headers=auth, timeout=60) as download:
        chunks = list(download.iter_raw())
    assert (uploaded.status_code, opened.status_code, download.status_code) == (201, 201, 200)
    assert b"".join(chunks) == BIG
    assert download.headers["Content-Disposition"] == 'attachment; filename="big.bin"'
    assert download.headers["Content-Length"] == str(len(BIG))
    assert Attachment.objects.get(pk=attachment).size == len(BIG)


def test_a_body_sent_in_chunks_without_a_length_is_read(server, carol):
    def body():
        yield b'{"subject": "Chunked", '
        yield b'"body": "No Content-Length"}'

    answer = httpx.post(
        f"{server.http}/api/v1/tickets",
        content=body(),
        headers={**bearer(carol), "Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["subject"] == "Chunked"


def test_a_body_past_the_limit_is_refused_with_413(server, carol):
    answer = httpx.post(
        f"{server.http}/api/v1/tickets",
        content=json.dumps({"subject": "Huge", "body": "x" * 1_100_000}),
        headers={**bearer(carol), "Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"


def test_head_answers_headers_without_a_body(server):
    answer = httpx.head(server.http + reverse("web:login"), timeout=30)
    assert answer.status_code == 200
    assert answer.content == b""


def test_the_client_address_is_the_peer_or_the_trusted_proxy_s_forwarded_one(server):
    # /metrics answers a caller on this machine only: REMOTE_ADDR must be the socket's peer,
    # and a request the local proxy forwarded carries the original client's address instead.
    direct = httpx.get(f"{server.http}/metrics", timeout=30)
    forwarded = httpx.get(
        f"{server.http}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30
    )
    assert direct.status_code == 200
    assert forwarded.status_code == 403


def test_a_websocket_chat_runs_on_the_same_port_as_http(server, carol):
    async def chat():
        customer = await open_socket(server, user=carol)
        await customer.send(type="start", id="serving-1", body="Hello over the socket")
        started = await customer.expect("started")
        await customer.close()
        return started

    started = run(chat())
    page = httpx.get(f"{server.http}/api/v1/tickets/{started['ticket']}", timeout=30)
    assert started["state"] == "waiting"
    assert page.status_code == 401  # the same port answers HTTP too (anonymous here)
