"""A history's entries and their changes in words, from their Jinja2 template
(`includes/history_rows.html`, see core/jinja.py), for every page that tells a history."""

from django import template
from django.utils.safestring import SafeString

from core.history import FieldChange, HistoryEntry
from core.jinja import macro

register = template.Library()

ROWS = "includes/history_rows.html"


@register.simple_tag
def history_entries(entries: list[HistoryEntry], show: str = "") -> SafeString:
    """The entries as a list, newest first; `show`: "linked" names each one's object with a
    link to its own history, "named" by its name, "" not at all."""
    return macro(ROWS, "entries", entries, show)


@register.simple_tag
def history_changes(changes: list[FieldChange]) -> SafeString:
    """What one change record changed, field by field, old -> new (nothing for none)."""
    return macro(ROWS, "changes", changes)
