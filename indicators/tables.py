"""Tables of the planner's indicator pages (django-tables2)."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from indicators.colour import Colour, format_value
from indicators.models import Indicator
from planning.tables import TABLE_ATTRS, TABLE_TEMPLATE


def colour_html(colour: str) -> str:
    """A colour with its icon and its word, never the colour alone."""
    colour = Colour(colour)
    return format_html('<span class="colour colour--{}">{}</span>', colour.value, colour.label)


def bands_html(indicator: Indicator) -> str:
    """The bands as text, each with its colour's icon and word."""
    items = format_html_join(
        "",
        '<li>{} <span class="bands__text">{}</span></li>',
        ((colour_html(colour), text) for colour, text in indicator.band_texts().items()),
    )
    return format_html('<ul class="bands">{}</ul>', items)


def target_text(indicator: Indicator) -> str:
    if indicator.target_text:
        return indicator.target_text
    if indicator.target_value is not None:
        return format_value(indicator.target_value, indicator.decimals)
    return ""


class IndicatorTable(tables.Table):
    caption = _("Indicators")

    name = tables.Column(verbose_name=_("Indicator"))
    goal = tables.Column(verbose_name=_("Goal"), order_by=("goal__number", "position", "pk"))
    scope = tables.Column(verbose_name=_("Scope"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit_text", orderable=False)
    target = tables.Column(verbose_name=_("Target"), empty_values=(), orderable=False)
    bands = tables.Column(verbose_name=_("Bands"), empty_values=(), orderable=False)
    latest_value = tables.Column(verbose_name=_("Latest value"))
    latest_colour = tables.Column(verbose_name=_("Colour"), order_by=("colour_rank", "pk"))
    actions = tables.TemplateColumn(
        template_name="indicators/includes/indicator_actions.html",
        verbose_name=_("Actions"),
        orderable=False,
        empty_values=(),
    )

    class Meta:
        model = Indicator
        fields = (
            "name",
            "goal",
            "scope",
            "unit",
            "target",
            "bands",
            "latest_value",
            "latest_colour",
            "actions",
        )
        template_name = TABLE_TEMPLATE
        attrs = TABLE_ATTRS
        empty_text = _("No indicators match the filter.")

    def render_goal(self, value) -> str:
        return str(value)

    def render_target(self, record: Indicator) -> str:
        return target_text(record)

    def render_bands(self, record: Indicator) -> str:
        return bands_html(record)

    def render_latest_value(self, value, record: Indicator) -> str:
        return format_html(
            '{} {} <span class="period-label">({} {})</span>',
            format_value(value, record.decimals),
            record.unit_text,
            record.latest_period_kind,
            record.latest_period_year,
        )

    def render_latest_colour(self, value: str) -> str:
        return colour_html(value)
