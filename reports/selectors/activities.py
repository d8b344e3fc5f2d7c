"""A report's activities and how each stands in the period.

A large plan has a thousand activities. They are read as plain values, not as model instances
(each instance came with its sub-goal, two people and a unit, and building them cost more than
reading them), and every status of the year up to the period in one query. An activity shows
the period's own status, or else the latest earlier status of the same year, marked with its
period.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.people import NAME_FIELDS, person_name_of
from goals.deadlines import overdue_text, timing_text
from goals.evaluation import is_evaluated_in
from goals.models import Activity, ActivityStatus, activity_overdue
from planning.models import FollowUpPeriod, Plan
from reports.selectors.data import ActivityRow
from reports.selectors.display import period_label
from reports.selectors.values import carried_text


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    """What a report reads of an activity, with who is responsible and who reports in words."""

    pk: int
    goal_id: int
    title: str
    responsible: str
    reporter: str
    ongoing: bool
    due_on: datetime.date | None
    due_precision: str
    evaluated_months: int
    sub_goal_id: int | None
    unit_id: int | None


@dataclass(frozen=True, slots=True)
class ReportedStatus:
    """An activity's status in one period of the year, with the period."""

    status: str
    comment: str
    period: FollowUpPeriod


# What `plan_activities` reads of each activity, in the order of its loop.
FACT_FIELDS = (
    "id", "goal_id", "title", "responsible_role",
    *(f"responsible_user__{name}" for name in NAME_FIELDS),
    "reporting_role", "reporting_unit__name",
    *(f"reporting_user__{name}" for name in NAME_FIELDS),
    "ongoing", "due_on", "due_precision", "evaluated_months", "sub_goal_id", "unit_id",
)  # fmt: skip


def of_goals(rows: QuerySet, goal: str, plan: Plan, goal_ids: list[int] | None) -> QuerySet:
    """`rows` of the plan's goals, or of the goals `goal_ids` only (read by their ids, without
    joining the goals to their plan); `goal` is the path from a row to its goal ("goal",
    "activity__goal")."""
    if goal_ids is None:
        return rows.filter(**{f"{goal}__plan": plan})
    return rows.filter(**{f"{goal}_id__in": goal_ids})


def _joined(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def plan_activities(
    plan: Plan, goal_ids: list[int] | None = None
) -> dict[int, list[ActivityFacts]]:
    """The plan's activities (of `goal_ids` only, when given) by goal id, each goal's in their
    order. One query."""
    rows = of_goals(Activity.objects.order_by("position", "id"), "goal", plan, goal_ids)
    found: dict[int, list[ActivityFacts]] = {}
    for (pk, goal_id, title, role, res_first, res_last, res_user, reporting_role, reporting_unit,
         rep_first, rep_last, rep_user, *timing) in rows.values_list(*FACT_FIELDS):  # fmt: skip
        facts = ActivityFacts(
            pk,
            goal_id,
            title,
            _joined(person_name_of(res_first, res_last, res_user), role),
            _joined(
                person_name_of(rep_first, rep_last, rep_user), reporting_unit or "", reporting_role
            ),
            *timing,
        )
        found.setdefault(goal_id, []).append(facts)
    return found


def overdue_from(period: FollowUpPeriod) -> datetime.date:
    """The day a deadline must be before to be overdue in the period's report: today while the
    period runs, the day after its end once it has ended (what was due in it and is not done
    is overdue in its report, whenever the report is read)."""
    return min(timezone.localdate(), period.ends_on + datetime.timedelta(days=1))


@dataclass
class ActivityStandings:
    """How the plan's activities stand in a period: every status of the year up to it."""

    period: FollowUpPeriod
    overdue_on: datetime.date  # `overdue_from(period)`
    statuses: dict[int, dict[int, ReportedStatus]] = field(default_factory=dict)
    # The statuses' names in the report's language, translated once, not once per activity.
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(
        cls, plan: Plan, period: FollowUpPeriod, goal_ids: list[int] | None = None
    ) -> "ActivityStandings":
        """The statuses of the plan's activities (of `goal_ids` only, when given) in the year's
        periods up to `period`, each with its period (the year's few periods read once, not
        joined to every status)."""
        periods = {
            found.pk: found
            for found in FollowUpPeriod.objects.filter(
                organisation_id=period.organisation_id,
                year=period.year,
                starts_on__lte=period.starts_on,
            )
        }
        rows = (
            of_goals(ActivityStatus.objects, "activity__goal", plan, goal_ids)
            .filter(period_id__in=list(periods))
            .order_by()  # by activity and period below: no sorting joins
            .values_list("activity_id", "period_id", "status", "comment")
        )
        standings = cls(period, overdue_from(period))
        for activity_id, period_id, status, comment in rows:
            standings.statuses.setdefault(activity_id, {})[period_id] = ReportedStatus(
                status, comment, periods[period_id]
            )
        standings.labels = {value: str(label) for value, label in ActivityStatus.Status.choices}
        return standings

    def status_of(self, activity_pk: int) -> ReportedStatus | None:
        """The period's own status; without one, the latest earlier status of the same year."""
        reported = self.statuses.get(activity_pk, {})
        own = reported.get(self.period.pk)
        if own is not None:
            return own
        earlier = [s for s in reported.values() if s.period.ends_on < self.period.starts_on]
        return max(earlier, key=lambda s: s.period.starts_on, default=None)

    def rows(
        self, activities: Iterable[ActivityFacts], sub_goals: dict[int, str]
    ) -> tuple[ActivityRow, ...]:
        """The activities the period's report covers, as it shows them: the year-end report
        every activity, an interim report those evaluated in it. `sub_goals`: their names."""
        year_end = self.period.is_year_end
        return tuple(
            self._row(activity, sub_goals)
            for activity in activities
            if year_end or is_evaluated_in(activity.evaluated_months, self.period)
        )

    def _row(self, activity: ActivityFacts, sub_goals: dict[int, str]) -> ActivityRow:
        status = self.status_of(activity.pk)
        code = status.status if status is not None else None
        is_carried = status is not None and status.period.pk != self.period.pk
        label = period_label(status.period) if status is not None else ""
        is_overdue = activity_overdue(activity.ongoing, activity.due_on, self.overdue_on, code)
        return ActivityRow(
            pk=activity.pk,
            title=activity.title,
            responsible=activity.responsible,
            timing=timing_text(activity.ongoing, activity.due_on, activity.due_precision),
            status=code or "",
            status_label=self.labels[code] if code else _("Not reported"),
            status_period_label=label,
            comment=status.comment if status is not None else "",
            is_done=code == ActivityStatus.Status.DONE,
            is_overdue=is_overdue,
            overdue_text=overdue_text(activity.due_on) if is_overdue else "",
            status_is_carried=is_carried,
            status_carried_text=carried_text(label) if is_carried else "",
            sub_goal=sub_goals.get(activity.sub_goal_id, "") if activity.sub_goal_id else "",
            reporter=activity.reporter,
        )


def status_counts(activities: Iterable[ActivityRow]) -> tuple[tuple[str, int], ...]:
    """How many activities stand how, besides the done ones, in the order of the statuses;
    the unreported last."""
    counts = Counter(activity.status for activity in activities)
    found = [
        (str(label), counts[value])
        for value, label in ActivityStatus.Status.choices
        if counts[value] and value != ActivityStatus.Status.DONE
    ]
    if counts[""]:
        found.append((_("not reported"), counts[""]))
    return tuple(found)
