"""Dashboard routes: the page, its live fragment, the agents' own numbers, the landing."""

from django.urls import path

from tierdesk.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("live/", views.live, name="live"),
    path("me/", views.my_numbers, name="my_numbers"),
    path("landing/", views.landing, name="landing"),
]
