"""Web UI routes."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tierdesk.accounts.views import SignIn
from tierdesk.web import contact, plan, queue_views, views

app_name = "web"

urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("queue/bulk/", queue_views.bulk, name="bulk"),
    path("login/", SignIn.as_view(), name="login"),  # then the code step, when two-factor is on
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tickets/new/", views.new_ticket, name="new_ticket"),
    path("plan/", plan.plan, name="plan"),
    path("contact/", contact.contact, name="contact"),
    path("contact/sent/", contact.contact_sent, name="contact_sent"),
    path("tickets/<int:ticket_id>/", views.ticket_page, name="ticket"),
    path("tickets/<int:ticket_id>/reply/", views.reply, name="reply"),
    path("tickets/<int:ticket_id>/clocks/", views.ticket_clocks, name="clocks"),
    path("tickets/<int:ticket_id>/messages/", views.ticket_messages, name="messages"),
    path("tickets/<int:ticket_id>/side/", views.ticket_side, name="side"),
    path(
        "tickets/<int:ticket_id>/clocks/<int:clock_id>/explain/",
        views.clock_explanation,
        name="explain",
    ),
    path("tickets/<int:ticket_id>/update/", views.update, name="update"),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
