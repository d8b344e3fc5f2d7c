"""The reporting page: a page of the listing, with its periods, goals, filter and pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.views import page_numbers
from goals.models import ActivityStatus
from planning.selectors import scope_for
from reports.selectors.reporting import (
    ACTIVITY,
    INDICATOR,
    ActivityRow,
    IndicatorRow,
    Listing,
    page_size,
    reporting_listing,
)
from reports.views.reporting.rows import PAGE, _activity_fields, _indicator_fields


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 9 else None


def _listing(request: HttpRequest, *, at: tuple[str, int] | None = None, period_id=None):
    """The listing the query string asks for (see the package docstring); `at`: the page
    holding that row instead of `?page=`."""
    params = request.GET
    goal = params.get("goal", "")
    goal_id = _number(goal)
    if at is None and (found := params.get("at", "")).count("-") == 1:
        kind, pk = found.split("-")
        if kind in (ACTIVITY, INDICATOR) and _number(pk) is not None:
            at = (kind, int(pk))
    return reporting_listing(
        request.user,
        scope_for(request.user),
        period_id=period_id if period_id is not None else _number(params.get("period")),
        goal_id=goal_id,
        unknown_goal=bool(goal) and goal_id is None,
        unreported=params.get("unreported") == "1",
        page=params.get("page") or 1,
        size=page_size(params.get("size")),
        row_key=at,
    )


def _query(listing: Listing, **changes) -> str:
    """The query string of a page of the listing (the current one, with `changes`)."""
    several = len(listing.index) > 1  # the period is named only when there is a choice
    values = {
        "period": listing.current.period.pk if listing.current and several else None,
        "goal": listing.goal.pk if listing.goal else None,
        "unreported": "1" if listing.unreported else None,
        "size": listing.size if listing.size != page_size(None) else None,
        "page": listing.page.number if listing.page else None,
    }
    values.update(changes)
    if values["page"] == 1:
        values["page"] = None
    query = "&".join(f"{name}={value}" for name, value in values.items() if value)
    return f"?{query}" if query else ""


def _navigation(listing: Listing) -> dict:
    """The page's links: every open period, the goals of the period shown (a goal on this page
    by its anchor, else by the page it starts on), the filter, the pages."""
    current = listing.current
    for block in listing.index:
        block.url = _query(listing, period=block.period.pk, goal=None, unreported=None, page=1)
    if current is None:
        return {}
    shown = {block.goal.pk for plan in listing.plans for block in plan.goals}
    goals = []
    for goal in current.goals:
        anchor = f"#goal-{current.period.pk}-{goal.pk}"
        if goal.pk in shown:
            url = anchor
        elif goal.pk in listing.goal_pages:
            url = reverse("reports:reporting") + _query(listing, page=listing.goal_pages[goal.pk])
            url += anchor
        else:  # not in this listing (all of it reported, or another goal asked for)
            url = reverse("reports:reporting") + _query(
                listing, goal=goal.pk, unreported=None, page=1
            )
            url += anchor
        goals.append({"goal": goal, "url": url, "plan": goal.plan})
    page = listing.page
    return {
        "goals": goals,
        "show_all": _query(listing, unreported=None, page=1),
        "show_unreported": _query(listing, unreported="1", page=1),
        "all_goals": _query(listing, goal=None, page=1),
        "previous": _query(listing, page=page.previous_page_number())
        if page.has_previous()
        else "",
        "next": _query(listing, page=page.next_page_number()) if page.has_next() else "",
        "pages": [
            {"number": number, "url": _query(listing, page=number)} if number else None
            for number in page_numbers(page)
        ],
    }


def _page(request: HttpRequest, override: ActivityRow | IndicatorRow | None = None):
    """A page of the listing; `override` is a row that was posted and carries its errors
    (the page that holds it is shown)."""
    if override is not None:
        kind = ACTIVITY if isinstance(override, ActivityRow) else INDICATOR
        item = override.activity if kind == ACTIVITY else override.indicator
        listing = _listing(request, at=(kind, item.pk), period_id=override.period.pk)
    else:
        listing = _listing(request)
    for row in listing.activity_rows:
        row.fields = _activity_fields(row)
    for row in listing.indicator_rows:
        row.fields = _indicator_fields(row)
    if override is not None:
        rows = (
            listing.activity_rows if isinstance(override, ActivityRow) else listing.indicator_rows
        )
        for row in rows:
            if row.key == override.key:
                row.form, row.conflict, row.notice = (
                    override.form,
                    override.conflict,
                    override.notice,
                )
                row.fields = override.fields
    return render(
        request,
        PAGE,
        {
            "listing": listing,
            "periods": listing.index,
            "current": listing.current,
            "navigation": _navigation(listing),
            "statuses": ActivityStatus.Status.choices,
            # ?unreported=1: only the rows not reported yet.
            "unreported_only": listing.unreported,
            "today": timezone.localdate(),
            # The rows' announcement for screen readers is an htmx answer's (`_answer`), not
            # the page's: said here, not looked for in vain once per row.
            "oob": False,
        },
    )


@login_required
@require_GET
def reporting(request: HttpRequest) -> HttpResponse:
    """The activities and indicators the user reports in the open periods, a page at a time."""
    return _page(request)
