"""Fixtures of the import and export tests: their periods are open for reporting (an import,
like the reporting page, writes no statuses or values into a closed period), and uploaded files
wait in a folder of the test's own."""

import pytest

from planning.services import period_set_open, periods_ensure_year


@pytest.fixture
def periods(organisation):
    """T1, T2 and T3 of 2023, open for reporting."""
    found = periods_ensure_year(organisation=organisation, year=2023, actor=None)
    return [period_set_open(period=period, is_open=True, actor=None) for period in found]


@pytest.fixture(autouse=True)
def _pending_dir(settings, tmp_path):
    settings.IMPORT_PENDING_DIR = tmp_path / "imports"
