"""Reads for the report pages besides the report itself: periods, ready marks, published
reports and background generations, each narrowed to what the user may see."""

from django.db.models import Q, QuerySet

from goals.models import Activity
from planning.models import FollowUpPeriod, Plan, Unit
from planning.selectors import plan_owner_units, plans_visible_to
from reports.models import PublishedReport, ReportJob
from reports.selectors.data import Report, UnitReadiness
from reports.selectors.frame import readiness_rows


def plan_readiness(plan: Plan, period: FollowUpPeriod) -> list[tuple[Unit, UnitReadiness]]:
    """The units expected to mark their part of the plan's follow-up ready, and their marks.

    Three queries: the organisation's units, the units named on the plan's activities and the
    marks.
    """
    units = list(plan_owner_units(plan))
    activity_units = (
        Activity.objects.filter(goal__plan=plan, unit__isnull=False)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    return readiness_rows(plan, period, units, activity_units)


def units_awaited(report: Report) -> list[Unit]:
    """The units a report waits for (its readiness rows), as the rules of who may mark them
    ready need them: one query, where `plan_readiness` would work the rows out again."""
    return list(Unit.objects.filter(pk__in=[row.pk for row in report.readiness]))


def published_for(plan: Plan, period: FollowUpPeriod) -> PublishedReport | None:
    """The plan's published report for the period, without its PDF and data, or None."""
    # One row or none (unique per plan and period): unordered, as the default ordering joins
    # the plan and the period only to sort it.
    return (
        PublishedReport.objects.filter(plan=plan, period=period)
        .defer("pdf", "snapshot")
        .order_by()
        .first()
    )


def periods_for_plan(plan: Plan) -> QuerySet[FollowUpPeriod]:
    """The follow-up periods a plan can be reported for, in order."""
    return FollowUpPeriod.objects.filter(
        organisation_id=plan.organisation_id, year__gte=plan.start_year, year__lte=plan.end_year
    ).order_by("year", "starts_on")


def published_reports_visible_to(user) -> QuerySet[PublishedReport]:
    """Published reports of the plans a user may read, newest period first, without the PDF."""
    plan_ids = plans_visible_to(user).values("pk")
    return (
        PublishedReport.objects.filter(plan_id__in=plan_ids)
        .select_related("plan", "plan__organisation", "period")
        .defer("pdf", "snapshot")
    )


def organisation_plans_for(user, organisation_id: int, period: FollowUpPeriod) -> QuerySet[Plan]:
    """The plans of an organisation that a user may read and that cover the period's year."""
    return (
        plans_visible_to(user)
        .filter(
            Q(organisation_id=organisation_id),
            start_year__lte=period.year,
            end_year__gte=period.year,
        )
        .order_by("name", "pk")
    )


def jobs_of(user, organisation_id: int | None = None) -> QuerySet[ReportJob]:
    """The report generations a user asked for (without the PDFs), newest first."""
    jobs = ReportJob.objects.filter(requested_by=user).select_related("organisation", "period")
    if organisation_id is not None:
        jobs = jobs.filter(organisation_id=organisation_id)
    return jobs.defer("pdf")
