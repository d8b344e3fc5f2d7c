"""What a committee member reads first, and what connects the plan to the plans below it.

`report_summary` turns the assembled goals into the report's first page: the roll-up counts in
words (indicators by colour, activities done, goals by assessment), the indicators that are red
or fell against the previous value, the overdue activities and the written analyses.
`contributions` finds the lower plans' goals that contribute to each goal of a plan
(`goals.Goal.contributes_to`) with their activities' progress in the period.
`perspectives` gives the plan's cross-cutting perspectives that it has written.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from indicators.colour import Colour
from indicators.models import Gender, Indicator, Measurement, ReferenceValue
from indicators.selectors import basis_of
from planning.models import (
    AssessmentLevel,
    FollowUpPeriod,
    Meaning,
    Perspective,
    Plan,
    default_levels,
)
from reports.selectors.data import (
    AssessmentCount,
    Attention,
    Change,
    ColourCount,
    Contribution,
    GoalAnalysis,
    GoalSection,
    OverdueActivity,
    RollUp,
    Summary,
)
from reports.selectors.data import Perspective as PlanPerspective

# How much of a goal's analysis the summary quotes: its first paragraph, at most this long.
ANALYSIS_EXCERPT = 320
PERSPECTIVE_FIELDS = ("gender_equality", "child_rights", "sustainability")
# Lower plans whose goals count as contributing: those decided (or decided and archived).
CONTRIBUTING_STATUSES = (Plan.Status.DECIDED, Plan.Status.ARCHIVED)


# --- The plan's perspectives ----------------------------------------------------------------------


def perspectives(plan: Plan) -> tuple[PlanPerspective, ...]:
    """The cross-cutting perspectives the plan addresses, in the plan's order; empty ones left
    out."""
    found = []
    for name in PERSPECTIVE_FIELDS:
        text = (getattr(plan, name) or "").strip()
        if text:
            label = capfirst(str(Plan._meta.get_field(name).verbose_name))
            found.append(PlanPerspective(name, label, text))
    return tuple(found)


# --- The lower plans' contributions ---------------------------------------------------------------


def _latest_status(statuses: list[ActivityStatus]) -> ActivityStatus | None:
    return max(statuses, key=lambda status: status.period.starts_on, default=None)


def contributions(plan: Plan, period: FollowUpPeriod) -> dict[int, tuple[Contribution, ...]]:
    """The goals of the decided plans one level down that contribute to each goal of `plan`,
    by the goal's pk, with how many of their activities followed up in the period are done.

    An activity counts as done when its latest status of the period's year, up to the period,
    is done (as the report reads its own activities). Two queries, whatever the number of
    lower plans.
    """
    goals = (
        Goal.objects.filter(contributes_to__plan=plan, plan__status__in=CONTRIBUTING_STATUSES)
        .select_related("plan", "plan__owner_unit", "plan__organisation")
        .prefetch_related(
            Prefetch("activities", queryset=Activity.objects.order_by("position", "id"))
        )
        .order_by("plan__name", "plan_id", "number")
    )
    goals = list(goals)
    if not goals:
        return {}
    statuses: dict[int, list[ActivityStatus]] = defaultdict(list)
    found = ActivityStatus.objects.filter(
        activity__goal__in=[goal.pk for goal in goals],
        period__year=period.year,
        period__starts_on__lte=period.starts_on,
    ).select_related("period")
    for status in found:
        statuses[status.activity_id].append(status)
    by_goal: dict[int, list[Contribution]] = defaultdict(list)
    for goal in goals:
        followed = [
            activity
            for activity in goal.activities.all()
            if period.is_year_end or activity.is_evaluated_in(period)
        ]
        done = 0
        for activity in followed:
            latest = _latest_status(statuses[activity.pk])
            done += latest is not None and latest.status == ActivityStatus.Status.DONE
        owner = goal.plan.owner_unit.name if goal.plan.owner_unit_id else ""
        by_goal[goal.contributes_to_id].append(
            Contribution(
                plan_name=goal.plan.name,
                owner=owner or goal.plan.organisation.display_name,
                number=goal.number,
                numbering=goal.numbering,
                title=goal.title,
                activities_done=done,
                activities_total=len(followed),
                share_done_text=share_text(done, len(followed)),
            )
        )
    return {pk: tuple(found) for pk, found in by_goal.items()}


def share_text(done: int, total: int) -> str:
    """The share of activities done, in words and per cent: "2 of 3 (67 %)"."""
    if not total:
        return _("No activities")
    return _("%(done)s of %(total)s (%(percent)s %%)") % {
        "done": done,
        "total": total,
        "percent": round(100 * done / total),
    }


# --- The summary ----------------------------------------------------------------------------------


def _excerpt(text: str) -> tuple[str, bool]:
    """The first paragraph of a text, at most ANALYSIS_EXCERPT characters (cut at a word)."""
    text = text.strip().replace("\r\n", "\n")
    paragraph = text.split("\n\n", 1)[0].strip()
    shortened = paragraph != text
    if len(paragraph) > ANALYSIS_EXCERPT:
        paragraph = paragraph[:ANALYSIS_EXCERPT].rsplit(None, 1)[0].rstrip(",;:.") + " …"
        shortened = True
    return paragraph, shortened


def _attention(goal: GoalSection) -> list[Attention]:
    found = []
    for row in goal.indicators:
        is_red = row.colour == Colour.RED
        fell = row.previous.change == Change.WORSE
        if not (is_red or fell):
            continue
        fell_text = ""
        if fell:
            fell_text = _("worse than %(period)s (%(value)s)") % {
                "period": row.previous.period_label,
                "value": row.previous.value_text,
            }
        found.append(
            Attention(
                goal_number=goal.number,
                goal_numbering=goal.numbering,
                goal_title=goal.title,
                goal_anchor=goal.anchor,
                name=row.name,
                value_text=row.value_text,
                colour=row.colour,
                colour_label=row.colour_label,
                is_red=is_red,
                fell=fell,
                fell_text=fell_text,
            )
        )
    return found


def _overdue(goal: GoalSection) -> list[OverdueActivity]:
    return [
        OverdueActivity(
            goal_number=goal.number,
            goal_numbering=goal.numbering,
            goal_anchor=goal.anchor,
            title=activity.title,
            timing=activity.timing,
            status_label=activity.status_label,
            comment=activity.comment,
            overdue_text=activity.overdue_text,
        )
        for activity in goal.activities
        if activity.is_overdue
    ]


def _analysis(goal: GoalSection) -> GoalAnalysis | None:
    if not goal.analysis.strip():
        return None
    text, shortened = _excerpt(goal.analysis)
    return GoalAnalysis(
        goal_number=goal.number,
        goal_numbering=goal.numbering,
        goal_title=goal.title,
        goal_anchor=goal.anchor,
        assessment=goal.assessment,
        assessment_label=goal.assessment_label,
        text=text,
        is_shortened=shortened,
    )


def assessment_counts(
    goals: tuple[GoalSection, ...], levels: dict[str, AssessmentLevel]
) -> tuple[AssessmentCount, ...]:
    """How many goals have each assessment, in the order of the organisation's scale, "not
    assessed" last; zeros left out."""
    counted: dict[str, int] = defaultdict(int)
    for goal in goals:
        counted[goal.assessment] += 1
    found = [
        AssessmentCount(key, level.label(), counted[key])
        for key, level in levels.items()
        if counted[key]
    ]
    found += [
        AssessmentCount(key, key, count)
        for key, count in counted.items()
        if key and key not in levels and count
    ]
    if counted[""]:
        found.append(AssessmentCount("", _("Not assessed"), counted[""]))
    return tuple(found)


