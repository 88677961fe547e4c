"""Explained due times in readable English: ``render_text`` of an ``Explanation``.

Times are shown in the zone the caller passes (the calendar's), with the zone named on
due times; the year only where it is not the current one. Customers' explanations use
the same words minus anything about warnings, breaches or how far over a target is.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo

from tierdesk.domain.sla.explain import (
    Audience,
    ClockState,
    Counted,
    DstChange,
    Explanation,
    GapKind,
    Reason,
    Skipped,
    Span,
    Step,
    Summary,
    Transition,
    duration_words,
)

_TRANSITION_WORDS = {
    Transition.STARTED: "Started",
    Transition.PAUSED: "Paused",
    Transition.RESUMED: "Resumed",
    Transition.RETARGETED: "Target changed",
    Transition.REAPPLIED: "Tier terms re-applied",
    Transition.WARNED: "Warning",
    Transition.BREACHED: "Breached",
    Transition.ACHIEVED: "Met",
    Transition.SATISFIED_LATE: "Met late",
    Transition.CANCELLED: "Cancelled",
}


class _Words:
    """Formats instants in one zone; the year is shown only when it is not ``now``'s."""

    def __init__(self, tz: tzinfo, now: datetime) -> None:
        self.tz = tz
        self.year = now.astimezone(tz).year

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def day(self, d: date) -> str:
        year = f" {d.year}" if d.year != self.year else ""
        return f"{d:%a} {d.day} {d:%b}{year}"

    def clock(self, at: datetime) -> str:
        local = self.local(at)
        return f"{local:%H:%M:%S}" if local.second else f"{local:%H:%M}"

    def when(self, at: datetime) -> str:
        local = self.local(at)
        return f"{self.day(local.date())} {self.clock(local)}"

    def range(self, start: datetime, end: datetime) -> str:
        if self.local(start).date() == self.local(end).date():
            return f"{self.when(start)}-{self.clock(end)}"
        return f"{self.when(start)} - {self.when(end)}"

    def days(self, first: date | None, last: date | None) -> str:
        if first is None or last is None:
            return ""
        if first == last:
            return self.day(first)
        return f"{self.day(first)} - {self.day(last)}"

    def zone(self, at: datetime) -> str:
        key = getattr(self.tz, "key", None) or self.local(at).tzname() or ""
        return f"{key} ({self.local(at).tzname()})" if key != self.local(at).tzname() else key


def render_text(explanation: Explanation, tz: tzinfo) -> str:
    """The explanation as readable English, times in ``tz`` (the calendar's zone)."""
    w = _Words(tz, explanation.now)
    lines = [_headline(explanation, w), ""]
    spans = {span.seq: span for span in explanation.spans}
    for step in explanation.steps:
        lines.append(f"{w.when(step.at)}  {_step_words(step, explanation.audience, w)}")
        span = spans.get(step.seq)
        if span is not None:
            lines.extend(f"    {line}" for line in _span_lines(span, w))
    return "\n".join(lines).rstrip() + "\n"


_TIME_KIND = {True: "business time", False: "calendar time"}


def _headline(e: Explanation, w: _Words) -> str:
    target = f"Target {duration_words(e.target_seconds)} {_TIME_KIND[e.business_time]}"
    counted = f"{duration_words(e.elapsed_seconds)} counted"
    customer = e.audience is Audience.CUSTOMER
    if e.state is ClockState.RUNNING and e.due is not None:
        head = f"Due {w.when(e.due)} {w.zone(e.due)}. "
        if e.left_seconds >= 0:
            rest = f"{counted}, {duration_words(e.left_seconds)} left as of {w.when(e.now)}."
        elif customer:
            rest = f"{counted} as of {w.when(e.now)}."
        else:
            rest = f"{counted}: over by {duration_words(-e.left_seconds)} as of {w.when(e.now)}."
        return f"{head}{target}; {rest}"
    if e.state is ClockState.PAUSED:
        return (
            f"Paused. {target}; {counted}, {duration_words(max(e.left_seconds, 0))} left "
            "when it runs again."
        )
    if e.state is ClockState.RUNNING:
        return f"Running. {target}; {counted}, {duration_words(max(e.left_seconds, 0))} left."
    if e.state is ClockState.ACHIEVED and customer:
        return "Answered."
    if e.state is ClockState.ACHIEVED and e.elapsed_seconds > e.target_seconds:
        over = duration_words(e.elapsed_seconds - e.target_seconds)
        return f"Met late (breached). {target}; {counted}, {over} over."
    verb = "Met" if e.state is ClockState.ACHIEVED else "Cancelled"
    return f"{verb}. {target}; {counted}."


