"""The customer's "Your plan" page: channels and hours in their zone, response times."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tierdesk.customers.plan import customer_plan
from tierdesk.errors import TierdeskError


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    try:
        context = customer_plan(
            user=request.user, at=timezone.now(), tz=timezone.get_current_timezone()
        )
    except TierdeskError as error:
        return render(request, "web/error.html", {"error": error}, status=error.status)
    return render(request, "web/plan.html", {"plan": context})