def _colour_count(colour: Colour, count: int) -> str:
    """ "2 green", "1 grön", "2 gröna": a colour's count, agreeing with the number."""
    if colour == Colour.GREEN:
        text = ngettext("%(count)s green", "%(count)s green", count)
    elif colour == Colour.YELLOW:
        text = ngettext("%(count)s yellow", "%(count)s yellow", count)
    elif colour == Colour.RED:
        text = ngettext("%(count)s red", "%(count)s red", count)
    elif colour == Colour.UNCOLOURED:
        text = ngettext("%(count)s without a colour", "%(count)s without a colour", count)
    else:
        text = ngettext("%(count)s without a value", "%(count)s without a value", count)
    return text % {"count": count}


def _indicators_text(totals: tuple[ColourCount, ...]) -> str:
    total = sum(count.count for count in totals)
    if not total:
        return _("The plan has no indicators.")
    parts = ", ".join(_colour_count(count.colour, count.count) for count in totals)
    return ngettext(
        "%(total)s indicator: %(counts)s.", "%(total)s indicators: %(counts)s.", total
    ) % {"total": total, "counts": parts}


def _goals_text(counts: tuple[AssessmentCount, ...], goals: int) -> str:
    if not goals:
        return _("The plan has no goals yet.")
    parts = ", ".join(
        f"{count.count} {count.label[:1].lower()}{count.label[1:]}" for count in counts
    )
    return ngettext("%(total)s goal: %(counts)s.", "%(total)s goals: %(counts)s.", goals) % {
        "total": goals,
        "counts": parts,
    }


