"""Chat pages: the portal chat, the agent desk, the queue's waiting chats, the embed demo."""

import time

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tierdesk.chat import selectors
from tierdesk.chat.identity import sign_identity, widget_secret


@login_required
def chat(request: HttpRequest) -> HttpResponse:
    """Customers chat here as their contact; agents get the desk (queue and their chats)."""
    if request.user.is_agent:
        return render(request, "chat/desk.html", {})
    return render(request, "chat/portal.html", {})


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    """The chats this agent may accept, for the queue page (polled by htmx)."""
    chats = list(selectors.waiting_chats(agent=request.user)[:20]) if request.user.is_agent else []
    return render(request, "chat/_waiting.html", {"chats": chats})


@login_required
def demo(request: HttpRequest) -> HttpResponse:
    """How a customer's site embeds the widget, running with an identity signed for you."""
    contact = getattr(request.user, "contact", None)
    identity = ""
    if contact is not None and not request.user.is_agent:
        identity = sign_identity(
            secret=widget_secret(contact.organization),
            organization_id=contact.organization_id,
            email=contact.email,
            name=contact.name,
            exp=int(time.time()) + 3600,
        )
    return render(request, "chat/demo.html", {"identity": identity, "contact": contact})
