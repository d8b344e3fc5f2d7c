"""The unit manager's reporting page: activities and indicator values of the open periods.

Every row is a form of its own. With htmx, a post answers with the row alone (a template
partial) and the page is not reloaded; without JavaScript, a post redirects back to the page
(or shows the page again with the row's errors).

A large operation reports thousands of rows, so the page shows one open period at a time, a
page of its rows at a time (`?page=`, `?size=`), optionally of one goal (`?goal=`) and only what
is left to report (`?unreported=1`); the progress and the goals' jump links count every row
(see `reports.selectors.reporting`). An activity's row is rendered from plain data
(`ActivityFields`), the same markup its form gives: a form object is built only for the row
being posted.

The modules: `rows` (a row's form and fields), `page` (the page and its links), `saving` (the
posts that save a row, and the band preview).
"""

from reports.views.reporting.page import (
    _listing,
    _navigation,
    _number,
    _page,
    _query,
    reporting,
)
from reports.views.reporting.rows import (
    PAGE,
    ActivityFields,
    IndicatorFields,
    _activity_fields,
    _activity_form,
    _help_text,
    _indicator_fields,
    _measurement_form,
    _person,
    _preview_url,
    _when,
)
from reports.views.reporting.saving import (
    _answer,
    _back_to,
    _closed_notice,
    activity_status,
    band_preview,
    login_required_htmx,
    measurement,
)

__all__ = [
    "PAGE",
    "ActivityFields",
    "IndicatorFields",
    "_activity_fields",
    "_activity_form",
    "_answer",
    "_back_to",
    "_closed_notice",
    "_help_text",
    "_indicator_fields",
    "_listing",
    "_measurement_form",
    "_navigation",
    "_number",
    "_page",
    "_person",
    "_preview_url",
    "_query",
    "_when",
    "activity_status",
    "band_preview",
    "login_required_htmx",
    "measurement",
    "reporting",
]