def _lead(attention: list[Attention], overdue: list[OverdueActivity]) -> str:
    if not attention and not overdue:
        return _("No indicator is red or worse than in the previous period, and no activity is "
                 "overdue.")  # fmt: skip
    parts = []
    if attention:
        parts.append(
            ngettext(
                "%(count)s indicator is red or worse than in the previous period",
                "%(count)s indicators are red or worse than in the previous period",
                len(attention),
            )
            % {"count": len(attention)}
        )
    if overdue:
        parts.append(
            ngettext(
                "%(count)s activity is overdue",
                "%(count)s activities are overdue",
                len(overdue),
            )
            % {"count": len(overdue)}
        )
    return "; ".join(parts) + "."


def report_summary(
    goals: tuple[GoalSection, ...],
    totals: tuple[ColourCount, ...],
    done: int,
    total: int,
    levels: dict[str, AssessmentLevel] | None = None,
    rollups: tuple[RollUp, ...] = (),
) -> Summary:
    """The summary of the assembled goals: counts in words, attention, overdue, analyses, and
    the roll-ups (`report_rollups`)."""
    attention = [found for goal in goals for found in _attention(goal)]
    overdue = [found for goal in goals for found in _overdue(goal)]
    analyses = [found for goal in goals if (found := _analysis(goal)) is not None]
    if levels is None:
        levels = {level.key: level for level in default_levels()}
    counts = assessment_counts(goals, levels)
    if total:
        activities_text = _("Activities done: %(share)s.") % {"share": share_text(done, total)}
    else:
        activities_text = _("No activities are followed up in this period.")
    return Summary(
        lead=_lead(attention, overdue),
        indicators_text=_indicators_text(totals),
        activities_text=activities_text,
        goals_text=_goals_text(counts, len(goals)),
        assessment_counts=counts,
        attention=tuple(attention),
        overdue=tuple(overdue),
        analyses=tuple(analyses),
        rollups=rollups,
    )


# --- The roll-ups ---------------------------------------------------------------------------------

# How many plans down the governance chain a goal's roll-up reaches (plans of plans of plans).
CASCADE_DEPTH = 3
COLOURED = frozenset({Colour.GREEN, Colour.YELLOW, Colour.RED})


