"""Plain HTTP under the ASGI server, through Django's WSGI handler: one thread hop a request.

Django's ASGIHandler runs a sync project (every middleware and view here is sync) by
hopping between the event loop and threads several times a request, on a thread made per
request; measured on the API's authenticated floor it cost more than half of each request's
CPU (docs/deploy.md). Here the loop reads the body, one pool thread runs the whole
request through ``WSGIHandler`` (middleware, view, and the response's ``close()``, which
gives the database connection back on that same thread), and a finished response goes
back to the loop in one piece. Streamed responses (attachments, PDFs) send their chunks
from the thread, each waiting until the loop has taken it, so a slow reader holds back
the file instead of filling memory.

What the request looks like to Django is what ASGIHandler gave it: the client address
and scheme from the server's scope (after its proxy-header handling), headers with an
underscore dropped (so that ``X_Forwarded_For`` cannot pass for ``X-Forwarded-For``),
cookies joined with "; ", and the whole body read before the view runs, into memory up
to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` and a temporary file past it (a body sent in chunks
without Content-Length is counted, so Django's size limits see it).
"""

import asyncio
import sys
import tempfile
from collections import defaultdict
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from django.conf import settings

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Coroutine[Any, Any, None]]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Chunks of a streamed response are gathered up to this size before each send: a
# FileResponse yields 4 KiB at a time, and one loop round trip per 4 KiB costs more than
# the copy.
STREAM_CHUNK_BYTES = 65_536


class WsgiOverAsgi:
    """An ASGI application for "http" scopes that runs ``app`` (WSGI) on a pool of threads."""

    def __init__(self, app: WsgiApp, *, threads: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        if body is None:
            return  # the client left before it finished sending: nobody to answer
        environ = environ_for(scope, body)
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(self.pool, self.respond, environ, send, loop)
        finally:
            body.close()
        if answer is not None:
            start, content = answer
            await send(start)
            await send({"type": "http.response.body", "body": content})

    def respond(
        self, environ: dict[str, Any], send: Send, loop: asyncio.AbstractEventLoop
    ) -> tuple[Message, bytes] | None:
        """Runs in a pool thread: the whole request, then the answer for the loop to send.

        A streamed response is sent from here instead, and None returned.
        """
        started: list[Message] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [start_message(status, headers)]
            return None  # Django never calls the legacy write()

        response = self.app(environ, start_response)
        try:
            if not getattr(response, "streaming", False):
                return started[0], b"".join(response)

            def send_now(message: Message) -> None:
                asyncio.run_coroutine_threadsafe(send(message), loop).result()

            send_now(started[0])
            pending = bytearray()
            for chunk in response:
                pending += chunk
                if len(pending) >= STREAM_CHUNK_BYTES:
                    send_now(
                        {"type": "http.response.body", "body": bytes(pending), "more_body": True}
                    )
                    pending.clear()
            send_now({"type": "http.response.body", "body": bytes(pending)})
            return None
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()  # request_finished: the database connection goes back on this thread


def start_message(status: str, headers: list[tuple[str, str]]) -> Message:
    return {
        "type": "http.response.start",
        "status": int(status.split(" ", 1)[0]),
        "headers": [
            (name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers
        ],
    }


async def read_body(receive: Receive) -> IO[bytes] | None:
    """The request body, or None if the client disconnected before sending all of it."""
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        body.write(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body.seek(0)
    return body


def environ_for(scope: Scope, body: IO[bytes]) -> dict[str, Any]:
    """The WSGI environ for an ASGI "http" scope, with the META ASGIHandler would give."""
    script_name = settings.FORCE_SCRIPT_NAME or scope.get("root_path", "") or ""
    path = scope["path"]
    path_info = path[len(script_name) :] if script_name and path.startswith(script_name) else path
    server_name, server_port = scope.get("server") or ("unknown", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"].upper(),
        "SCRIPT_NAME": script_name.encode().decode("latin1"),
        "PATH_INFO": path_info.encode().decode("latin1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin1"),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if client := scope.get("client"):
        environ["REMOTE_ADDR"] = environ["REMOTE_HOST"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    headers: defaultdict[str, list[str]] = defaultdict(list)
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin1")
        if "_" in name:
            continue
        if name == "content-length":
            key = "CONTENT_LENGTH"
        elif name == "content-type":
            key = "CONTENT_TYPE"
        else:
            key = "HTTP_" + name.upper().replace("-", "_")
        headers[key].append(raw_value.decode("latin1"))
    if cookies := headers.pop("HTTP_COOKIE", None):
        environ["HTTP_COOKIE"] = "; ".join(c.rstrip("; ") for c in cookies)
    environ.update({key: ",".join(values) for key, values in headers.items()})
    if "CONTENT_LENGTH" not in environ:
        # Sent in chunks: WSGIRequest reads CONTENT_LENGTH bytes, so give it the count.
        size = body.seek(0, 2)
        body.seek(0)
        if size:
            environ["CONTENT_LENGTH"] = str(size)
    return environ
