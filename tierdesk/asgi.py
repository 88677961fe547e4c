"""ASGI entry point: HTTP through Django, WebSockets (chat, the live console) through Channels."""

import os

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tierdesk.settings")

django_application = get_asgi_application()  # sets Django up before the routes import models

from django.urls import path  # noqa: E402

from tierdesk import server_process  # noqa: E402
from tierdesk.chat.routing import websocket_routes  # noqa: E402
from tierdesk.web.live_socket import ConsoleSocket  # noqa: E402

# The console's socket is for our own pages only, signed in through the session.
console = AllowedHostsOriginValidator(AuthMiddlewareStack(ConsoleSocket.as_asgi()))
application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter([path("ws/console/", console), *websocket_routes()]),
    }
)

server_process.tune()
