"""The sign-in's code step, the two-factor settings page and the API tokens page."""

from django.urls import path

from tierdesk.accounts import tokens_page, views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.verify, name="verify"),
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
    path("account/tokens/", tokens_page.tokens, name="tokens"),
]
