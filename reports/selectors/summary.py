"""What a committee member reads first, and what connects the plan to the plans below it.

`report_summary` turns the assembled goals into the report's first page: the roll-up counts in
words (indicators by colour, activities done, goals by assessment), the indicators that are red
or fell against the previous value, the overdue activities and the written analyses.
`contributions` finds the lower plans' goals that contribute to each goal of a plan
(`goals.Goal.contributes_to`) with their activities' progress in the period.
`perspectives` gives the plan's cross-cutting perspectives that it has written.
"""

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
from indicators.colour import Colour
from planning.models import FollowUpPeriod, Plan
from reports.selectors.data import (
    AssessmentCount,
    Attention,
    Change,
    ColourCount,
    Contribution,
    GoalAnalysis,
    GoalSection,
    OverdueActivity,
    Perspective,
    Summary,
)

# How much of a goal's analysis the summary quotes: its first paragraph, at most this long.
ANALYSIS_EXCERPT = 320
PERSPECTIVE_FIELDS = ("gender_equality", "child_rights", "sustainability")
# Lower plans whose goals count as contributing: those decided (or decided and archived).
CONTRIBUTING_STATUSES = (Plan.Status.DECIDED, Plan.Status.ARCHIVED)


# --- The plan's perspectives ----------------------------------------------------------------------


def perspectives(plan: Plan) -> tuple[Perspective, ...]:
    """The cross-cutting perspectives the plan addresses, in the plan's order; empty ones left
    out."""
    found = []
    for name in PERSPECTIVE_FIELDS:
        text = (getattr(plan, name) or "").strip()
        if text:
            label = capfirst(str(Plan._meta.get_field(name).verbose_name))
            found.append(Perspective(name, label, text))
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
            goal_anchor=goal.anchor,
            title=activity.title,
            timing=activity.timing,
            status_label=activity.status_label,
            comment=activity.comment,
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
        goal_title=goal.title,
        goal_anchor=goal.anchor,
        assessment=goal.assessment,
        assessment_label=goal.assessment_label,
        text=text,
        is_shortened=shortened,
    )


def assessment_counts(goals: tuple[GoalSection, ...]) -> tuple[AssessmentCount, ...]:
    """How many goals have each assessment, in the scale's order, "not assessed" last; zeros
    left out."""
    counted: dict[str, int] = defaultdict(int)
    for goal in goals:
        counted[goal.assessment] += 1
    found = [
        AssessmentCount(value, str(label), counted[value])
        for value, label in GoalFollowUp.Assessment.choices
        if counted[value]
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
    goals: tuple[GoalSection, ...], totals: tuple[ColourCount, ...], done: int, total: int
) -> Summary:
    """The summary of the assembled goals: counts in words, attention, overdue, analyses."""
    attention = [found for goal in goals for found in _attention(goal)]
    overdue = [found for goal in goals for found in _overdue(goal)]
    analyses = [found for goal in goals if (found := _analysis(goal)) is not None]
    counts = assessment_counts(goals)
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
    )
