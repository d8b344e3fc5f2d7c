"""Rules that close a plan's follow-up period to writes, made by apps that cannot ask each other.

The pages and the import must refuse the same writes. A period closed for reporting is the
period's own rule (`planning`'s `FollowUpPeriod.is_open`, which every app can read). Others
belong to an app that the writer may not import: a period whose report is published is frozen,
and `PublishedReport` lives in `reports`, a sibling of `transfer` in the layers. Such a rule is
written once, in its own app, as a callable `(plan, period) -> something true when locked`, and
named in settings (`PERIOD_WRITE_LOCKS`: reason -> dotted path), which the `config` layer above
every app writes, as it names `TASKS_RECONCILE` for the worker. A writer asks `period_lock` here,
in core, which every app may import, and says the reason in its own words.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _check(path: str):
    return import_string(path)


def period_lock(plan, period) -> str | None:
    """The reason (a key of PERIOD_WRITE_LOCKS) that closes `period` of `plan` to writes, or
    None when nothing does."""
    for reason, path in settings.PERIOD_WRITE_LOCKS.items():
        if _check(path)(plan, period):
            return reason
    return None
