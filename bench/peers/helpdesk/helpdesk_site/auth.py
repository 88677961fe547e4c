"""DRF's token authentication under the "Bearer" keyword, as tierdesk's API reads it."""

from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    keyword = "Bearer"
