"""ASGI entry point: HTTP through Django, WebSockets (live chat) through Channels."""

import os

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tierdesk.settings")

django_application = get_asgi_application()  # sets Django up before the routes import models

from tierdesk.chat.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
