"""Sign-in throttling: repeated failed passwords lock that account from that address.

django-axes counts failures of every password sign-in that comes with a request (the web
sign-in and the Django admin's); the API takes tokens only, never passwords. A sign-in
without a request (the operator's shell, a script) is not a guess from outside, so it is
neither counted nor refused.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class SignInLockout(AxesStandaloneBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
