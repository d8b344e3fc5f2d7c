"""Reads for the read-only overview of a plan (what a committee sees) and for the start page,
and how values, bands and people are written for readers (shared with the reporting page).

The overview shows, for one follow-up period, every goal with its indicators' colours, latest
values, targets and trends, the progress of its activities, and the goal's assessment. Values
are the plan's own (no unit, all genders together). The number of queries does not depend on the
number of goals, activities or indicators.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from indicators.colour import Colour, Direction, format_value
from indicators.models import Gender, Indicator, Measurement
from planning.models import FollowUpPeriod, Plan, Role
from planning.permissions import can_edit_plan
from planning.selectors import Scope, plans_visible_to

# --- Values as people read them ------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A value's band as shown to people: the colour's word (with its icon by CSS) and range."""

    colour: Colour
    text: str = ""

    @property
    def label(self) -> str:
        return self.colour.label


def band_of(indicator: Indicator, value: Decimal | None) -> Band:
    """The colour of a value with the range of its band, e.g. Yellow "6,0–7,0"."""
    colour = indicator.colour_of(value)
    if colour == Colour.NO_VALUE:
        return Band(colour)
    return Band(colour, indicator.band_texts().get(colour, ""))


def person_name(user) -> str:
    """A user as others see them: full name, else user name; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def value_text(indicator: Indicator, value: Decimal | None) -> str:
    """A value in the user's locale with its unit: "6,4 %", "8,0 of 10,0", "12 days"."""
    if value is None:
        return Colour.NO_VALUE.label
    number = format_value(value, indicator.decimals)
    if indicator.scale_max is not None:
        return _("%(value)s of %(max)s") % {
            "value": number,
            "max": format_value(indicator.scale_max, indicator.decimals),
        }
    if indicator.unit == Indicator.MeasureUnit.NUMBER:
        return number
    return f"{number}\u00a0{indicator.unit_text}"


def target_label(indicator: Indicator) -> str:
    """The target as the plan writes it, or else the target value with its unit."""
    if indicator.target_text:
        return indicator.target_text
    if indicator.target_value is not None:
        return value_text(indicator, indicator.target_value)
    return ""


# --- Trend -------------------------------------------------------------------------------------


class TrendKind(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        return {
            TrendKind.BETTER: _("Better"),
            TrendKind.WORSE: _("Worse"),
            TrendKind.UNCHANGED: _("Unchanged"),
        }[self]


def trend(current: Decimal | None, previous: Decimal | None, direction: str) -> TrendKind | None:
    """Whether a value is better, worse or unchanged against an earlier one.

    Better is up when higher is better and down when lower is better. None when either value
    is missing: there is nothing to compare.
    """
    if current is None or previous is None:
        return None
    current, previous = Decimal(current), Decimal(previous)
    if current == previous:
        return TrendKind.UNCHANGED
    rose = current > previous
    if Direction(direction) == Direction.HIGHER_IS_BETTER:
        return TrendKind.BETTER if rose else TrendKind.WORSE
    return TrendKind.WORSE if rose else TrendKind.BETTER


@dataclass(frozen=True)
class Trend:
    kind: TrendKind
    current: Decimal
    previous: Measurement

    @property
    def arrow(self) -> str:
        """The value's movement: up, down or level (the words say whether that is good)."""
        if self.current > self.previous.value:
            return "↑"
        if self.current < self.previous.value:
            return "↓"
        return "→"

    @property
    def label(self) -> str:
        return self.kind.label


# --- The overview ------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    indicator: Indicator
    measurement: Measurement | None
    period: FollowUpPeriod | None  # the period of the measurement shown
    trend: Trend | None
    previous_period: FollowUpPeriod | None

    @property
    def value(self) -> Decimal | None:
        return self.measurement.value if self.measurement else None

    @property
    def band(self) -> Band:
        return band_of(self.indicator, self.value)

    @property
    def value_text(self) -> str:
        return value_text(self.indicator, self.value)

    @property
    def previous_text(self) -> str:
        return value_text(self.indicator, self.trend.previous.value) if self.trend else ""

    @property
    def target(self) -> str:
        return target_label(self.indicator)

    @property
    def bands(self) -> list[Band]:
        return [Band(colour, text) for colour, text in self.indicator.band_texts().items()]


@dataclass
class ActivityLine:
    activity: Activity
    status: ActivityStatus | None


@dataclass
class GoalLine:
    goal: Goal
    indicators: list[IndicatorLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)
    follow_up: GoalFollowUp | None = None

    @property
    def activities_done(self) -> int:
        return sum(
            1
            for line in self.activities
            if line.status and line.status.status == ActivityStatus.Status.DONE
        )

    @property
    def activity_counts(self) -> list[tuple[str, int]]:
        """How many activities stand how, in the order of the statuses; unreported last."""
        counts = Counter(line.status.status if line.status else "" for line in self.activities)
        result = [
            (str(label), counts[value])
            for value, label in ActivityStatus.Status.choices
            if counts[value] and value != ActivityStatus.Status.DONE
        ]
        if counts[""]:
            result.append((_("not reported"), counts[""]))
        return result


@dataclass
class Overview:
    plan: Plan
    period: FollowUpPeriod | None
    periods: list[FollowUpPeriod]
    goals: list[GoalLine]

    @property
    def colour_counts(self) -> list[tuple[Band, int]]:
        counts = Counter(line.band.colour for goal in self.goals for line in goal.indicators)
        return [
            (Band(colour), counts[colour])
            for colour in (Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.NO_VALUE)
            if counts[colour]
        ]


def _default_period(
    plan_periods: list[FollowUpPeriod], with_data: set[int]
) -> FollowUpPeriod | None:
    """The latest period with data; else the open one; else the latest begun; else the first."""
    for period in reversed(plan_periods):
        if period.pk in with_data:
            return period
    for period in reversed(plan_periods):
        if period.is_open:
            return period
    today = timezone.localdate()
    for period in reversed(plan_periods):
        if period.starts_on <= today:
            return period
    return plan_periods[0] if plan_periods else None


def plan_overview(user, scope: Scope, plan_id: int, period_id: int | None = None) -> Overview:
    """The overview of a plan the user may read, for a period of it (default: latest with data).

    404 when the user may not read the plan or the period is not one of the plan's.
    """
    plan = plans_visible_to(user, scope).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    periods = list(
        FollowUpPeriod.objects.filter(
            organisation_id=plan.organisation_id,
            year__gte=plan.start_year - 1,
            year__lte=plan.end_year,
        ).order_by("year", "starts_on")
    )
    order = {period.pk: index for index, period in enumerate(periods)}
    by_id = {period.pk: period for period in periods}
    plan_periods = [period for period in periods if period.year in plan.years]

    goals = list(
        Goal.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.order_by("position", "pk")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "pk")),
        )
    )
    indicator_ids = {indicator.pk for goal in goals for indicator in goal.indicators.all()}
    predecessor_ids = {
        indicator.predecessor_id
        for goal in goals
        for indicator in goal.indicators.all()
        if indicator.predecessor_id
    }
    measurements = list(
        Measurement.objects.filter(
            indicator_id__in=indicator_ids | predecessor_ids,
            period_id__in=list(order),
            unit__isnull=True,
            gender=Gender.TOTAL,
        )
    )
    statuses = list(ActivityStatus.objects.filter(activity__goal__plan=plan))
    follow_ups = list(GoalFollowUp.objects.filter(goal__plan=plan))

    plan_period_ids = {period.pk for period in plan_periods}
    with_data = (
        {m.period_id for m in measurements if m.indicator_id in indicator_ids}
        | {s.period_id for s in statuses}
        | {f.period_id for f in follow_ups}
    ) & plan_period_ids
    if period_id is None:
        period = _default_period(plan_periods, with_data)
    else:
        period = by_id.get(period_id)
        if period is None or period.pk not in plan_period_ids:
            raise Http404

    lines = []
    if period is not None:
        lines = _goal_lines(goals, period, order, by_id, measurements, statuses, follow_ups)
    else:
        lines = [GoalLine(goal) for goal in goals]
    return Overview(plan=plan, period=period, periods=plan_periods, goals=lines)


