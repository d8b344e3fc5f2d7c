"""The posts that save a reporting row (htmx or not), and the band preview."""

from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.period_locks import period_lock
from core.versioning import EditConflict
from goals.models import ActivityStatus
from goals.services import activity_status_set
from indicators.colour import format_value
from indicators.services import measurement_record
from planning.permissions import require
from planning.selectors import scope_for
from reports.forms import ActivityStatusForm, BandPreviewForm, MeasurementForm
from reports.selectors.reporting import (
    ACTIVITY,
    INDICATOR,
    ActivityRow,
    activity_row_or_404,
    band_of,
    indicator_row_or_404,
    read_stored,
    readable_indicator_or_404,
)
from reports.views.reporting.page import _page
from reports.views.reporting.rows import (
    PAGE,
    _activity_fields,
    _activity_form,
    _indicator_fields,
    _measurement_form,
    _person,
    _preview_url,
    _when,
)


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
    else:
        row.fields = _indicator_fields(row, row.form)
    if request.htmx:
        return render(
            request,
            f"{PAGE}#{partial}",
            {
                "row": row,
                "statuses": ActivityStatus.Status.choices,
                "announcement": saved_message or row.notice,
                "oob": True,
                # A row just posted stays in view, even on the page of what is left to report.
                "unreported_only": False,
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
    # The stored status is read only for an answer that saves nothing: the service reads it
    # again, locked.
    row = activity_row_or_404(request.user, scope, period_id, activity_id, stored=False)
    require(row.can_write)
    form = ActivityStatusForm(request.POST, activity=row.activity, period=row.period)
    row.form = form
    if notice := _closed_notice(row):
        read_stored(row)
        row.notice = notice
        row.form = _activity_form(row)
        return _answer(request, row, "activity")
    if not form.is_valid():
        read_stored(row)
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
        read_stored(row)  # what the other person saved
        current = row.status
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
        read_stored(row)
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
    # As `activity_status`: the stored value only for an answer that saves nothing.
    row = indicator_row_or_404(request.user, scope, period_id, indicator_id, stored=False)
    require(row.can_write)
    form = MeasurementForm(
        request.POST, indicator=row.indicator, period=row.period, preview_url=_preview_url(row)
    )
    row.form = form
    if notice := _closed_notice(row):
        read_stored(row)
        row.notice = notice
        row.form = _measurement_form(row)
        return _answer(request, row, "indicator")
    if not form.is_valid():
        read_stored(row)
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
        read_stored(row)  # what the other person saved
        current = row.measurement
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
        read_stored(row)
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
