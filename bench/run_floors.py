"""The floors of run_all.py: each page's rows fetched by plain queries."""

from collections.abc import Callable


def fetch(queryset, *fields) -> int:
    return len(list(queryset.values_list(*fields)))


def report_floor(plan, period) -> Callable[[], int]:
    """What the report and the overview show: goals, indicators, their values up to the period
    (the trend), the activities' statuses and the analyses of the period."""
    from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
    from indicators.models import Indicator, Measurement, ReferenceValue

    def floor() -> int:
        return (
            fetch(Goal.objects.filter(plan=plan), "id", "number", "title", "contributes_to__title")
            + fetch(Indicator.objects.filter(goal__plan=plan), *INDICATOR_FIELDS)
            + fetch(
                Measurement.objects.filter(
                    indicator__goal__plan=plan, unit=None, period__ends_on__lte=period.ends_on
                ),
                "indicator_id",
                "period_id",
                "gender",
                "value",
                "comment",
                "origin",
            )
            + fetch(
                ReferenceValue.objects.filter(indicator__goal__plan=plan),
                "indicator_id",
                "kind",
                "year",
                "value",
            )
            + fetch(
                Activity.objects.filter(goal__plan=plan),
                "id",
                "goal_id",
                "title",
                "unit__name",
                "due_on",
                "ongoing",
            )
            + fetch(
                ActivityStatus.objects.filter(activity__goal__plan=plan, period=period),
                "activity_id",
                "status",
                "comment",
            )
            + fetch(
                GoalFollowUp.objects.filter(goal__plan=plan, period=period),
                "goal_id",
                "assessment",
                "analysis",
            )
        )

    return floor


INDICATOR_FIELDS = (
    "id", "goal_id", "position", "name", "sub_goal_id", "target_kind", "unit", "unit_label",
    "decimals", "direction", "green_bound", "green_bound_inclusive", "red_bound",
    "red_bound_inclusive", "target_value", "target_text", "source",
)  # fmt: skip


def _items_floor(goal_ids) -> int:
    """The indicators and activities of these goals, as the plan page shows them."""
    from goals.models import Activity
    from indicators.models import Indicator

    return fetch(Indicator.objects.filter(goal_id__in=goal_ids), *INDICATOR_FIELDS) + fetch(
        Activity.objects.filter(goal_id__in=goal_ids),
        "id", "goal_id", "title", "responsible_role", "unit__name",
        "responsible_user__first_name", "due_on", "ongoing", "evaluated_months",
    )  # fmt: skip


def _goal_heads(plan) -> int:
    from django.db.models import Count

    from goals.models import Goal

    return fetch(
        Goal.objects.filter(plan=plan).annotate(
            n_indicators=Count("indicators", distinct=True),
            n_activities=Count("activities", distinct=True),
        ),
        "id", "number", "title", "contributes_to__title", "n_indicators", "n_activities",
    )  # fmt: skip


def structure_floor(plan) -> Callable[[], int]:
    """The plan page: its goals with their counts, and the items of the goals it shows in
    full (the leading goals within the page's row budget, found once by its own selector)."""
    from authoring.selectors import plan_page_goals

    shown = [goal.pk for goal in plan_page_goals(plan) if not goal.is_lazy]

    def floor() -> int:
        return _goal_heads(plan) + _items_floor(shown)

    return floor


def whole_structure_floor(plan) -> Callable[[], int]:
    """The plan's every goal, indicator and activity (what an export starts from)."""
    from goals.models import Goal

    def floor() -> int:
        goals = fetch(Goal.objects.filter(plan=plan), "id", "number", "title",
                      "contributes_to__title")  # fmt: skip
        return goals + _items_floor(Goal.objects.filter(plan=plan).values("pk"))

    return floor


def decided_floor(plan) -> Callable[[], int]:
    """The decided version of a long plan, shown a goal at a time: its goals, and the items of
    the first (from the tables as they are now: the page reads them from their history)."""
    from goals.models import Goal

    first = Goal.objects.filter(plan=plan).order_by("number").values_list("pk", flat=True)[:1]

    def floor() -> int:
        return _goal_heads(plan) + _items_floor(list(first))

    return floor


