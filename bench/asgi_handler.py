"""tierdesk's ASGI application with Django's own ASGIHandler for HTTP, as served before
tierdesk/http_bridge.py: api_tickets.py measures both paths in the same run."""

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

from tierdesk.asgi import websockets

application = ProtocolTypeRouter({"http": get_asgi_application(), "websocket": websockets})
