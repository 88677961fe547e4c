"""Your account: the time zone every time is shown in, and the ways to the API tokens and
two-factor pages. Anyone signed in sets their own; the API's `PATCH /me` does the same."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tierdesk.accounts import services
from tierdesk.accounts.models import User
from tierdesk.errors import TierdeskError


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    error, status, chosen = "", 200, user.time_zone
    if request.method == "POST":
        chosen = request.POST.get("time_zone", "")
        try:
            services.set_time_zone(user=user, time_zone=chosen)
        except TierdeskError as refused:
            error, status = refused.message, refused.status
        else:
            messages.success(request, f"Times are now shown in {chosen}.")
            return redirect("accounts:account")
    context = {"zones": services.zone_names(), "chosen": chosen, "error": error}
    return render(request, "accounts/account.html", context, status=status)
