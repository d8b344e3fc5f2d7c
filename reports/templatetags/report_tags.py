"""Template tags of the report pages and the PDF."""

from django import template
from django.utils.safestring import SafeString

from reports.charts import indicator_chart
from reports.selectors import IndicatorRow

register = template.Library()


@register.simple_tag
def report_chart(row: IndicatorRow, prefix: str) -> SafeString:
    """An indicator's history chart as inline SVG (see `reports.charts`)."""
    return indicator_chart(row, f"{prefix}-{row.pk}")


@register.filter
def heading_level(base: int, offset: int) -> int:
    """A heading level below `base`: {{ level|heading_level:1 }} is the next level down."""
    return min(int(base) + int(offset), 6)
