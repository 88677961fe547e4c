"""Sign-in with the optional second step, and the page where staff turn two-factor on or off."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tierdesk.accounts import two_factor
from tierdesk.accounts.models import User
from tierdesk.errors import TierdeskError

PENDING = "two_factor_pending"  # session: the user who passed the password step
MAX_CODE_TRIES = 5  # then the password step again, which the sign-in lockout counts


class SignIn(LoginView):
    """The password step; a user with two-factor on goes on to the code step instead."""

    template_name = "web/login.html"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not two_factor.is_on(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,  # type: ignore[attr-defined]
            "next": self.get_redirect_url(),
            "tries": 0,
        }
        return redirect("accounts:verify")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponseBase:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect(settings.LOGIN_URL)
    if request.method == "GET":
        return render(request, "accounts/verify.html", {})
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None and two_factor.verify_sign_in(user=user, code=request.POST.get("code", "")):
        del request.session[PENDING]
        login(request, user, backend=pending["backend"])
        target = pending["next"]
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        return redirect(target if target and safe else settings.LOGIN_REDIRECT_URL)
    pending["tries"] += 1
    if user is None or pending["tries"] >= MAX_CODE_TRIES:
        del request.session[PENDING]
        messages.error(request, "Too many wrong codes; sign in again.")
        return redirect(settings.LOGIN_URL)
    request.session[PENDING] = pending
    error = "That code is not the one your app shows, or it was used already; try the next one."
    return render(request, "accounts/verify.html", {"error": error}, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        code = request.POST.get("code", "")
        try:
            if action == "start":
                context["uri"] = two_factor.start_enrolment(user=user)
            elif action == "confirm":
                two_factor.confirm_enrolment(user=user, code=code)
                messages.success(request, "Two-factor sign-in is on.")
            elif action == "off":
                two_factor.turn_off(user=user, code=code)
                messages.success(request, "Two-factor sign-in is off.")
        except TierdeskError as error:
            context["error"] = error.message
            status = error.status
            if action == "confirm" and user.totp_secret:
                context["uri"] = two_factor._totp(user).provisioning_uri()
    if "uri" in context:
        context["secret"] = user.totp_secret
        context["qr"] = two_factor.enrolment_qr(str(context["uri"]))
    context["on"] = two_factor.is_on(user)
    context["staff"] = user.is_agent
    return render(request, "accounts/two_factor.html", context, status=status)