def _rollup(
    kind: str,
    label: str,
    meanings: Iterable[str],
    colours: Iterable[Colour],
    anchor: str = "",
) -> RollUp:
    """The counts in words: "9 of 14 goals fulfilled", "2 of 3 indicators green; 1 without a
    colour" (the indicators that no rule colours, or that have no value, are not counted as
    anything but themselves)."""
    meanings, colours = list(meanings), list(colours)
    fulfilled = sum(1 for meaning in meanings if meaning == Meaning.FULFILLED)
    green = sum(1 for colour in colours if colour == Colour.GREEN)
    coloured = sum(1 for colour in colours if colour in COLOURED)
    goals_text = ngettext(
        "%(count)s of %(total)s goal fulfilled",
        "%(count)s of %(total)s goals fulfilled",
        len(meanings),
    ) % {"count": fulfilled, "total": len(meanings)}
    indicators_text = ngettext(
        "%(count)s of %(total)s indicator green",
        "%(count)s of %(total)s indicators green",
        coloured,
    ) % {"count": green, "total": coloured}
    rest = len(colours) - coloured
    if rest:
        indicators_text += "; " + ngettext(
            "%(count)s without a colour or a value",
            "%(count)s without a colour or a value",
            rest,
        ) % {"count": rest}
    return RollUp(
        kind=kind,
        label=label,
        goals_fulfilled=fulfilled,
        goals_total=len(meanings),
        goals_text=goals_text,
        indicators_green=green,
        indicators_coloured=coloured,
        indicators_total=len(colours),
        indicators_text=indicators_text,
        anchor=anchor,
    )


def _perspective_rollups(
    goals: tuple[GoalSection, ...], perspectives: list[Perspective]
) -> list[RollUp]:
    """Per perspective of the organisation: its goals, and the indicators that have it (their
    own, else their goal's)."""
    rows = [row for goal in goals for row in goal.indicators]
    if not any(goal.perspective_id for goal in goals) and not any(r.perspective_id for r in rows):
        return []
    found = []
    for perspective in perspectives:
        mine = [goal for goal in goals if goal.perspective_id == perspective.pk]
        indicators = [row for row in rows if row.perspective_id == perspective.pk]
        if mine or indicators:
            found.append(
                _rollup(
                    "perspective",
                    perspective.name,
                    (goal.assessment_meaning for goal in mine),
                    (row.colour for row in indicators),
                    f"perspective-{perspective.pk}",
                )
            )
    return found


def _lower_goals(goal_ids: list[int]) -> tuple[list[Goal], dict[int, int]]:
    """The goals of decided lower plans that contribute to the goals, directly or through the
    goals in between (up to CASCADE_DEPTH plans down), and the top goal each one serves.
    A query per level."""
    top_of: dict[int, int] = {}
    frontier = {pk: pk for pk in goal_ids}
    found: list[Goal] = []
    for _level in range(CASCADE_DEPTH):
        below = list(
            Goal.objects.filter(
                contributes_to_id__in=list(frontier), plan__status__in=CONTRIBUTING_STATUSES
            )
            .exclude(pk__in=[*top_of, *goal_ids])
            .select_related("plan__organisation")
        )
        if not below:
            break
        above, frontier = frontier, {}
        for goal in below:
            top_of[goal.pk] = frontier[goal.pk] = above[goal.contributes_to_id]
            found.append(goal)
    return found, top_of


