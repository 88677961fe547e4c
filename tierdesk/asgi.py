"""ASGI entry point: HTTP through Django's WSGI handler, WebSockets (chat, the live console)
through Channels, on one port."""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tierdesk.settings")

django_application = get_wsgi_application()  # sets Django up before the routes import models

from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from tierdesk import server_process  # noqa: E402
from tierdesk.chat.routing import websocket_routes  # noqa: E402
from tierdesk.http_bridge import WsgiOverAsgi  # noqa: E402
from tierdesk.web.live_socket import ConsoleSocket  # noqa: E402

# The console's socket is for our own pages only, signed in through the session.
console = AllowedHostsOriginValidator(AuthMiddlewareStack(ConsoleSocket.as_asgi()))
websockets = URLRouter([path("ws/console/", console), *websocket_routes()])
# Plain HTTP (every view and middleware is sync) hops to a thread once a request, not
# through Django's ASGIHandler (tierdesk/http_bridge.py says why, docs/deploy.md the figures).
application = ProtocolTypeRouter(
    {
        "http": WsgiOverAsgi(django_application, threads=settings.TIERDESK_HTTP_THREADS),
        "websocket": websockets,
    }
)

server_process.tune()