def _goal_lines(goals, period, order, by_id, measurements, statuses, follow_ups):
    selected = order[period.pk]
    by_indicator: dict[int, list[Measurement]] = {}
    for measurement in measurements:
        if order[measurement.period_id] <= selected:
            by_indicator.setdefault(measurement.indicator_id, []).append(measurement)
    for found in by_indicator.values():
        found.sort(key=lambda m: order[m.period_id])
    status_of = {s.activity_id: s for s in statuses if s.period_id == period.pk}
    follow_up_of = {f.goal_id: f for f in follow_ups if f.period_id == period.pk}

    lines = []
    for goal in goals:
        line = GoalLine(goal, follow_up=follow_up_of.get(goal.pk))
        for indicator in goal.indicators.all():
            own = by_indicator.get(indicator.pk, [])
            current = own[-1] if own else None
            found_trend = None
            previous_period = None
            if current is not None and current.value is not None:
                earlier = [
                    m
                    for m in own[:-1] + by_indicator.get(indicator.predecessor_id, [])
                    if m.value is not None and order[m.period_id] < order[current.period_id]
                ]
                if earlier:
                    previous = max(earlier, key=lambda m: order[m.period_id])
                    previous_period = by_id[previous.period_id]
                    found_trend = Trend(
                        kind=trend(current.value, previous.value, indicator.direction),
                        current=current.value,
                        previous=previous,
                    )
            line.indicators.append(
                IndicatorLine(
                    indicator=indicator,
                    measurement=current,
                    period=by_id[current.period_id] if current else None,
                    trend=found_trend,
                    previous_period=previous_period,
                )
            )
        line.activities = [
            ActivityLine(activity, status_of.get(activity.pk))
            for activity in goal.activities.all()
            if activity.is_evaluated_in(period)
        ]
        lines.append(line)
    return lines


# --- The start page ----------------------------------------------------------------------------


@dataclass
class HomePlans:
    """The plans of the start page, by the part of the page that shows them."""

    planned: list[Plan] = field(default_factory=list)  # planner's or administrator's
    committee: list[Plan] = field(default_factory=list)  # of the user's committee
    other: list[Plan] = field(default_factory=list)  # readable, in neither list above


def _committee_covers(scope: Scope, plan: Plan) -> bool:
    if plan.organisation_id in scope.whole_organisations.get(Role.COMMITTEE_MEMBER, set()):
        return True
    return plan.owner_unit_id in scope.units.get(Role.COMMITTEE_MEMBER, set())


def home_plans(user, scope: Scope) -> HomePlans:
    """The plans the user may read, sorted into the start page's parts. One query.

    Each plan says whether one of its organisation's periods in its years is open for
    reporting (`has_open_period`).
    """
    open_period = FollowUpPeriod.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        is_open=True,
        year__gte=OuterRef("start_year"),
        year__lte=OuterRef("end_year"),
    )
    plans = plans_visible_to(user, scope).annotate(has_open_period=Exists(open_period))
    result = HomePlans()
    for plan in plans.order_by("-start_year", "name", "pk"):
        planned, committee = can_edit_plan(scope, plan), _committee_covers(scope, plan)
        if planned:
            result.planned.append(plan)
        if committee:
            result.committee.append(plan)
        if not (planned or committee):
            result.other.append(plan)
    return result
