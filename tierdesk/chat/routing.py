"""WebSocket routes of live chat and the origin rules each one has."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.conf import settings
from django.urls import path

from tierdesk.chat.consumers import AgentChat, CustomerChat


def websocket_routes() -> list[object]:
    """Customers may connect from our own pages and the sites allowed to embed the widget;
    agents only from our own pages. Sessions (portal customers, agents) through the stack."""
    customer = OriginValidator(
        AuthMiddlewareStack(CustomerChat.as_asgi()),
        [*settings.ALLOWED_HOSTS, *settings.TIERDESK_CHAT_ORIGINS],
    )
    agent = AllowedHostsOriginValidator(AuthMiddlewareStack(AgentChat.as_asgi()))
    return [path("ws/chat/", customer), path("ws/chat/agent/", agent)]
