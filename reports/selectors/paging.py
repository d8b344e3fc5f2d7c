"""A long report read in the browser a goal at a time.

The report's page and the committee's overview show every goal of a plan. A plan of hundreds
of activities makes that page megabytes long and seconds slow; above `REPORT_WEB_MAX_ROWS` rows
(indicators and activities) the two pages show the summary, a list of the goals and one goal,
the one asked for with `?goal=`. The PDF is always the whole report.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.http import urlencode

from core.paging import GoalSteps
from reports.selectors.data import GoalSection, Report


@dataclass(frozen=True)
class GoalPage(GoalSteps):
    """Which goals a report's web page shows: all of them, or (`paged`) one, `current`."""

    paged: bool
    # Every goal of the report, and those whose sections the page shows.
    goals: tuple[GoalSection, ...]
    shown: tuple[GoalSection, ...]
    current: GoalSection | None = None
    # The goal asked for (`?goal=`) is not one of the report's: the first is shown instead.
    unknown: bool = False
    # Each goal's page, by its number: "?lang=sv&goal=12" ("" for the goal shown, or when the
    # report is not paged: its section is on the page).
    links: dict[int, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(goal.indicators) + len(goal.activities) for goal in self.goals)

    def link(self, number: int) -> str:
        """The query that shows goal `number` ("" where its section is on this page)."""
        return self.links.get(number, "")


def row_count(report: Report) -> int:
    """The report's rows: its indicators and the activities it covers."""
    return report.indicator_count + report.activity_count


def goal_page_key(asked: str | None) -> str:
    """The goal asked for (`?goal=`) as the key of a page kept (`core.datastamp.kept`): a goal's
    id, or "?" for what every other answer shows alike (the first goal, said to be unknown);
    "" when none is asked for."""
    if not asked:
        return ""
    asked = asked.strip()
    return asked if asked.isdigit() and len(asked) < 19 else "?"


def goal_page(report: Report, asked: str | None, query: dict[str, str] | None = None) -> GoalPage:
    """The goals a report's web page shows. `asked` is `?goal=` (a goal's id), `query` the
    other parameters its links keep (language, grouping)."""
    goals = tuple(report.goals)
    if row_count(report) <= settings.REPORT_WEB_MAX_ROWS or not goals:
        return GoalPage(paged=False, goals=goals, shown=goals)
    by_pk = {str(goal.pk): goal for goal in goals}
    current = by_pk.get((asked or "").strip())
    unknown = bool(asked) and current is None
    current = current or goals[0]
    kept = {name: value for name, value in (query or {}).items() if value and name != "goal"}
    links = {
        goal.number: "?" + urlencode({**kept, "goal": goal.pk})
        for goal in goals
        if goal is not current
    }
    return GoalPage(
        paged=True, goals=goals, shown=(current,), current=current, unknown=unknown, links=links
    )
