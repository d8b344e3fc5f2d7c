"""Reads for reports: one plan's follow-up for one period, assembled into a typed structure.

`follow_up_report(plan, period)` is the only way what a committee reads is assembled: the
overview page, the report's HTML page, the PDF, the Excel export and the published snapshot all
render what it returns, so nothing is typed twice and every output says the same. It costs a
fixed number of queries, whatever the number of goals, indicators and activities.

Which value a period shows, and what it is compared with, is `reports.selectors.values`
(`shown_value` is the rule). An activity shows the period's own status, or else the latest
earlier status of the same year, marked with its period.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.datastamp import kept, kept_by_goal
from goals.models import GoalFollowUp, SubGoal
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
from reports.selectors.activities import (
    ActivityFacts,
    ActivityStandings,
    of_goals,
    plan_activities,
    status_counts,
)
from reports.selectors.data import (
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
    indicator_row,
    lineage,
    lineage_prefetch,
    load_values,
)

COLOUR_ORDER = (Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.UNCOLOURED, Colour.NO_VALUE)


@dataclass
class _Context:
    """What assembling one report needs besides the plan: loaded once, used per row."""

    plan: Plan
    period: FollowUpPeriod
    values: PlanValues | None = None
    standings: ActivityStandings | None = None
    levels: dict[str, AssessmentLevel] = field(default_factory=dict)


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


# --- Goals, readiness and the whole report --------------------------------------------------------


def _goal_section(
    context: _Context,
    goal,
    activities: list[ActivityFacts],
    follow_up: GoalFollowUp | None,
    contributing: tuple = (),
) -> GoalSection:
    level = context.levels.get(follow_up.assessment) if follow_up and follow_up.assessment else None
    indicators = tuple(indicator_row(context.values, i) for i in goal.indicators.all())
    sub_goals = {found.pk: str(found) for found in goal.sub_goals.all()}
    activities = context.standings.rows(activities, sub_goals)
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
        sub_goals=tuple(sub_goals.values()),
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


INDICATOR_RELATED = (
    "perspective",
    "sub_goal",
    "baseline_period",
    "responsible_unit",
    "reporting_unit",
)
# Read by a query each (when any indicator names one): joined too, the eight tables took
# PostgreSQL longer to plan (3 ms) than the query took to run.
INDICATOR_PEOPLE = ("responsible_user", "reporting_user")


def _goals(plan: Plan, goal_ids: list[int] | None = None) -> QuerySet:
    indicators = (
        Indicator.objects.select_related(*INDICATOR_RELATED)
        .prefetch_related(*INDICATOR_PEOPLE, lineage_prefetch())
        .order_by("position", "id")
    )
    goals = plan.goals.order_by("number")
    if goal_ids is not None:
        goals = goals.filter(pk__in=goal_ids)
    return goals.select_related("perspective").prefetch_related(
        Prefetch("indicators", queryset=indicators),
        Prefetch("sub_goals", queryset=SubGoal.objects.order_by("position", "id")),
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


@dataclass(frozen=True)
class GoalPart:
    """A goal's section of a report, assembled on its own (and kept per goal:
    `kept_follow_up_report`), with what the whole report needs of it besides: the units its
    activities name (whose part of the follow-up is awaited) and the goals it read, its own and
    those its indicators are carried on from (`reports.selectors.values.lineage`)."""

    section: GoalSection
    activity_units: frozenset[int]
    reads: frozenset[int]


Levels = dict[str, AssessmentLevel]


def goal_parts(
    plan: Plan, period: FollowUpPeriod, levels: Levels, goal_ids: list[int] | None = None
) -> dict[int, GoalPart]:
    """The sections of the plan's goals (of `goal_ids` only, when given) in the period, by goal
    pk in the goals' order, `levels` the organisation's assessment levels by key. About ten
    queries, whatever the number of goals, indicators and activities."""
    context = _Context(plan, period, levels=levels)
    goals = list(_goals(plan, goal_ids))
    indicators = [i for goal in goals for i in goal.indicators.all()]
    context.values = load_values(period, indicators)
    activities = plan_activities(plan, goal_ids)
    context.standings = ActivityStandings.load(plan, period, goal_ids)
    follow_ups = of_goals(GoalFollowUp.objects.filter(period=period), "goal", plan, goal_ids)
    follow_ups = {found.goal_id: found for found in follow_ups}
    contributing = contributions(plan, period, goal_ids)
    parts = {}
    for goal in goals:
        facts = activities.get(goal.pk, [])
        section = _goal_section(
            context, goal, facts, follow_ups.get(goal.pk), contributing.get(goal.pk, ())
        )
        reads = {node.goal_id for i in goal.indicators.all() for node in lineage(i)}
        parts[goal.pk] = GoalPart(
            section,
            frozenset(activity.unit_id for activity in facts if activity.unit_id),
            frozenset({goal.pk, *reads}),
        )
    return parts


def follow_up_report(
    plan: Plan,
    period: FollowUpPeriod,
    *,
    decision: ReportDecision | None = None,
    parts: Callable[[Levels], dict[int, GoalPart]] | None = None,
) -> Report:
    """Assemble a plan's follow-up report for a period (in the active language).

    Raises ValueError if the period cannot be used for the plan. About fifteen queries,
    whatever the size of the plan; `plan.organisation` and `plan.owner_unit` should be
    selected. `parts(levels)` gives the goals' sections when they are kept (`goal_parts` for
    each goal otherwise).
    """
    problem = plan.period_problem(period)
    if problem:
        raise ValueError(problem)
    levels = {level.key: level for level in assessment_levels(plan.organisation)}
    found = parts(levels) if parts is not None else goal_parts(plan, period, levels)
    sections = tuple(part.section for part in found.values())
    activity_units = {unit for part in found.values() for unit in part.activity_units}
    # Names, kinds and the tree: the units' organisations are not needed here.
    units = list(plan_owner_units(plan).select_related(None))
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
    cascade = any(goal.contributions for goal in sections)
    rollups = report_rollups(plan, period, sections, organisation_perspectives, cascade=cascade)
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
        summary=report_summary(sections, totals, done, total, levels, rollups),
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
    again and again: the report and the overview.

    Assembled again, it assembles again only the sections of the goals whose rows changed
    (a status entered, a goal's title): each goal's section is kept apart
    (`core.datastamp.kept_by_goal`)."""
    sources = report_sources(plan) if sources is None else sources
    language, day = get_language(), timezone.localdate().isoformat()

    def parts(levels: Levels) -> dict[int, GoalPart]:
        goal_ids = list(plan.goals.order_by("number").values_list("pk", flat=True))

        def build(missing: list[int]) -> dict[int, tuple[GoalPart, frozenset[int]]]:
            found = goal_parts(plan, period, levels, None if missing == goal_ids else missing)
            return {pk: (part, part.reads) for pk, part in found.items()}

        return kept_by_goal(
            f"report-goal:{plan.pk}:{period.pk}:{language}:{day}",
            goal_ids,
            build,
            plan=plan.pk,
            until=period.ends_on,
            plans=sources,
        )

    return kept(
        f"report:{plan.pk}:{period.pk}:{language}:{day}",
        lambda: follow_up_report(plan, period, parts=parts),
        until=period.ends_on,
        plans=sources,
    )
