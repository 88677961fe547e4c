"""The calendar list and editor: zone, hours, holidays, custom days, with a preview of the
open tickets whose due times the change would move."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tierdesk.audit.models import Subject
from tierdesk.audit.selectors import history_of
from tierdesk.errors import NotFound, TierdeskError
from tierdesk.manage.access import configurer_required
from tierdesk.manage.calendar_forms import CalendarForm, DayForm, NewCalendarForm
from tierdesk.manage.phrases import open_tickets
from tierdesk.manage.refusals import show_refusal
from tierdesk.sla.preview import Preview, preview_calendar
from tierdesk.sla.services import reapply_calendar
from tierdesk.tiers import selectors, services
from tierdesk.tiers.models import BusinessCalendar


def _calendar(request: HttpRequest, calendar_id: int) -> BusinessCalendar:
    try:
        return selectors.calendar_for(request.user, calendar_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error


@configurer_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    form = NewCalendarForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.create_calendar(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except TierdeskError as error:
            show_refusal(form, error)
            status = error.status
        else:
            messages.success(request, f"{calendar.name} created: give it its weekly hours.")
            return redirect("manage:calendar", calendar_id=calendar.pk)
    elif form.is_bound:
        status = 422
    context = {"calendars": selectors.calendars_for(request.user), "form": form}  # type: ignore[arg-type]
    return render(request, "manage/calendar_list.html", context, status=status)


def _page(
    request: HttpRequest,
    calendar: BusinessCalendar,
    *,
    form: CalendarForm | None = None,
    day_form: DayForm | None = None,
    preview: Preview | None = None,
    preview_of: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "calendar": calendar,
        "form": form or CalendarForm(calendar=calendar),
        "day_form": day_form or DayForm(),
        "preview": preview,
        "preview_of": preview_of,
        "tiers": selectors.tiers_on_calendar(calendar),
        "history": history_of(actor=request.user, subject=Subject.CALENDAR, subject_id=calendar.pk),  # type: ignore[arg-type]
    }
    return render(request, "manage/calendar.html", context, status=status)


@configurer_required
def calendar_page(request: HttpRequest, calendar_id: int) -> HttpResponse:
    return _page(request, _calendar(request, calendar_id))


def _saved(request: HttpRequest, calendar: BusinessCalendar, version_number: int) -> HttpResponse:
    said = f"{calendar.name}: saved as version {version_number}."
    if request.POST.get("decision") == "reapply":
        count = reapply_calendar(actor=request.user, calendar=calendar)  # type: ignore[arg-type]
        said += f" Re-applied to {open_tickets(count)}."
    else:
        said += " Open tickets keep their hours until you re-apply."
    messages.success(request, said)
    return redirect("manage:calendar", calendar_id=calendar.pk)


def _needs_preview(request: HttpRequest) -> bool:
    return request.POST.get("decision") not in ("save", "reapply")


@require_POST
@configurer_required
def calendar_rules(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar(request, calendar_id)
    form = CalendarForm(request.POST, calendar=calendar)
    if not form.is_valid():
        return _page(request, calendar, form=form, status=422)
    changes = form.changes()
    if _needs_preview(request):
        rules = services.proposed_calendar_rules(calendar=calendar, **changes)
        preview = preview_calendar(actor=request.user, calendar=calendar, rules=rules)  # type: ignore[arg-type]
        if preview.moves:
            return _page(request, calendar, form=form, preview=preview, preview_of="rules")
    try:
        version = services.edit_calendar(actor=request.user, calendar=calendar, **changes)  # type: ignore[arg-type]
    except TierdeskError as error:
        show_refusal(form, error, form.field_for)
        return _page(request, calendar, form=form, status=error.status)
    return _saved(request, calendar, version.number)


@require_POST
@configurer_required
def calendar_day(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar(request, calendar_id)
    form = DayForm(request.POST)
    if not form.is_valid():
        return _page(request, calendar, day_form=form, status=422)
    day = form.custom_day()
    if _needs_preview(request):
        rules = services.proposed_calendar_rules(calendar=calendar, set_days=[day])
        preview = preview_calendar(actor=request.user, calendar=calendar, rules=rules)  # type: ignore[arg-type]
        if preview.moves:
            return _page(request, calendar, day_form=form, preview=preview, preview_of="day")
    try:
        version = services.set_custom_day(actor=request.user, calendar=calendar, day=day)  # type: ignore[arg-type]
    except TierdeskError as error:
        show_refusal(form, error)
        return _page(request, calendar, day_form=form, status=error.status)
    return _saved(request, calendar, version.number)


@require_POST
@configurer_required
def calendar_day_remove(request: HttpRequest, calendar_id: int, day: str) -> HttpResponse:
    calendar = _calendar(request, calendar_id)
    try:
        when = date.fromisoformat(day)
        version = services.remove_custom_day(actor=request.user, calendar=calendar, day=when)  # type: ignore[arg-type]
    except ValueError as error:
        raise Http404("No such day.") from error
    except NotFound as error:
        raise Http404(error.message) from error
    return _saved(request, calendar, version.number)


@require_POST
@configurer_required
def calendar_reapply(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = _calendar(request, calendar_id)
    count = reapply_calendar(actor=request.user, calendar=calendar)  # type: ignore[arg-type]
    messages.success(
        request,
        f"{calendar.name}: current hours re-applied to {open_tickets(count)}.",
    )
    return redirect("manage:calendar", calendar_id=calendar.pk)
