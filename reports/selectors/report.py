"""Reads for reports: one plan's follow-up for one period, assembled into a typed structure.

`follow_up_report(plan, period)` is the only way what a committee reads is assembled: the
overview page, the report's HTML page, the PDF, the Excel export and the published snapshot all
render what it returns, so nothing is typed twice and every output says the same. It costs a
fixed number of queries, whatever the number of goals, indicators and activities.

Which value a period shows, and what it is compared with, is `reports.selectors.values`
(`shown_value` is the rule). An activity shows the period's own status, or else the latest
earlier status of the same year, marked with its period.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.datastamp import kept
from goals.deadlines import overdue_text
from goals.models import Activity, ActivityStatus, GoalFollowUp, SubGoal
from indicators.colour import Colour
from indicators.models import Indicator
from planning.models import (
    AssessmentLevel,
    FollowUpPeriod,
    Perspective,
    Plan,
    ReportReadiness,
    Unit,
    assessment_levels,
)
from planning.selectors import decision_process, plan_owner_units, unit_and_below
from reports.selectors.data import (
    ActivityRow,
    ColourCount,
    GoalSection,
    PerspectiveGroup,
    Report,
    ReportDecision,
    UnitReadiness,
)
from reports.selectors.display import date_text, decision_text, period_label, person_name
from reports.selectors.sources import report_sources
from reports.selectors.summary import (
    contributions,
    perspectives,
    report_rollups,
    report_summary,
    share_text,
)
from reports.selectors.values import (
    PlanValues,
    carried_text,
    indicator_row,
    lineage_prefetch,
    load_values,
    responsibility_text,
)

COLOUR_ORDER = (Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.UNCOLOURED, Colour.NO_VALUE)


@dataclass(frozen=True, slots=True)
class _Status:
    """What a report shows of an activity's status in a period: read as plain rows, not as
    model instances (a large plan has thousands, and building each instance cost more than
    reading it)."""

    status: str
    comment: str
    period_id: int
    period: FollowUpPeriod


@dataclass
class _Context:
    """What assembling one report needs besides the plan: loaded once, used per row."""

    plan: Plan
    period: FollowUpPeriod
    values: PlanValues | None = None
    statuses: dict[int, dict[int, _Status]] = field(default_factory=dict)
    levels: dict[str, AssessmentLevel] = field(default_factory=dict)
    # The statuses' names in the report's language, translated once, not once per activity.
    status_labels: dict[str, str] = field(default_factory=dict)

    @cached_property
    def overdue_on(self) -> datetime.date:
        """The day a deadline must be before to be overdue in the report: today while the
        period runs, the day after its end once it has ended (what was due in it and is not
        done is overdue in its report, whenever the report is read)."""
        return min(timezone.localdate(), self.period.ends_on + datetime.timedelta(days=1))


# --- Labels ---------------------------------------------------------------------------------------


def report_language(plan: Plan, asked: str | None = None) -> str:
    """The language a plan's report is written in: the one a reader asked for (`?lang=`) when
    Styrkort has it, else the organisation's report language. `plan.organisation` should be
    selected."""
    codes = [code for code, _name in settings.LANGUAGES]
    for language in (asked, plan.organisation.report_language):
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


def report_title(plan_name: str, period: FollowUpPeriod) -> str:
    """ "Follow-up report T1 2023: <plan>", or "Year-end report 2023: <plan>"."""
    if period.is_year_end:
        return _("Year-end report %(year)s: %(plan)s") % {"year": period.year, "plan": plan_name}
    return _("Follow-up report %(period)s: %(plan)s") % {
        "period": period_label(period),
        "plan": plan_name,
    }


def colour_counts(
    colours: Iterable[Colour], with_uncoloured: bool = True
) -> tuple[ColourCount, ...]:
    """How many of each colour, green to no value, zeros included; "no colour" only
    `with_uncoloured` (most plans colour everything they measure, and their reports keep the
    four counts)."""
    counted = defaultdict(int)
    for colour in colours:
        counted[colour] += 1
    return tuple(
        ColourCount(colour, colour.label, counted[colour])
        for colour in COLOUR_ORDER
        if colour != Colour.UNCOLOURED or with_uncoloured
    )


# --- Activities -----------------------------------------------------------------------------------


def _activity_status(context: _Context, activity: Activity) -> _Status | None:
    """The period's own status; without one, the latest earlier status of the same year."""
    reported = context.statuses.get(activity.pk, {})
    own = reported.get(context.period.pk)
    if own is not None:
        return own
    earlier = [s for s in reported.values() if s.period.ends_on < context.period.starts_on]
    return max(earlier, key=lambda s: s.period.starts_on, default=None)


