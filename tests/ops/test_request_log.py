"""Every response names its request id, and every log line of the request carries it."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from tierdesk.request_log import JsonLines


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("tierdesk.access")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_given_request_id_comes_back_and_is_in_the_access_line(log_lines):
    response = Client().get("/healthz", headers={"X-Request-ID": "lb-7f3a.01"})
    assert response["X-Request-ID"] == "lb-7f3a.01"
    [line] = log_lines()
    assert line["request_id"] == "lb-7f3a.01"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["logger"] == "tierdesk.access"
    assert line["level"] == "INFO"
    assert line["duration_ms"] >= 0


@pytest.mark.parametrize("given", ["", "has space", "x" * 65, "semi;colon", "new\nline"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_fresh_one(given, log_lines):
    response = Client().get("/healthz", headers={"X-Request-ID": given} if given else {})
    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert log_lines()[0]["request_id"] == made


@pytest.mark.django_db
def test_api_errors_carry_the_request_id_too(log_lines):
    response = Client().get("/api/v1/no-such-route", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-42"
    assert log_lines()[0]["status"] == 404


def test_a_line_outside_any_request_has_an_empty_id():
    record = logging.LogRecord(
        "tierdesk.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None
    )
    line = json.loads(JsonLines().format(record))
    assert line["message"] == "hello you"
    assert line["request_id"] == ""
