"""The API tokens page: everyone lists, creates and revokes their own; an admin anyone's.

The same selectors and services as `/api/v1/tokens` and `tierdesk tokens`, so the three
agree on who may see and revoke what. A new token's value is shown once, in the answer to
the form that made it (never in an address, a message or the session); only its digest is
kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tierdesk.accounts import selectors, services
from tierdesk.accounts.models import User
from tierdesk.errors import TierdeskError


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                token = selectors.token_for(actor=user, token_id=_id(request.POST.get("token")))
                services.revoke_token(token=token, actor=user)
                messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked.")
                return redirect(request.get_full_path())
            name = request.POST.get("name", "").strip()
            if not name or len(name) > 80:
                context["error"] = "Name the token (1 to 80 characters): say what will use it."
                status = 422
            else:
                context["new_token"], context["raw"] = services.issue_token(user=user, name=name)
        except TierdeskError as error:
            context["error"], status = error.message, error.status
    asked = request.GET.get("user")  # an admin narrowing the list to one person
    user_id = _id(asked) if asked and user.is_tier_admin else None
    context["tokens"] = selectors.tokens_for(actor=user, user_id=user_id)
    context["everyone"] = user.is_tier_admin
    return render(request, "accounts/tokens.html", context, status=status)


def _id(value: str | None) -> int:
    """A token or user number from a form; anything else matches nothing (a 404, not a 500)."""
    return int(value) if value and value.isdigit() and len(value) < 19 else 0