def _activity_row(context: _Context, activity: Activity) -> ActivityRow:
    status = _activity_status(context, activity)
    responsible = ", ".join(
        part
        for part in (
            person_name(activity.responsible_user) if activity.responsible_user_id else "",
            activity.responsible_role,
        )
        if part
    )
    is_done = status is not None and status.status == ActivityStatus.Status.DONE
    is_carried = status is not None and status.period_id != context.period.pk
    label = period_label(status.period) if status is not None else ""
    is_overdue = activity.is_overdue(context.overdue_on, status.status if status else None)
    return ActivityRow(
        pk=activity.pk,
        title=activity.title,
        responsible=responsible,
        timing=activity.timing_label,
        status=status.status if status else "",
        status_label=context.status_labels[status.status] if status else _("Not reported"),
        status_period_label=label,
        comment=status.comment if status else "",
        is_done=is_done,
        is_overdue=is_overdue,
        overdue_text=overdue_text(activity.due_on) if is_overdue else "",
        status_is_carried=is_carried,
        status_carried_text=carried_text(label) if is_carried else "",
        sub_goal=str(activity.sub_goal) if activity.sub_goal_id else "",
        reporter=responsibility_text(activity, "reporting"),
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


def _activities_in_report(activities: Iterable[Activity], period: FollowUpPeriod) -> list[Activity]:
    """The year-end report covers every activity; an interim report those evaluated in it."""
    if period.is_year_end:
        return list(activities)
    return [activity for activity in activities if activity.is_evaluated_in(period)]


# --- Goals, readiness and the whole report --------------------------------------------------------


def _goal_section(
    context: _Context, goal, follow_up: GoalFollowUp | None, contributing: tuple = ()
) -> GoalSection:
    level = context.levels.get(follow_up.assessment) if follow_up and follow_up.assessment else None
    indicators = tuple(indicator_row(context.values, i) for i in goal.indicators.all())
    activities = tuple(
        _activity_row(context, a)
        for a in _activities_in_report(goal.activities.all(), context.period)
    )
    done = sum(1 for activity in activities if activity.is_done)
    return GoalSection(
        pk=goal.pk,
        number=goal.number,
        title=goal.title,
        description=goal.description,
        anchor=f"plan-{goal.plan_id}-goal-{goal.number}",
        indicators=indicators,
        activities=activities,
        colour_counts=colour_counts(row.colour for row in indicators),
        activities_done=done,
        activities_total=len(activities),
        share_done_text=share_text(done, len(activities)),
        assessment=follow_up.assessment if follow_up else "",
        assessment_label=(level.label() if level else follow_up.assessment)
        if follow_up and follow_up.assessment
        else _("Not assessed"),
        analysis=follow_up.analysis if follow_up else "",
        follow_up_version=follow_up.version if follow_up else None,
        status_counts=status_counts(activities),
        contributions=contributing,
        numbering=goal.numbering,
        perspective=goal.perspective.name if goal.perspective_id else "",
        perspective_id=goal.perspective_id,
        assessment_meaning=level.meaning if level else "",
        sub_goals=tuple(str(sub_goal) for sub_goal in goal.sub_goals.all()),
    )


def expected_units(
    plan: Plan, units: list[Unit], activity_units: Iterable[int | None]
) -> list[Unit]:
    """The units whose part of the follow-up the planner waits for.

    The units below the plan's owner unit and the units named on its activities
    (`activity_units`: their ids); the owner unit itself when nothing lies below it.
    """
    wanted: set[int] = set()
    if plan.owner_unit_id:
        wanted |= unit_and_below(units, plan.owner_unit_id) - {plan.owner_unit_id}
    wanted |= {unit_id for unit_id in activity_units if unit_id}
    if not wanted and plan.owner_unit_id:
        wanted = {plan.owner_unit_id}
    return sorted((unit for unit in units if unit.pk in wanted), key=lambda unit: unit.name)


def readiness_rows(
    plan: Plan, period: FollowUpPeriod, units: list[Unit], activity_units: Iterable[int | None]
) -> list[tuple[Unit, UnitReadiness]]:
    marks = {
        mark.unit_id: mark
        for mark in ReportReadiness.objects.filter(plan=plan, period=period).select_related(
            "marked_by"
        )
    }
    rows = []
    for unit in expected_units(plan, units, activity_units):
        mark = marks.get(unit.pk)
        marked_by = person_name(mark.marked_by) if mark is not None else ""
        ready = UnitReadiness(
            unit.pk, unit.name, mark is not None, marked_by, mark.marked_at if mark else None
        )
        rows.append((unit, ready))
    return rows


def owners(plan: Plan) -> tuple[str, ...]:
    """Every organisation that owns the plan, as report covers name them: the lead first, then
    a joint plan's partners by name."""
    partners = sorted(plan.partner_organisations.all(), key=lambda found: found.display_name)
    return (plan.organisation.display_name, *(found.display_name for found in partners))


def committee_of(plan: Plan, units: list[Unit]) -> str:
    """The committee above the plan's owner unit (or the owner itself), else who decided it."""
    by_pk = {unit.pk: unit for unit in units}
    node = by_pk.get(plan.owner_unit_id)
    while node is not None:
        if node.kind == Unit.Kind.COMMITTEE:
            return node.name
        node = by_pk.get(node.parent_id)
    return plan.decided_by


def _load_statuses(context: _Context) -> None:
    """The statuses of the plan's activities in the year's periods up to the report's, each
    with its period (the year's few periods read once, not joined to every status)."""
    period = context.period
    periods = {
        found.pk: found
        for found in FollowUpPeriod.objects.filter(
            organisation_id=period.organisation_id,
            year=period.year,
            starts_on__lte=period.starts_on,
        )
    }
    rows = (
        ActivityStatus.objects.filter(
            activity__goal__plan=context.plan, period_id__in=list(periods)
        )
        .order_by()  # by activity and period below: no sorting joins
        .values_list("activity_id", "period_id", "status", "comment")
    )
    for activity_id, period_id, status, comment in rows:
        context.statuses.setdefault(activity_id, {})[period_id] = _Status(
            status, comment, period_id, periods[period_id]
        )
    context.status_labels = {value: str(label) for value, label in ActivityStatus.Status.choices}


INDICATOR_RELATED = (
    "perspective",
    "sub_goal",
    "baseline_period",
    "responsible_user",
    "responsible_unit",
    "reporting_user",
    "reporting_unit",
)
ACTIVITY_RELATED = ("sub_goal", "responsible_user", "reporting_user", "reporting_unit")


def _goals(plan: Plan) -> QuerySet:
    indicators = (
        Indicator.objects.select_related(*INDICATOR_RELATED)
        .prefetch_related(lineage_prefetch())
        .order_by("position", "id")
    )
    activities = Activity.objects.select_related(*ACTIVITY_RELATED).order_by("position", "id")
    return (
        plan.goals.order_by("number")
        .select_related("perspective")
        .prefetch_related(
            Prefetch("indicators", queryset=indicators),
            Prefetch("activities", queryset=activities),
            Prefetch("sub_goals", queryset=SubGoal.objects.order_by("position", "id")),
        )
    )


def perspective_groups(
    sections: Iterable[GoalSection], perspectives: list[Perspective]
) -> tuple[PerspectiveGroup, ...]:
    """The goals by the organisation's perspectives, in the perspectives' order, the goals
    without one last; empty when no goal has a perspective."""
    sections = list(sections)
    if not any(goal.perspective_id for goal in sections):
        return ()
    groups = []
    for perspective in perspectives:
        pks = tuple(goal.pk for goal in sections if goal.perspective_id == perspective.pk)
        if pks:
            groups.append(PerspectiveGroup(perspective.name, f"perspective-{perspective.pk}", pks))
    rest = tuple(goal.pk for goal in sections if not goal.perspective_id)
    if rest:
        groups.append(PerspectiveGroup(_("Without a perspective"), "perspective-none", rest))
    return tuple(groups)


def follow_up_report(
    plan: Plan, period: FollowUpPeriod, *, decision: ReportDecision | None = None
) -> Report:
    """Assemble a plan's follow-up report for a period (in the active language).

    Raises ValueError if the period cannot be used for the plan. About ten queries, whatever
    the size of the plan; `plan.organisation` and `plan.owner_unit` should be selected.
    """
    problem = plan.period_problem(period)
    if problem:
        raise ValueError(problem)
    context = _Context(plan, period)
    goals = list(_goals(plan))
    indicators = [i for goal in goals for i in goal.indicators.all()]
    context.values = load_values(period, indicators)
    _load_statuses(context)
    follow_ups = {f.goal_id: f for f in GoalFollowUp.objects.filter(goal__plan=plan, period=period)}
    context.levels = {level.key: level for level in assessment_levels(plan.organisation)}
    contributing = contributions(plan, period)
    sections = tuple(
        _goal_section(context, goal, follow_ups.get(goal.pk), contributing.get(goal.pk, ()))
        for goal in goals
    )
    # Names, kinds and the tree: the units' organisations are not needed here.
    units = list(plan_owner_units(plan).select_related(None))
    activity_units = {a.unit_id for goal in goals for a in goal.activities.all()}
    done = sum(goal.activities_done for goal in sections)
    total = sum(goal.activities_total for goal in sections)
    colours = [row.colour for goal in sections for row in goal.indicators]
    with_uncoloured = Colour.UNCOLOURED in colours
    sections = tuple(
        replace(
            goal,
            colour_counts=colour_counts((row.colour for row in goal.indicators), with_uncoloured),
        )
        for goal in sections
    )
    totals = colour_counts(colours, with_uncoloured)
    organisation_perspectives = list(
        Perspective.objects.filter(organisation_id=plan.organisation_id)
    )
    rollups = report_rollups(
        plan, period, sections, organisation_perspectives, cascade=bool(contributing)
    )
    generated_at = timezone.now()
    return Report(
        plan_id=plan.pk,
        plan_name=plan.name,
        plan_kind=str(plan.get_kind_display()),
        organisation=plan.organisation.display_name,
        committee=committee_of(plan, units),
        owner_unit=plan.owner_unit.name if plan.owner_unit_id else "",
        responsible=plan.responsible,
        plan_years=plan.period_label,
        plan_decided_by=plan.decided_by,
        plan_decision=decision_text(plan.decision_date, plan.decision_paragraph),
        decision_steps=tuple(decision_process(plan)),
        registration_number=plan.registration_number,
        period_id=period.pk,
        period_kind=period.kind,
        period_label=period_label(period),
        period_name=period.label,
        period_dates=f"{date_text(period.starts_on)} – {date_text(period.ends_on)}",
        is_year_end=period.is_year_end,
        title=report_title(plan.name, period),
        anchor=f"plan-{plan.pk}",
        goals=sections,
        colour_totals=totals,
        activities_done=done,
        activities_total=total,
        share_done_text=share_text(done, total),
        readiness=tuple(row for _unit, row in readiness_rows(plan, period, units, activity_units)),
        language=get_language() or "",
        generated_at=generated_at,
        decision=decision,
        owners=owners(plan),
        perspectives=perspectives(plan),
        summary=report_summary(sections, totals, done, total, context.levels, rollups),
        generated_text=formats.date_format(
            timezone.localtime(generated_at), "SHORT_DATETIME_FORMAT"
        ),
        perspective_groups=perspective_groups(sections, organisation_perspectives),
    )


def kept_follow_up_report(
    plan: Plan, period: FollowUpPeriod, sources: tuple[int, ...] | None = None
) -> Report:
    """`follow_up_report(plan, period)` in the active language, assembled once and kept until
    anything it is assembled from changes (`core.datastamp`), or the day does (what is
    overdue depends on it). What is entered in a later period, or in a plan it does not read
    (`sources`, by default `report_sources(plan)`), leaves it kept. For the pages people read
    again and again: the report and the overview."""
    key = f"report:{plan.pk}:{period.pk}:{get_language()}:{timezone.localdate().isoformat()}"
    return kept(
        key,
        lambda: follow_up_report(plan, period),
        until=period.ends_on,
        plans=report_sources(plan) if sources is None else sources,
    )
