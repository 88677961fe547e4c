"""The sign-in's code step and the account pages: time zone, two-factor, API tokens."""

from django.urls import path

from tierdesk.accounts import account_page, tokens_page, views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.verify, name="verify"),
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
    path("account/tokens/", tokens_page.tokens, name="tokens"),
    path("account/", account_page.account, name="account"),
]
