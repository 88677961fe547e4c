"""The survey pages: the public one behind the emailed link, and the portal's own."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tierdesk.errors import Conflict, NotFound, TierdeskError
from tierdesk.surveys import selectors, services
from tierdesk.surveys.emails import QUESTIONS
from tierdesk.surveys.models import Survey


def _scores(request: HttpRequest, page: list[Survey]) -> dict[int, int | None]:
    scores: dict[int, int | None] = {}
    for survey in page:
        raw = request.POST.get(f"score_{survey.pk}", "").strip()
        scores[survey.pk] = int(raw) if raw.lstrip("-").isdigit() else None
    return scores


def _questions(page: list[Survey], scores: dict[int, int | None]) -> list[dict[str, object]]:
    return [
        {
            "survey": s,
            "text": QUESTIONS[s.kind],  # type: ignore[index]
            "scale": range(s.scale[0], s.scale[1] + 1),
            "chosen": scores.get(s.pk, s.score),
            "required": i == 0,
        }
        for i, s in enumerate(page)
    ]


def _survey_page(request: HttpRequest, survey: Survey, action: str, opt_out: str) -> HttpResponse:
    now = timezone.now()
    if now >= survey.closes_at:
        return render(request, "surveys/closed.html", {"survey": survey}, status=410)
    page = selectors.survey_page(survey)
    scores: dict[int, int | None] = {s.pk: s.score for s in page}
    error, status, thanks = None, 200, False
    comment = survey.comment
    if request.method == "POST":
        scores = _scores(request, page)
        comment = request.POST.get("comment", "")
        try:
            services.answer_surveys(surveys=page, scores=scores, comment=comment, at=now)
        except Conflict:
            return render(request, "surveys/closed.html", {"survey": survey}, status=410)
        except TierdeskError as exc:
            error, status = exc.message, exc.status
        else:
            thanks = True
            survey.refresh_from_db()
            page = selectors.survey_page(survey)
            comment = page[0].comment
    context = {
        "survey": survey,
        "questions": _questions(page, scores),
        "comment": comment,
        "error": error,
        "thanks": thanks,
        "action": action,
        "opt_out": opt_out,
        "opted_out": survey.contact.survey_opt_out_at is not None,
    }
    return render(request, "surveys/survey.html", context, status=status)


@require_http_methods(["GET", "POST"])
def by_token(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email: no login; the token is the key until the survey closes."""
    try:
        survey = selectors.survey_by_token(token)
    except NotFound as error:
        return render(request, "surveys/unknown.html", {"error": error}, status=404)
    return _survey_page(
        request,
        survey,
        reverse("surveys:answer", args=[token]),
        reverse("surveys:opt_out", args=[token]),
    )


@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """Stop all surveys to the contact the link was sent to (a POST; GET asks to confirm)."""
    try:
        survey = selectors.survey_by_token(token)
    except NotFound as error:
        return render(request, "surveys/unknown.html", {"error": error}, status=404)
    done = False
    if request.method == "POST":
        services.set_opt_out(actor=None, contact=survey.contact, opted_out=True, at=timezone.now())
        done = True
    return render(request, "surveys/opt_out.html", {"survey": survey, "done": done})


@login_required
@require_http_methods(["GET", "POST"])
def own(request: HttpRequest, survey_id: int) -> HttpResponse:
    """A signed-in customer's survey from the portal: the same page, their login the key."""
    try:
        survey = selectors.own_survey(request.user, survey_id)  # type: ignore[arg-type]
    except NotFound as error:
        return render(request, "web/error.html", {"error": error}, status=404)
    return _survey_page(
        request, survey, reverse("surveys:own", args=[survey_id]), reverse("surveys:own_opt_out")
    )


@login_required
@require_http_methods(["POST"])
def own_opt_out(request: HttpRequest) -> HttpResponse:
    contact = getattr(request.user, "contact", None)
    if contact is None:
        return render(
            request, "web/error.html", {"error": NotFound("No contact for this login.")}, status=404
        )
    services.set_opt_out(
        actor=request.user,  # type: ignore[arg-type]
        contact=contact,
        opted_out=True,
        at=timezone.now(),
    )
    return render(request, "surveys/opt_out.html", {"survey": None, "done": True})
