"""Template tags of the report pages and the PDF."""

from collections.abc import Callable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.jinja import macro
from reports.charts import indicator_chart
from reports.selectors import ActivityRow, IndicatorRow

register = template.Library()


@register.simple_tag
def report_chart(row: IndicatorRow, prefix: str) -> SafeString:
    """An indicator's history chart as inline SVG (see `reports.charts`)."""
    return indicator_chart(row, f"{prefix}-{row.pk}")


@register.filter
def bounds_together(text: str) -> str:
    """A band text with each operator kept on the line of its number ("≥ 70 och < 80" breaks
    only between its two sides)."""
    for operator in ("≥", "≤", "<", ">"):
        text = text.replace(f"{operator} ", f"{operator}\u00a0")
    return text


# --- The long lists, from their Jinja2 templates (core.jinja.macro) -----------------------------


REPORT_ROWS = "reports/includes/report_rows.html"
OVERVIEW_ROWS = "reports/includes/overview_rows.html"


@register.simple_tag
def indicator_rows(rows: tuple[IndicatorRow, ...]) -> SafeString:
    """The rows of a goal's table of indicators."""
    return macro(REPORT_ROWS, "indicator_rows", rows, bounds_together)


@register.simple_tag
def indicator_figures(rows: tuple[IndicatorRow, ...], prefix: str) -> SafeString:
    """Each indicator's chart with its caption, or the words saying why it has none."""
    return macro(REPORT_ROWS, "figures", rows, report_chart, prefix)


@register.simple_tag
def activity_rows(activities: tuple[ActivityRow, ...]) -> SafeString:
    """The rows of a goal's table of activities."""
    return macro(REPORT_ROWS, "activity_rows", activities)


@register.simple_tag(takes_context=True)
def attention_items(context: template.Context, items: tuple) -> SafeString:
    """The summary's indicators that need attention, each linked to its goal."""
    return macro(REPORT_ROWS, "attention", items, _goal_links(context))


@register.simple_tag(takes_context=True)
def overdue_items(context: template.Context, activities: tuple) -> SafeString:
    """The summary's overdue activities, each linked to its goal."""
    return macro(REPORT_ROWS, "overdue", activities, _goal_links(context))


def _goal_links(context: template.Context) -> Callable[[int], str]:
    pages = context.get("pages")
    return lambda number: goal_link(number, pages)


@register.simple_tag
def overview_indicator_rows(rows: tuple[IndicatorRow, ...]) -> SafeString:
    """The rows of a goal's table of indicators in the committee's overview."""
    return macro(OVERVIEW_ROWS, "indicator_rows", rows)


@register.simple_tag
def overview_activities(activities: tuple[ActivityRow, ...]) -> SafeString:
    """The items of a goal's list of activities in the committee's overview."""
    return macro(OVERVIEW_ROWS, "activities", activities)


@register.simple_tag(takes_context=True)
def overview_attention(context: template.Context, items: tuple) -> SafeString:
    """The overview's indicators that need attention, each linked to its goal."""
    return macro(OVERVIEW_ROWS, "attention", items, _goal_links(context))


@register.simple_tag
def overview_overdue(activities: tuple) -> SafeString:
    """The overview's overdue activities."""
    return macro(OVERVIEW_ROWS, "overdue", activities)


@register.filter
def heading_level(base: int, offset: int) -> int:
    """A heading level below `base`: {{ level|heading_level:1 }} is the next level down."""
    return min(int(base) + int(offset), 6)


# --- The reporting page ---------------------------------------------------------------------------


def _rows(block) -> list:
    """The rows a reporting page's block (a period's, a plan's or a goal's) asks the user for."""
    if hasattr(block, "activity_rows"):
        return [*block.activity_rows, *block.indicator_rows]
    return [*block.activities, *block.indicators]


def _reported(row) -> bool:
    return row.is_reported if hasattr(row, "is_reported") else row.is_entered


@register.filter
def rows_left(block) -> int:
    """How many of the block's rows the user may write and has not reported yet."""
    return sum(1 for row in _rows(block) if row.can_write and not _reported(row))


@register.filter
def all_reported(block) -> bool:
    """Whether nothing is left to report in the block (it is hidden by the filter then)."""
    return rows_left(block) == 0


@register.filter
def count_span(count: int, name: str) -> SafeString:
    """A count the reporting page updates as rows are saved: <span data-count="name">3</span>."""
    return format_html('<span data-count="{}">{}</span>', name, count)


@register.filter
def goal_link(number: int, pages) -> str:
    """The query of the page that shows goal `number` of a report read a goal at a time
    (`reports.selectors.paging.GoalPage`), "" where its section is on this page (and in the
    PDF, which has no pages of goals): put before the goal's "#anchor"."""
    return pages.link(number) if pages else ""
