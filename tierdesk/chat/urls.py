"""Chat pages; the sockets themselves are routed in tierdesk/chat/routing.py."""

from django.urls import path

from tierdesk.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.chat, name="chat"),
    path("waiting/", views.waiting, name="waiting"),
    path("demo/", views.demo, name="demo"),
]
