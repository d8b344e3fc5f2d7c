"""Reads for the planner's goal and activity pages (the plan is already narrowed to the user)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.models import Activity, ActivityStatus, Goal
from planning.models import Plan, Unit
from planning.selectors import plan_owner_units

NO_REPORT = "none"
STATUS_ORDER = [
    ActivityStatus.Status.NOT_STARTED,
    ActivityStatus.Status.DELAYED,
    ActivityStatus.Status.IN_PROGRESS,
    ActivityStatus.Status.DONE,
    ActivityStatus.Status.CANCELLED,
]


def plan_goals(plan: Plan) -> QuerySet[Goal]:
    return Goal.objects.filter(plan=plan).order_by("number")


def parent_goals(plan: Plan) -> QuerySet[Goal]:
    """The goals of the plan one level up, that this plan's goals may contribute to."""
    if plan.parent_id is None:
        return Goal.objects.none()
    return Goal.objects.filter(plan_id=plan.parent_id).order_by("number")


def plan_units(plan: Plan) -> QuerySet[Unit]:
    """The units that may own the plan's activities: those of every owning organisation (the
    lead's and a joint plan's partners'), by organisation and name."""
    return plan_owner_units(plan).order_by("organisation__name", "name")


def plan_people(plan: Plan) -> QuerySet:
    """People with a role in an organisation that owns the plan: who can be responsible for
    one of its activities."""
    owners = [plan.organisation_id, *plan.partner_organisations.values_list("pk", flat=True)]
    return (
        get_user_model()
        .objects.filter(memberships__organisation_id__in=owners, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def latest_statuses() -> QuerySet[ActivityStatus]:
    """An activity's statuses, the latest period's first (for a subquery on `pk`)."""
    return ActivityStatus.objects.filter(activity=OuterRef("pk")).order_by("-period__starts_on")


def with_latest_status(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """`activities` with `latest_status`: the status of the latest period with a report, "none"
    without one (what `Activity.is_overdue` weighs). In the same query."""
    latest = latest_statuses()
    return activities.annotate(
        latest_status=Coalesce(Subquery(latest.values("status")[:1]), Value(NO_REPORT))
    )


def with_overdue(activities: QuerySet[Activity], today: datetime.date | None = None):
    """`activities` with `latest_status` (the status of the latest period with a report, "none"
    without one) and `overdue`: not ongoing, its deadline before `today` (the local date) and
    the latest status neither done nor cancelled (as `Activity.is_overdue`). In the same
    query."""
    today = today or timezone.localdate()
    return with_latest_status(activities).annotate(
        overdue=Case(
            When(
                Q(ongoing=False, due_on__lt=today)
                & ~Q(
                    latest_status__in=[
                        ActivityStatus.Status.DONE,
                        ActivityStatus.Status.CANCELLED,
                    ]
                ),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def is_overdue_now(activity: Activity) -> bool:
    """Whether `activity` is overdue today (as `with_overdue`), read with its latest status;
    what its annotation says when it was read `with_overdue` (no query then)."""
    if hasattr(activity, "overdue"):
        return activity.overdue
    found = with_overdue(Activity.objects.filter(pk=activity.pk))
    return any(found.values_list("overdue", flat=True))


def plan_activities(plan: Plan) -> QuerySet[Activity]:
    """A plan's activities with their goal, unit and the latest reported status.

    `latest_status` is the status of the latest period with a report ("none" without one);
    `latest_rank` orders them from not started to done; `overdue` says the deadline passed
    and the latest status is neither done nor cancelled (see `with_overdue`).
    """
    latest = latest_statuses()
    return (
        with_overdue(Activity.objects.filter(goal__plan=plan))
        .select_related("goal", "unit", "responsible_user")
        .annotate(
            latest_period_kind=Subquery(latest.values("period__kind")[:1]),
            latest_period_year=Subquery(latest.values("period__year")[:1]),
        )
        .annotate(
            latest_rank=Case(
                *(
                    When(latest_status=status, then=Value(rank))
                    for rank, status in enumerate(STATUS_ORDER)
                ),
                default=Value(len(STATUS_ORDER)),
                output_field=IntegerField(),
            )
        )
        .order_by("goal__number", "position", "pk")
    )


def goals_ever(plan_id: int) -> QuerySet:
    """The ids of every goal the plan has had, deleted ones too (from the goals' history), as a
    subquery."""
    return Goal.history.filter(plan_id=plan_id).values("id")


def items_as_of(model: type, plan_id: int, at: datetime.datetime) -> QuerySet:
    """The plan's indicators or activities (`model`: one whose rows belong to a goal) as they
    were at `at`, as model instances (what simple-history's `as_of` gives, and what it keeps
    of each row is its last record up to then, unless a deletion). Each record is compared only
    with the plan's own: a row moves between the goals of its plan and never out of it, and
    `as_of` would hash the records of every plan there is to find the later ones."""
    records = model.history.filter(history_date__lte=at, goal_id__in=goals_ever(plan_id))
    return records.latest_of_each().as_instances()