def goal_items_floor(goal_id: int) -> Callable[[], int]:
    """One goal's items, loaded into the plan page as it comes into view."""
    return lambda: _items_floor([goal_id])


def indicator_list_floor(plan) -> Callable[[], int]:
    """The plan's indicators with their whole-plan values (what their latest value and colour
    are read from)."""
    from indicators.models import Indicator, Measurement

    def floor() -> int:
        return fetch(Indicator.objects.filter(goal__plan=plan), *INDICATOR_FIELDS) + fetch(
            Measurement.objects.filter(indicator__goal__plan=plan, unit=None, gender="T"),
            "indicator_id", "period_id", "value",
        )  # fmt: skip

    return floor


def export_floor(plan) -> Callable[[], int]:
    """An export of the plan: its structure and everything reported under it."""
    from goals.models import ActivityStatus, GoalFollowUp
    from indicators.models import Measurement

    structure = whole_structure_floor(plan)

    def floor() -> int:
        return (
            structure()
            + fetch(
                Measurement.objects.filter(indicator__goal__plan=plan),
                "indicator_id",
                "period__kind",
                "period__year",
                "unit__name",
                "gender",
                "value",
                "comment",
                "source",
            )
            + fetch(
                ActivityStatus.objects.filter(activity__goal__plan=plan),
                "activity_id",
                "period__kind",
                "period__year",
                "status",
                "comment",
            )
            + fetch(
                GoalFollowUp.objects.filter(goal__plan=plan),
                "goal_id",
                "period_id",
                "assessment",
                "analysis",
            )
        )

    return floor


def _index_rows(plans: set[int], periods: list[int]) -> int:
    """The reporting index's plain values: every row of the plans, by ids, with whether it is
    reported in the periods (the counts and jump links of the reporting and start pages)."""
    from goals.models import Activity, ActivityStatus, Goal
    from indicators.models import Indicator, Measurement

    return (
        fetch(Goal.objects.filter(plan_id__in=plans), "id", "plan_id", "number", "title")
        + fetch(Activity.objects.filter(goal__plan_id__in=plans), "goal_id", "id", "unit_id",
                "responsible_user_id", "evaluated_months")
        + fetch(Indicator.objects.filter(goal__plan_id__in=plans), "goal_id", "id")
        + fetch(ActivityStatus.objects.filter(activity__goal__plan_id__in=plans,
                                              period_id__in=periods),
                "activity_id", "period_id")
        + fetch(Measurement.objects.filter(unit=None, indicator__goal__plan_id__in=plans,
                                           period_id__in=periods, gender="T"),
                "indicator_id", "period_id", "unit_id")
    )  # fmt: skip


def reporting_floor(user, query: dict | None = None) -> Callable[[], int]:
    """The reporting page's rows: the index's plain values for every row of the open periods,
    and the rows of the page shown in full, by their ids (the page found once by the page's
    own selector, not timed)."""
    from goals.models import Activity, ActivityStatus
    from indicators.models import Indicator, Measurement
    from planning.selectors import scope_for
    from reports.selectors.reporting import reporting_listing

    query = query or {}
    listing = reporting_listing(user, scope_for(user), goal_id=query.get("goal"),
                                unreported=query.get("unreported", False),
                                page=query.get("page", 1))  # fmt: skip
    periods = [block.period.pk for block in listing.index]
    plans = {entry.plan.pk for block in listing.index for entry in block.plans}
    activities = [row.activity.pk for row in listing.activity_rows]
    indicators = [row.indicator.pk for row in listing.indicator_rows]

    def floor() -> int:
        return (
            _index_rows(plans, periods)
            + fetch(Activity.objects.filter(pk__in=activities), "id", "goal_id", "title",
                    "responsible_role", "unit__name", "due_on", "ongoing")
            + fetch(ActivityStatus.objects.filter(activity_id__in=activities,
                                                  period_id__in=periods),
                    "activity_id", "period_id", "status", "comment", "version",
                    "reported_by__first_name", "reported_by__last_name")
            + fetch(Indicator.objects.filter(pk__in=indicators), *INDICATOR_FIELDS)
            + fetch(Measurement.objects.filter(indicator_id__in=indicators, period_id__in=periods,
                                               gender="T"),
                    "indicator_id", "period_id", "unit_id", "value", "comment", "version")
        )  # fmt: skip

    return floor