def _step_words(step: Step, audience: Audience, w: _Words) -> str:
    a = step.arithmetic
    why = "; ".join(part for part in (step.cause, step.reason) if part)
    head = _TRANSITION_WORDS[step.transition] + (f" ({why})" if why else "") + "."
    target = f"target {duration_words(a.target_seconds)} {_TIME_KIND[a.business_time]}"
    parts = [head]
    if step.target_change is not None:
        c = step.target_change
        before = f"{duration_words(c.before_seconds)} {_TIME_KIND[c.business_time_before]}"
        after = f"{duration_words(c.after_seconds)} {_TIME_KIND[c.business_time_after]}"
        change = "Target unchanged" if before == after else f"Target {before} -> {after}"
        calendar = "; new calendar" if c.calendar_changed else ""
        parts.append(
            f"{change}{calendar}; {duration_words(c.elapsed_kept_seconds)} counted is kept."
        )
    if step.transition is Transition.WARNED and step.warn_percent is not None:
        parts.append(f"{step.warn_percent}% of the target used.")
    counted = _counted_phrase(step)
    if step.running and a.left_seconds > 0 and a.counting_from is not None:
        due = f" -> due {w.when(a.due)} {w.zone(a.due)}" if a.due is not None else ""
        parts.append(
            f"{_cap(target)}; {counted}; {duration_words(a.left_seconds)} left from "
            f"{w.when(a.counting_from)}{due}."
        )
        if not a.agrees and a.computed_due is not None and audience is Audience.AGENT:
            parts.append(
                f"The calendar gives {w.when(a.computed_due)}; the recorded due time differs."
            )
    elif step.running:
        over = "none left"
        if a.left_seconds < 0 and audience is Audience.AGENT:
            over = f"over by {duration_words(-a.left_seconds)}"
        due = f"; it was due {w.when(a.due)}" if a.due is not None else ""
        parts.append(f"{_cap(target)}; {counted}; {over}{due}.")
    elif audience is Audience.CUSTOMER and step.transition is Transition.ACHIEVED:
        parts = ["Answered."]
    elif step.transition in (Transition.ACHIEVED, Transition.SATISFIED_LATE):
        spare = (
            f"{duration_words(a.left_seconds)} to spare"
            if a.left_seconds >= 0
            else f"{duration_words(-a.left_seconds)} over"
        )
        parts.append(f"{_cap(target)}; {counted}; {spare}.")
    else:
        parts.append(f"{_cap(target)}; {counted}; {duration_words(max(a.left_seconds, 0))} left.")
    return " ".join(parts)


def _counted_phrase(step: Step) -> str:
    counted = step.arithmetic.elapsed_seconds
    if counted == 0:
        return "nothing counted yet"
    if step.transition is Transition.PAUSED:
        return f"{duration_words(counted)} counted before the pause"
    return f"{duration_words(counted)} counted so far"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _span_lines(span: Span, w: _Words) -> list[str]:
    lines = []
    for entry in span.entries:
        if isinstance(entry, Counted):
            verb = "to count" if entry.upcoming else "counted"
            line = f"{verb:<9} {w.range(entry.start, entry.end)}  {duration_words(entry.seconds)}"
            for c in entry.changes:
                line += f"; {_change_inside_hours(c, w)}"
            lines.append(line)
        elif isinstance(entry, Skipped):
            why = "; ".join(_reason_words(r, w) for r in entry.reasons)
            lines.append(
                f"{'skipped':<9} {w.range(entry.start, entry.end)}  "
                f"{duration_words(entry.seconds, days=True)}: {why}"
            )
        else:
            lines.append(_summary_words(entry, w))
    total = f"{duration_words(span.counted_seconds)} counted"
    if span.upcoming_seconds:
        total += f", {duration_words(span.upcoming_seconds)} still to count up to the due time"
    lines.append(f"= {total}.")
    return lines


def _reason_words(r: Reason, w: _Words) -> str:
    days = w.days(r.first_day, r.last_day)
    if r.change is not None:
        c = r.change
        longer = "shorter" if c.shift_seconds > 0 else "longer"
        by = duration_words(abs(c.shift_seconds))
        return f"{r.label} {_change_when(c, w)}: this night is {by} {longer}"
    if r.kind in (GapKind.NIGHT, GapKind.OUTSIDE_HOURS):
        return r.label
    if r.kind is GapKind.CUSTOM_HOURS:
        label = "custom hours" + ("" if r.label == "custom hours" else f": {r.label}")
        return f"{label} ({days}, {r.hours})"
    if r.kind is GapKind.CUSTOM_CLOSED:
        return f"custom closed day: {r.label} ({days})"
    return f"{r.label} ({days})"


def _change_inside_hours(c: DstChange, w: _Words) -> str:
    way = "forward" if c.shift_seconds > 0 else "back"
    fewer = "less" if c.shift_seconds > 0 else "more"
    return (
        f"clocks went {way} {duration_words(abs(c.shift_seconds))} {_change_when(c, w)}: "
        f"{duration_words(abs(c.shift_seconds))} {fewer} than the wall clock shows"
    )


def _change_when(c: DstChange, w: _Words) -> str:
    """``at 01:00 GMT on Sun 29 Mar (to 02:00 BST)``: the wall clock on both sides."""
    before = c.at.astimezone(timezone(timedelta(seconds=c.offset_before)))
    after = c.at.astimezone(timezone(timedelta(seconds=c.offset_after)))
    return (
        f"at {before:%H:%M} {c.name_before} on {w.day(before.date())} "
        f"(to {after:%H:%M} {c.name_after})"
    )


_SUMMARY_NOUNS = {
    GapKind.NIGHT: ("night", "nights"),
    GapKind.OUTSIDE_HOURS: ("break", "breaks"),
    GapKind.WEEKEND: ("weekend", "weekends"),
    GapKind.CLOSED_WEEKDAY: ("weekday without hours", "weekdays without hours"),
}


def _summary_words(s: Summary, w: _Words) -> str:
    seconds = s.counted_seconds + s.upcoming_seconds
    verb = "to count" if s.counted_seconds == 0 else "counted"
    closed = ", ".join(
        f"{n} {_SUMMARY_NOUNS.get(kind, (kind.value, kind.value))[n != 1]}" for kind, n in s.closed
    )
    skipping = f", skipping {closed}" if closed else ""
    return (
        f"{verb:<9} {w.range(s.start, s.end)}  {duration_words(seconds)} in {s.intervals} "
        f"working periods{skipping}"
    )
