"""A history entry's words: when it happened, as the templates write it."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from core.history import HistoryEntry


@pytest.mark.parametrize(
    "when",
    [
        datetime.datetime(2026, 1, 29, 15, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 3, 8, 5, 9, 123456, tzinfo=datetime.UTC),
    ],
)
def test_when_for_a_time_element_is_what_the_date_filter_writes(when):
    entry = HistoryEntry(record=None, model_label="", object_label="", action="", who="", when=when)
    assert entry.when_iso == date_filter(timezone.localtime(when), "c")
    assert entry.when_iso.startswith(timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"))