def index_floor(user) -> Callable[[], int]:
    """The start page's counts of what is left to report: the reporting index's plain values."""
    from planning.selectors import scope_for
    from reports.selectors.reporting import reporting_index

    index = reporting_index(user, scope_for(user))
    periods = [block.period.pk for block in index]
    plans = {entry.plan.pk for block in index for entry in block.plans}
    return lambda: _index_rows(plans, periods)


def plans_floor(user) -> Callable[[], int]:
    """A start page's list of plans: those the user may read."""
    from planning.models import Plan
    from planning.selectors import plans_visible_to

    ids = list(plans_visible_to(user).values_list("pk", flat=True))

    def floor() -> int:
        return fetch(Plan.objects.filter(pk__in=ids), "id", "name", "kind", "status",
                     "start_year", "end_year", "owner_unit__name")  # fmt: skip

    return floor


def plan_page_goals_first(plan) -> int:
    """The plan's first goal (the reporting page narrowed to it)."""
    from goals.models import Goal

    return Goal.objects.filter(plan=plan).order_by("number").values_list("pk", flat=True)[0]


def largest_goal(plan) -> int:
    """The goal of the plan with the most indicators and activities."""
    from django.db.models import Count

    from goals.models import Goal

    return (
        Goal.objects.filter(plan=plan)
        .annotate(rows=Count("indicators", distinct=True) + Count("activities", distinct=True))
        .order_by("-rows", "number")
        .values_list("pk", flat=True)[0]
    )


def both(*floors: Callable[[], int]) -> Callable[[], int]:
    return lambda: sum(floor() for floor in floors)


def history_floor(plan) -> Callable[[], int]:
    """The newest page of history records of each part of the plan's content (more than the
    page shows: it shows a page of the four together), with who made them."""
    from authoring.selectors import HISTORY_PAGE_SIZE
    from goals.models import Activity, Goal
    from indicators.models import Indicator
    from planning.models import Plan

    def floor() -> int:
        goals = list(Goal.history.filter(plan_id=plan.pk).values_list("id", flat=True).distinct())
        found = len(goals)
        for records in (
            Plan.history.filter(id=plan.pk),
            Goal.history.filter(plan_id=plan.pk),
            Indicator.history.filter(goal_id__in=goals),
            Activity.history.filter(goal_id__in=goals),
        ):
            newest = records.order_by("-history_date")[:HISTORY_PAGE_SIZE]
            found += fetch(newest, "history_id", "id", "history_date", "history_type",
                           "history_user__username")  # fmt: skip
        return found

    return floor


def change_floor(model, pk: int) -> Callable[[], int]:
    """A change as bare SQL: one UPDATE of the row and one INSERT of its history record."""
    from django.db import transaction
    from django.db.models import F

    def floor() -> int:
        with transaction.atomic():
            model.objects.filter(pk=pk).update(comment="Golv", version=F("version") + 1)
            obj = model.objects.get(pk=pk)
            model.history.bulk_history_create([obj], update=True)
        return 1

    return floor


def step_floor(model, pks: list[int]) -> Callable[[], int]:
    """A step up or down, or a row dragged, as bare SQL: one UPDATE of the rows that change
    places (`pks`: the two of a step, every row between for a drag) and one INSERT of their
    history records."""
    from django.db import transaction
    from django.db.models import F

    def floor() -> int:
        with transaction.atomic():
            model.objects.filter(pk__in=pks).update(version=F("version") + 1)
            model.history.bulk_history_create(list(model.objects.filter(pk__in=pks)), update=True)
        return len(pks)

    return floor


# --- Pages through gunicorn -------------------------------------------------------------------
