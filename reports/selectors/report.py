"""Reads for reports: one plan's follow-up for one period, assembled into a typed structure.

`follow_up_report(plan, period)` is the only way what a committee reads is assembled: the
overview page, the report's HTML page, the PDF, the Excel export and the published snapshot all
render what it returns, so nothing is typed twice and every output says the same. It costs a
fixed number of queries, whatever the number of goals, indicators and activities.

Which value a period shows, and what it is compared with, is `reports.selectors.values`
(`shown_value` is the rule). An activity shows the period's own status, or else the latest
earlier status of the same year, marked with its period.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.datastamp import KeptParts
from goals.models import GoalFollowUp, SubGoal
from indicators.colour import Colour
from indicators.models import Indicator
from planning.models import (
    AssessmentLevel,
    FollowUpPeriod,
    Perspective,
    Plan,
)
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
)
from reports.selectors.display import date_text, decision_text, period_label
from reports.selectors.frame import (
    Levels,
    ReportFrame,
    awaited_units,
    report_frame,
    unit_readiness,
)
from reports.selectors.sources import report_sources
from reports.selectors.summary import (
    Serving,
    contributions,
    lower_goals,
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


# --- Goals and the whole report ----------------------------------------------------------------


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
    sections: Iterable[GoalSection], perspectives: Sequence[Perspective]
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
    plan: Plan, period: FollowUpPeriod, *, decision: ReportDecision | None = None
) -> Report:
    """Assemble a plan's follow-up report for a period (in the active language).

    Raises ValueError if the period cannot be used for the plan. About twenty queries,
    whatever the size of the plan; `plan.organisation` and `plan.owner_unit` should be
    selected.
    """
    _check_period(plan, period)
    frame = report_frame(plan, period)
    parts = goal_parts(plan, period, frame.levels)
    # Lower plans' goals serve the plan's only when some serve a goal directly.
    contributed = any(part.section.contributions for part in parts.values())
    lower = lower_goals(list(parts), period) if contributed else {}
    return assembled_report(plan, period, frame, parts, lower, decision=decision)


def _check_period(plan: Plan, period: FollowUpPeriod) -> None:
    problem = plan.period_problem(period)
    if problem:
        raise ValueError(problem)


def assembled_report(
    plan: Plan,
    period: FollowUpPeriod,
    frame: ReportFrame,
    parts: dict[int, GoalPart],
    lower: dict[int, Serving],
    *,
    decision: ReportDecision | None = None,
) -> Report:
    """The report put together from its frame, its goals' sections (`goal_parts`, in the
    goals' order) and what lower plans' goals say of them (`lower_goals`): the counts, the
    summary, the roll-ups, who is awaited. No query."""
    sections = tuple(part.section for part in parts.values())
    activity_units = {unit for part in parts.values() for unit in part.activity_units}
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
    rollups = report_rollups(plan, sections, frame.organisation_perspectives, lower)
    awaited = awaited_units(plan.owner_unit_id, frame.below_owner, activity_units)
    names = frame.unit_names
    generated_at = timezone.now()
    return Report(
        plan_id=plan.pk,
        plan_name=plan.name,
        plan_kind=str(plan.get_kind_display()),
        organisation=plan.organisation.display_name,
        committee=frame.committee,
        owner_unit=plan.owner_unit.name if plan.owner_unit_id else "",
        responsible=plan.responsible,
        plan_years=plan.period_label,
        plan_decided_by=plan.decided_by,
        plan_decision=decision_text(plan.decision_date, plan.decision_paragraph),
        decision_steps=frame.decision_steps,
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
        readiness=tuple(
            unit_readiness(pk, names[pk], frame.marks)
            for pk in sorted((pk for pk in awaited if pk in names), key=names.__getitem__)
        ),
        language=get_language() or "",
        generated_at=generated_at,
        decision=decision,
        owners=frame.owners,
        perspectives=perspectives(plan),
        summary=report_summary(sections, totals, done, total, frame.levels, rollups),
        generated_text=formats.date_format(
            timezone.localtime(generated_at), "SHORT_DATETIME_FORMAT"
        ),
        perspective_groups=perspective_groups(sections, frame.organisation_perspectives),
    )


def kept_follow_up_report(
    plan: Plan, period: FollowUpPeriod, sources: tuple[int, ...] | None = None
) -> Report:
    """`follow_up_report(plan, period)` in the active language, its parts assembled once and
    kept until anything they are assembled from changes (`core.datastamp`), or the day does
    (what is overdue depends on it). What is entered in a later period, or in a plan it does
    not read (`sources`, by default `report_sources(plan)`), leaves it kept. For the pages
    people read again and again: the report and the overview.

    Its frame and each goal's section are kept apart (`core.datastamp.KeptParts`): after a
    change only what it changed is assembled again (a status entered: its goal's section; a
    ready mark, or the plan itself, what all goals share: the frame and every section), and
    the report is put together from them. Two queries when nothing changed."""
    _check_period(plan, period)
    sources = report_sources(plan) if sources is None else sources
    kept_parts = KeptParts.read(
        f"report:{plan.pk}:{period.pk}:{get_language()}:{timezone.localdate().isoformat()}",
        plan=plan.pk,
        until=period.ends_on,
        plans=sources,
    )
    goal_ids = list(plan.goals.order_by("number").values_list("pk", flat=True))
    # What lower plans' goals say is read for the plan's goals: named by them, it is read
    # again when they change (a goal added, or removed), whatever else does.
    digest = hashlib.sha256(",".join(map(str, goal_ids)).encode()).hexdigest()[:16]
    frame, lower = kept_parts.common(
        f"frame:{digest}", lambda: (report_frame(plan, period), lower_goals(goal_ids, period))
    )

    def build(missing: list[int]) -> dict[int, tuple[GoalPart, frozenset[int]]]:
        found = goal_parts(plan, period, frame.levels, None if missing == goal_ids else missing)
        return {pk: (part, part.reads) for pk, part in found.items()}

    parts = kept_parts.by_goal("goal", goal_ids, build)
    return assembled_report(plan, period, frame, parts, lower)