def _lower_colours(goals: list[Goal], period: FollowUpPeriod) -> dict[int, list[Colour]]:
    """The colours of the lower goals' indicators in the period's year: each indicator's latest
    whole-plan value of the year up to the period, coloured by its target (with its baseline
    and reference). Three queries."""
    indicators = list(
        Indicator.objects.filter(goal__in=goals).select_related(
            "goal__plan__organisation", "baseline_period"
        )
    )
    if not indicators:
        return {}
    measured: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in Measurement.objects.filter(
        indicator__in=indicators,
        unit__isnull=True,
        gender=Gender.TOTAL,
        period__ends_on__lte=period.ends_on,
    ).select_related("period"):
        measured[measurement.indicator_id].append(measurement)
    references: dict[int, list[ReferenceValue]] = defaultdict(list)
    for reference in ReferenceValue.objects.filter(
        indicator__in=indicators, year__lte=period.year, gender=Gender.TOTAL
    ):
        references[reference.indicator_id].append(reference)
    colours: dict[int, list[Colour]] = defaultdict(list)
    for indicator in indicators:
        mine = measured[indicator.pk]
        this_year = [
            m
            for m in mine
            if m.period.year == period.year and m.period.starts_on <= period.starts_on
        ]
        latest = max(this_year, key=lambda m: m.period.starts_on, default=None)
        value = latest.value if latest is not None else None
        basis = basis_of(
            indicator,
            year=period.year,
            measured={m.period_id: m.value for m in mine},
            references=references[indicator.pk],
        )
        colours[indicator.goal_id].append(indicator.colour_of(value, basis))
    return colours


def _lower_meanings(goals: list[Goal], period: FollowUpPeriod) -> dict[int, str]:
    """What each lower goal's latest assessment of the period's year means (by its own
    organisation's scale). Two queries."""
    follow_ups: dict[int, GoalFollowUp] = {}
    for follow_up in (
        GoalFollowUp.objects.filter(
            goal__in=goals,
            period__year=period.year,
            period__starts_on__lte=period.starts_on,
        )
        .select_related("period")
        .order_by("period__starts_on")
    ):
        if follow_up.assessment:
            follow_ups[follow_up.goal_id] = follow_up
    organisations = {goal.plan.organisation_id for goal in goals}
    stored: dict[int, dict[str, str]] = defaultdict(dict)
    for level in AssessmentLevel.objects.filter(organisation_id__in=organisations):
        stored[level.organisation_id][level.key] = level.meaning
    defaults = {level.key: level.meaning for level in default_levels()}
    meanings = {}
    for goal in goals:
        follow_up = follow_ups.get(goal.pk)
        scale = stored.get(goal.plan.organisation_id) or defaults
        meanings[goal.pk] = scale.get(follow_up.assessment, "") if follow_up else ""
    return meanings


def _cascade_rollups(goals: tuple[GoalSection, ...], period: FollowUpPeriod) -> list[RollUp]:
    """Per goal of the plan with goals of lower plans contributing to it (at any depth of the
    cascade): how many of those are fulfilled, and how many of their indicators are green."""
    lower, top_of = _lower_goals([goal.pk for goal in goals])
    if not lower:
        return []
    meanings = _lower_meanings(lower, period)
    colours = _lower_colours(lower, period)
    found = []
    for goal in goals:
        serving = [found_goal for found_goal in lower if top_of[found_goal.pk] == goal.pk]
        if not serving:
            continue
        label = _("Goal %(number)s: the goals of lower plans that contribute to it") % {
            "number": goal.numbering or goal.number
        }
        found.append(
            _rollup(
                "cascade",
                label,
                (meanings[item.pk] for item in serving),
                (colour for item in serving for colour in colours.get(item.pk, [])),
                goal.anchor,
            )
        )
    return found


def report_rollups(
    plan: Plan,
    period: FollowUpPeriod,
    goals: tuple[GoalSection, ...],
    perspectives: list[Perspective],
    *,
    cascade: bool = True,
) -> tuple[RollUp, ...]:
    """The roll-ups of the report's summary: the whole plan, each perspective (when the plan
    uses them), and each goal that lower plans' goals contribute to (with `cascade`: when any
    does). A fixed number of queries (one per level of the cascade and six more), whatever the
    size of the plans."""
    rows = [row for goal in goals for row in goal.indicators]
    whole = _rollup(
        "plan",
        _("The whole plan"),
        (goal.assessment_meaning for goal in goals),
        (row.colour for row in rows),
        f"plan-{plan.pk}",
    )
    below = _cascade_rollups(goals, period) if cascade else []
    return (whole, *_perspective_rollups(goals, perspectives), *below)
