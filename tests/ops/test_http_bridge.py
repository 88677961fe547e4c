"""The WSGI environ the bridge builds from an ASGI scope: what Django's ASGIHandler gave."""

import io

from tierdesk.http_bridge import environ_for


def scope(**extra):
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": "/api/v1/tickets",
        "query_string": b"limit=5",
        "headers": [],
        "client": ("203.0.113.9", 51000),
        "server": ("127.0.0.1", 8000),
        **extra,
    }


def test_client_server_and_scheme_come_from_the_scope():
    environ = environ_for(scope(), io.BytesIO())
    assert (environ["REMOTE_ADDR"], environ["REMOTE_PORT"]) == ("203.0.113.9", "51000")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("127.0.0.1", "8000")
    assert environ["wsgi.url_scheme"] == "https"
    assert (environ["PATH_INFO"], environ["QUERY_STRING"]) == ("/api/v1/tickets", "limit=5")


def test_a_header_with_an_underscore_cannot_pass_for_one_with_a_hyphen():
    headers = [(b"x_forwarded_for", b"10.0.0.1"), (b"x-request-id", b"abc")]
    environ = environ_for(scope(headers=headers), io.BytesIO())
    assert "HTTP_X_FORWARDED_FOR" not in environ
    assert environ["HTTP_X_REQUEST_ID"] == "abc"


def test_repeated_headers_join_with_commas_and_cookies_with_semicolons():
    headers = [
        (b"accept", b"text/html"),
        (b"accept", b"application/json"),
        (b"cookie", b"a=1; "),
        (b"cookie", b"b=2"),
    ]
    environ = environ_for(scope(headers=headers), io.BytesIO())
    assert environ["HTTP_ACCEPT"] == "text/html,application/json"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"


def test_a_body_without_content_length_is_given_its_size():
    environ = environ_for(scope(), io.BytesIO(b'{"subject": "x"}'))
    assert environ["CONTENT_LENGTH"] == "16"
    assert environ["wsgi.input"].read() == b'{"subject": "x"}'


def test_a_declared_content_length_is_kept():
    headers = [(b"content-length", b"2"), (b"content-type", b"application/json")]
    environ = environ_for(scope(headers=headers), io.BytesIO(b"{}"))
    assert (environ["CONTENT_LENGTH"], environ["CONTENT_TYPE"]) == ("2", "application/json")
