"""The unit manager's reporting page: activities and indicator values of the open periods.

Every row is a form of its own. With htmx, a post answers with the row alone (a template
partial) and the page is not reloaded; without JavaScript, a post redirects back to the page
(or shows the page again with the row's errors).

A large operation reports thousands of rows, so the page shows one open period at a time, a
page of its rows at a time (`?page=`, `?size=`), optionally of one goal (`?goal=`) and only what
is left to report (`?unreported=1`); the progress and the goals' jump links count every row
(see `reports.selectors.reporting`). An activity's row is rendered from plain data
(`ActivityFields`), the same markup its form gives: a form object is built only for the row
being posted.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.period_locks import period_lock
from core.versioning import EditConflict
from goals.models import ActivityStatus
from goals.services import activity_status_set
from indicators.colour import format_value
from indicators.models import Gender, Measurement
from indicators.services import measurement_record
from planning.permissions import require
from planning.selectors import scope_for
from reports.forms import (
    ActivityStatusForm,
    BandPreviewForm,
    MeasurementForm,
    input_value,
)
from reports.selectors.reporting import (
    ACTIVITY,
    INDICATOR,
    ActivityRow,
    IndicatorRow,
    Listing,
    activity_row_or_404,
    band_of,
    indicator_row_or_404,
    page_size,
    person_name,
    readable_indicator_or_404,
    reporting_listing,
)

PAGE = "reports/reporting.html"


def login_required_htmx(view):
    """Like `login_required`; an htmx request of a logged-out user reloads the login page
    instead of getting it swapped into a row."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            back = reverse("reports:reporting")
            if request.htmx:
                login = redirect_to_login(back, settings.LOGIN_URL)
                return HttpResponseClientRedirect(login["Location"])
            return redirect_to_login(back, settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper


def _person(user) -> str:
    return person_name(user) or _("someone")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _preview_url(row: IndicatorRow) -> str:
    return reverse("reports:band_preview", args=[row.indicator.pk])


def _activity_form(row: ActivityRow) -> ActivityStatusForm:
    return ActivityStatusForm(
        activity=row.activity,
        period=row.period,
        initial={
            "status": row.status.status if row.status else "",
            "comment": row.status.comment if row.status else "",
            "expected_version": row.version,
        },
    )


@dataclass
class ActivityFields:
    """What an activity row's form shows, as plain data: the markup of `ActivityStatusForm`'s
    fields (`{{ form.expected_version }}`, `{{ form.comment.as_field_group }}`, the errors of
    the status and of the whole form), rendered by the page's `activity_fields` partial."""

    expected_version: object
    comment: str
    help_text: str
    comment_errors: list = field(default_factory=list)
    status_errors: list = field(default_factory=list)
    version_errors: list = field(default_factory=list)
    non_field_errors: list = field(default_factory=list)
    autofocus: bool = False  # on the comment: its error is the form's first


def _help_text(row: ActivityRow) -> str:
    """The comment's help, as `ActivityStatusForm` gives it."""
    if row.activity.is_due_by(row.period):
        return _("Due by %(month)s: explain in a comment if the activity is not done.") % {
            "month": row.activity.timing_label
        }
    return _("Write the comment first, then choose a status.")


def _activity_fields(row: ActivityRow, form: ActivityStatusForm | None = None) -> ActivityFields:
    """The row's fields: from its report (`form` None), or as a posted form has them."""
    if form is None or not form.is_bound:
        return ActivityFields(
            expected_version=row.version,
            comment=row.status.comment if row.status else "",
            help_text=_help_text(row),
        )
    errors = form.errors
    first_shown = next((name for name in errors if name in ("status", "comment")), None)
    return ActivityFields(
        expected_version=form["expected_version"].value(),
        comment=form["comment"].value() or "",
        help_text=_help_text(row),
        comment_errors=list(errors.get("comment", [])),
        status_errors=list(errors.get("status", [])),
        version_errors=list(errors.get("expected_version", [])),
        non_field_errors=list(form.non_field_errors()),
        autofocus=first_shown == "comment",
    )


def _measurement_form(row: IndicatorRow) -> MeasurementForm:
    measurement = row.measurement
    return MeasurementForm(
        indicator=row.indicator,
        period=row.period,
        preview_url=_preview_url(row),
        initial={
            "value": input_value(
                measurement.value if measurement else None, row.indicator.decimals
            ),
            "result": measurement.result if measurement else "",
            "comment": measurement.comment if measurement else "",
            "source": measurement.source if measurement else "",
            "expected_version": row.version,
        },
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 9 else None


def _listing(request: HttpRequest, *, at: tuple[str, int] | None = None, period_id=None):
    """The listing the query string asks for (see the module docstring); `at`: the page
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


def _page_numbers(page) -> list[int | None]:
    """The pages linked below the rows: the first, the last and two either side of the current
    one; None where pages are left out."""
    last = page.paginator.num_pages
    wanted = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


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
            for number in _page_numbers(page)
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
        row.form = _measurement_form(row)
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
                if isinstance(override, ActivityRow):
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
        },
    )


@login_required
@require_GET
def reporting(request: HttpRequest) -> HttpResponse:
    """The activities and indicators the user reports in the open periods, a page at a time."""
    return _page(request)


def _back_to(row) -> str:
    """The page that holds the row, at the row (after a post without JavaScript)."""
    kind = ACTIVITY if isinstance(row, ActivityRow) else INDICATOR
    item = row.activity if kind == ACTIVITY else row.indicator
    return (
        f"{reverse('reports:reporting')}?period={row.period.pk}&at={kind}-{item.pk}"
        f"#{kind}-{row.key}"
    )


def _answer(request: HttpRequest, row, partial: str, *, saved_message: str = ""):
    """The row alone for htmx (with a message for screen readers), or the page otherwise."""
    if isinstance(row, ActivityRow):
        row.fields = _activity_fields(row, row.form)
    if request.htmx:
        return render(
            request,
            f"{PAGE}#{partial}",
            {
                "row": row,
                "statuses": ActivityStatus.Status.choices,
                "announcement": saved_message or row.notice,
                "oob": True,
            },
        )
    if row.saved:
        messages.success(request, saved_message)
        return redirect(_back_to(row))
    if row.notice and not row.form.errors and row.conflict is None:
        messages.error(request, row.notice)
        return redirect(_back_to(row))
    return _page(request, override=row)


def _closed_notice(row) -> str | None:
    """Why nothing may be written in the row's period, or None: the period is closed for
    reporting, or its report is published (frozen; the import refuses the same writes)."""
    if not row.period.is_open:
        return _("%(period)s is closed for reporting: nothing was saved.") % {"period": row.period}
    if period_lock(row.plan, row.period) is not None:
        return _("The report of %(period)s is published and frozen: nothing was saved.") % {
            "period": row.period
        }
    return None


@login_required_htmx
@require_POST
def activity_status(request: HttpRequest, period_id: int, activity_id: int) -> HttpResponse:
    """Set an activity's status in a period (one button per status), with a comment."""
    scope = scope_for(request.user)
    row = activity_row_or_404(request.user, scope, period_id, activity_id)
    require(row.can_write)
    form = ActivityStatusForm(request.POST, activity=row.activity, period=row.period)
    row.form = form
    if notice := _closed_notice(row):
        row.notice = notice
        row.form = _activity_form(row)
        return _answer(request, row, "activity")
    if not form.is_valid():
        return _answer(request, row, "activity")
    try:
        status = activity_status_set(
            activity=row.activity,
            period=row.period,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["expected_version"],
            actor=request.user,
        )
    except EditConflict:
        current = (
            ActivityStatus.objects.select_related("reported_by")
            .filter(activity=row.activity, period=row.period)
            .first()
        )
        row.status = current
        row.conflict = {
            "who": _person(current.reported_by if current else None),
            "when": _when(current.reported_at) if current else "",
            "theirs": current.get_status_display() if current else "",
            "comment": current.comment if current else "",
        }
        # The user's input stays; saving again replaces the other person's report.
        data = request.POST.copy()
        data["expected_version"] = str(current.version if current else 0)
        row.form = ActivityStatusForm(data, activity=row.activity, period=row.period)
        row.form.is_valid()
        return _answer(request, row, "activity")
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return _answer(request, row, "activity")
    row.status = status
    row.saved = True
    row.form = _activity_form(row)
    message = _("Saved: %(activity)s – %(status)s.") % {
        "activity": row.activity,
        "status": status.get_status_display(),
    }
    return _answer(request, row, "activity", saved_message=message)


@login_required_htmx
@require_POST
def measurement(request: HttpRequest, period_id: int, indicator_id: int) -> HttpResponse:
    """Save an indicator's value in a period, with comment and source: the plan's value, or
    the reporter's own unit's for a unit manager below the plan's owner (`row.unit`)."""
    scope = scope_for(request.user)
    row = indicator_row_or_404(request.user, scope, period_id, indicator_id)
    require(row.can_write)
    form = MeasurementForm(
        request.POST, indicator=row.indicator, period=row.period, preview_url=_preview_url(row)
    )
    row.form = form
    if notice := _closed_notice(row):
        row.notice = notice
        row.form = _measurement_form(row)
        return _answer(request, row, "indicator")
    if not form.is_valid():
        return _answer(request, row, "indicator")
    try:
        saved = measurement_record(
            indicator=row.indicator,
            period=row.period,
            unit=row.unit,  # None: the plan's value; else the reporter's own unit's
            value=form.cleaned_data["value"],
            result=form.cleaned_data["result"],
            comment=form.cleaned_data["comment"].strip(),
            source=form.cleaned_data["source"].strip(),
            expected_version=form.cleaned_data["expected_version"],
            actor=request.user,
        )
    except EditConflict:
        current = (
            Measurement.objects.select_related("entered_by")
            .filter(
                indicator=row.indicator,
                period=row.period,
                unit=row.unit,
                gender=Gender.TOTAL,
            )
            .first()
        )
        row.measurement = current
        theirs = ""
        if current is not None:
            theirs = (
                _("no value")
                if current.value is None
                else format_value(current.value, row.indicator.decimals)
            )
        row.conflict = {
            "who": _person(current.entered_by if current else None),
            "when": _when(current.entered_at) if current else "",
            "theirs": theirs,
            "band": band_of(row.indicator, current.value, row.basis) if current else None,
            "comment": current.comment if current else "",
        }
        data = request.POST.copy()
        data["expected_version"] = str(current.version if current else 0)
        row.form = MeasurementForm(
            data, indicator=row.indicator, period=row.period, preview_url=_preview_url(row)
        )
        row.form.is_valid()
        return _answer(request, row, "indicator")
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return _answer(request, row, "indicator")
    row.measurement = saved
    row.saved = True
    row.form = _measurement_form(row)
    if saved.value is None:
        value_text = _("no value")
    else:
        value_text = f"{format_value(saved.value, row.indicator.decimals)} ({row.band.label})"
    message = _("Saved: %(indicator)s – %(value)s.") % {
        "indicator": row.indicator,
        "value": value_text,
    }
    return _answer(request, row, "indicator", saved_message=message)


@login_required_htmx
@require_POST
def band_preview(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The band of the value being typed: colour word (with icon) and the band's range."""
    indicator = readable_indicator_or_404(request.user, scope_for(request.user), indicator_id)
    form = BandPreviewForm(request.POST)
    context = {"band": None, "band_error": ""}
    if form.is_valid():
        context["band"] = band_of(indicator, form.cleaned_data["value"])
    else:
        # Only bands have a green bound; a kind without one is shown a number of its own.
        bounds = (indicator.green_bound, indicator.target_value)
        example = next((bound for bound in bounds if bound is not None), Decimal("6.4"))
        context["band_error"] = _("Write a number, for example %(example)s.") % {
            "example": format_value(example, indicator.decimals)
        }
    return render(request, f"{PAGE}#band", context)
