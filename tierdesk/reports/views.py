"""The tier review page: past reviews with their state and PDF, and a form to ask for one."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tierdesk.domain.kpi.review import due_period
from tierdesk.errors import NotAllowed, TierdeskError
from tierdesk.reports import selectors, services


class GenerateForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))


def _page(request: HttpRequest, form: GenerateForm, status: int = 200) -> HttpResponse:
    reviews = selectors.tier_reviews(user=request.user)  # type: ignore[arg-type]
    return render(
        request, "reports/reviews.html", {"form": form, "reviews": reviews}, status=status
    )


@login_required
def reviews_page(request: HttpRequest) -> HttpResponse:
    try:
        start, end = due_period(timezone.now().date(), "quarterly") or (None, None)
        return _page(request, GenerateForm(initial={"start": start, "end": end}))
    except NotAllowed as exc:
        return render(request, "web/error.html", {"error": exc}, status=403)


@login_required
def review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """One review's figures: attainment, recommendations and every boundary organization."""
    try:
        review = selectors.tier_review_for(user=request.user, review_id=review_id)  # type: ignore[arg-type]
    except TierdeskError as exc:
        return render(request, "web/error.html", {"error": exc}, status=exc.status)
    return render(request, "reports/review_page.html", {"review": review})


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    try:
        if form.is_valid():
            services.request_tier_review(
                actor=request.user,  # type: ignore[arg-type]
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                at=timezone.now(),
            )
            return redirect("reports:reviews")
        return _page(request, form, status=422)
    except NotAllowed as exc:
        return render(request, "web/error.html", {"error": exc}, status=403)
    except TierdeskError as exc:
        for field, message in exc.fields.items():
            form.add_error({"from": "start", "to": "end"}.get(field), message)
        return _page(request, form, status=exc.status)
