"""The follow-up periods of an organisation: create a year's, open and close them, set their
reporting deadlines.

Periods are the whole organisation's: only its organisation-wide planners and administrators
manage them (`can_manage_periods`); anyone else gets a 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.views import service_message
from planning.forms import PeriodDeadlineForm, PeriodOpenForm, PeriodYearForm
from planning.models import FollowUpPeriod, Organisation, scheme_rows
from planning.permissions import can_manage_periods, require
from planning.selectors import (
    Scope,
    organisations_managed_by,
    period_years,
    periods_of,
    scope_for,
)
from planning.services import period_set_deadline, period_set_open, periods_create_year


def managed_organisation(request: HttpRequest, scope: Scope, pk: Any) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    require(can_manage_periods(scope, organisation))
    return organisation


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    """An organisation's follow-up periods of a year: create the year's by its scheme (shown,
    with a link to change it), open and close them."""
    scope = scope_for(request.user)
    organisations = list(organisations_managed_by(scope).order_by("name"))
    if not organisations:
        raise Http404
    chosen = request.GET.get("organisation")
    if chosen:
        organisation = next((o for o in organisations if str(o.pk) == chosen), None)
        if organisation is None:
            raise Http404
    else:
        organisation = organisations[0]
    years = period_years(organisation)
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        raise Http404 from None
    return render(
        request,
        "planning/period_list.html",
        {
            "organisations": organisations,
            "organisation": organisation,
            "year": year,
            "years": years,
            "periods": list(periods_of(organisation, year)),
            "scheme": scheme_rows(organisation),
            "year_form": PeriodYearForm(
                initial={"year": years[0] + 1 if years else timezone.localdate().year}
            ),
        },
    )


def period_list_url(organisation: Organisation, year: int) -> str:
    return f"{reverse('planning:period_list')}?organisation={organisation.pk}&year={year}"


@login_required
@require_POST
def periods_create_view(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    """Create the follow-up periods of a year, by the organisation's scheme."""
    scope = scope_for(request.user)
    organisation = managed_organisation(request, scope, organisation_pk)
    form = PeriodYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, service_message(ValidationError(list(form.errors["year"]))))
        return redirect(f"{reverse('planning:period_list')}?organisation={organisation.pk}")
    year = form.cleaned_data["year"]
    _periods, created = periods_create_year(
        organisation=organisation, year=year, actor=request.user
    )
    if created:
        messages.success(
            request,
            ngettext(
                "%(count)d period of %(year)s was created.",
                "%(count)d periods of %(year)s were created.",
                created,
            )
            % {"count": created, "year": year},
        )
    else:
        messages.info(request, _("The periods of %(year)s already exist.") % {"year": year})
    return redirect(period_list_url(organisation, year))


@login_required
@require_POST
def period_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a period for reporting, or close it."""
    scope = scope_for(request.user)
    period = get_object_or_404(FollowUpPeriod.objects.select_related("organisation"), pk=pk)
    require(can_manage_periods(scope, period.organisation))
    form = PeriodOpenForm(request.POST)
    if form.is_valid():
        is_open = form.cleaned_data["is_open"]
        label = period.label
        try:
            period_set_open(period=period, is_open=is_open, actor=request.user)
        except ValidationError as error:
            # e.g. a period of a scheme the organisation no longer follows.
            messages.error(request, service_message(error))
        else:
            if is_open:
                messages.success(
                    request, _("%(period)s is open for reporting.") % {"period": label}
                )
            else:
                messages.success(
                    request, _("%(period)s is closed for reporting.") % {"period": label}
                )
    return redirect(period_list_url(period.organisation, period.year))


@login_required
@require_POST
def period_deadline_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or clear the period's reporting deadline."""
    scope = scope_for(request.user)
    period = get_object_or_404(FollowUpPeriod.objects.select_related("organisation"), pk=pk)
    require(can_manage_periods(scope, period.organisation))
    form = PeriodDeadlineForm(request.POST)
    label = period.label
    if not form.is_valid():
        messages.error(
            request,
            _("%(period)s: write the deadline as a date, e.g. 2023-09-15.") % {"period": label},
        )
    else:
        deadline = form.cleaned_data["deadline"]
        try:
            period_set_deadline(period=period, deadline=deadline, actor=request.user)
        except ValidationError as error:
            messages.error(request, f"{label}: {service_message(error)}")
        else:
            messages.success(
                request,
                _("%(period)s: the reporting deadline is %(deadline)s.")
                % {"period": label, "deadline": date_format(deadline, "SHORT_DATE_FORMAT")}
                if deadline
                else _("%(period)s has no reporting deadline.") % {"period": label},
            )
    return redirect(period_list_url(period.organisation, period.year))
