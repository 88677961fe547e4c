"""The signed-in person's notifications: escalations addressed to them."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from tierdesk.errors import NotFound
from tierdesk.pagination import Page
from tierdesk.schemas import Out
from tierdesk.sla.models import Notification
from tierdesk.sla.services import mark_read

router = Router(tags=["notifications"])


class NotificationOut(Out):
    id: int
    ticket_id: int | None
    text: str
    created_at: datetime
    read_at: datetime | None


@router.get("", response=list[NotificationOut])
@paginate(Page)
def my_notifications(request: HttpRequest, *, unread: bool = False) -> object:
    qs = Notification.objects.filter(user=request.auth)
    return qs.filter(read_at=None) if unread else qs


@router.post("/{notification_id}/read", response=NotificationOut)
def read(request: HttpRequest, notification_id: int) -> object:
    notification = Notification.objects.filter(pk=notification_id, user=request.auth).first()
    if notification is None:
        raise NotFound(f"No notification {notification_id}.")
    return mark_read(notification=notification, at=timezone.now())
