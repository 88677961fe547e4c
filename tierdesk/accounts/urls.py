"""The sign-in's code step and the two-factor settings page."""

from django.urls import path

from tierdesk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.verify, name="verify"),
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
]
