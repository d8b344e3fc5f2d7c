"""The report's summary: counts in words, what needs attention, overdue, analyses."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.colour import Colour
from planning.models import AssessmentLevel, default_levels
from reports.selectors.data import (
    AssessmentCount,
    Attention,
    Change,
    ColourCount,
    GoalAnalysis,
    GoalSection,
    OverdueActivity,
    RollUp,
    Summary,
)
from reports.selectors.summary.connections import share_text

# How much of a goal's analysis the summary quotes: its first paragraph, at most this long.
ANALYSIS_EXCERPT = 320


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
