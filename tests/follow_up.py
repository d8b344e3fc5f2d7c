"""What a plan's follow-up enters, one of each kind, for tests that watch what it changes
(`core.datastamp`, the pages kept): `ENTERED[kind](plan, period)`."""

from decimal import Decimal

from goals.models import Activity
from goals.services import activity_status_set, goal_follow_up_save
from indicators.models import Indicator
from indicators.services import measurement_record
from planning.services import readiness_mark


def record_value(indicator, period) -> None:
    measurement_record(indicator=indicator, period=period, value=Decimal(3), actor=None)


def _status(plan, period) -> None:
    activity = Activity.objects.get(goal__plan=plan)
    activity_status_set(activity=activity, period=period, status="done", actor=None)


def _analysis(plan, period) -> None:
    goal_follow_up_save(goal=plan.goals.get(), period=period, assessment="achieved",
                        analysis="", actor=None)  # fmt: skip


def _ready(plan, period) -> None:
    readiness_mark(plan=plan, period=period, unit=plan.owner_unit, actor=None)


# A value, a status, an analysis and a ready mark of a plan with one goal, indicator and
# activity (the `other_plan` fixture's shape), in the period.
ENTERED = {
    "status": _status,
    "value": lambda plan, period: record_value(Indicator.objects.get(goal__plan=plan), period),
    "analysis": _analysis,
    "ready mark": _ready,
}
