"""The plan page's rows of indicators and activities, and the "Up" and "Down" of its goals and
rows, from their Jinja2 template (`authoring/structure_rows.html`, see core/jinja.py): the same
HTML as Django's template language would write, in a fifth of the time."""

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString

from core.jinja import rendered

register = template.Library()


def _macros() -> Any:
    return engines["jinja2"].env.get_template("authoring/structure_rows.html").module


@register.simple_tag(takes_context=True)
def item_rows(context: template.Context, kind: str, items: list) -> SafeString:
    """Every row of a goal's `kind` ("indicator" or "activity"), the first and the last
    without their step up or down."""
    return rendered(_macros().rows(kind, items, bool(context.get("can_edit"))))


@register.simple_tag(takes_context=True)
def item_row(
    context: template.Context, kind: str, item: Any, first: bool, last: bool, oob: bool
) -> SafeString:
    """One row of `kind` (`oob`: replacing its row wherever it is in the list)."""
    can_edit = bool(context.get("can_edit"))
    return rendered(_macros().rows(kind, [item], can_edit, ends=(first, last), oob=oob))


@register.simple_tag
def place_buttons(action: str, name: str, first: bool, last: bool) -> SafeString:
    """A goal's or a row's "Up" (unless `first`) and "Down" (unless `last`)."""
    return rendered(_macros().place_buttons(action, name, first, last))
