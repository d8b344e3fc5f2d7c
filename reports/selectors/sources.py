"""Which plans a plan's report reads: what is kept of the report is kept while other plans
enter values and statuses, or write their goals (`core.datastamp.kept` with `plans`)."""

from core.datastamp import NO_PERIODS, kept
from goals.models import Goal
from indicators.models import Indicator
from planning.models import Plan
from reports.selectors.summary.rollups import CASCADE_DEPTH
from reports.selectors.values import HISTORY_DEPTH


def report_sources(plan: Plan) -> tuple[int, ...]:
    """`plans_read_by_report(plan)`, found once and kept until any plan's content changes
    (another plan's goal may come to contribute: not scoped to the plans found), as a kept
    report asks for it at every reading."""
    return kept(
        f"report-sources:{plan.pk}",
        lambda: plans_read_by_report(plan),
        until=NO_PERIODS,
        cache="scopes",
    )


def plans_read_by_report(plan: Plan) -> tuple[int, ...]:
    """The plans whose content (goals, indicators, activities) and follow-up (values, statuses,
    analyses, ready marks) a report of `plan` reads, by pk: the plan itself, the plans its
    indicators came from (as far back as a trend reaches, `HISTORY_DEPTH`), and the plans
    below whose goals contribute to its goals (as far down as a roll-up reaches,
    `CASCADE_DEPTH`), whatever their status. One query.

    Naming more plans than the report reads only makes it assembled more often; naming fewer
    would show a report that misses what was written (`tests/reports/test_sources.py` changes
    every row of a cascade of plans to check).
    """
    lower = [
        Goal.objects.filter(**{"__".join(["contributes_to"] * depth) + "__plan": plan})
        .order_by()
        .values_list("plan_id")
        for depth in range(1, CASCADE_DEPTH + 1)
    ]
    earlier = [
        Indicator.objects.filter(**{"__".join(["successors"] * depth) + "__goal__plan": plan})
        .order_by()
        .values_list("goal__plan_id")
        for depth in range(1, HISTORY_DEPTH)
    ]
    first, *rest = lower + earlier
    return tuple(sorted({plan.pk, *(pk for (pk,) in first.union(*rest).order_by())}))
