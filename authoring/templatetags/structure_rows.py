"""The plan page's rows of indicators and activities, and the "Up" and "Down" of its goals and
rows, from their Jinja2 template (`authoring/structure_rows.html`, see core/jinja.py): the same
HTML as Django's template language would write, in a fifth of the time."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from core.jinja import macro

register = template.Library()

ROWS = "authoring/structure_rows.html"


@register.simple_tag(takes_context=True)
def item_rows(context: template.Context, kind: str, items: list) -> SafeString:
    """Every row of a goal's `kind` ("indicator" or "activity"), the first and the last
    without their step up or down."""
    return macro(ROWS, "rows", kind, items, bool(context.get("can_edit")))


@register.simple_tag
def decided_rows(kind: str, items: list) -> SafeString:
    """Every row of a goal's `kind` as the plan's decided version shows it."""
    return macro(ROWS, "rows", kind, items, False, decided=True)


@register.simple_tag(takes_context=True)
def item_row(
    context: template.Context, kind: str, item: Any, first: bool, last: bool, oob: bool
) -> SafeString:
    """One row of `kind` (`oob`: replacing its row wherever it is in the list)."""
    can_edit = bool(context.get("can_edit"))
    return macro(ROWS, "rows", kind, [item], can_edit, ends=(first, last), oob=oob)


@register.simple_tag
def place_buttons(action: str, name: str, first: bool, last: bool) -> SafeString:
    """A goal's or a row's "Up" (unless `first`) and "Down" (unless `last`)."""
    return macro(ROWS, "place_buttons", action, name, first, last)
