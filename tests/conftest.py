"""Shared fixtures: a small organisation with a unit tree, a plan and its periods."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.utils import translation

from goals.evaluation import months
from goals.services import activity_create, goal_create
from indicators.services import indicator_create
from planning.models import Plan, Unit
from planning.services import organisation_create, periods_ensure_year, plan_create, unit_create
from tests.browser import browser  # noqa: F401 (Chromium, a fixture of every test module)
from tests.deadlines import month_end

# Fixture modules that test modules also import from (`from tests.smtp import free_port`):
# registered before any test module imports them, so that their asserts are rewritten too.
pytest.register_assert_rewrite("tests.smtp")


def pytest_collection_modifyitems(items):
    # bin/test runs the browser tests on PostgreSQL only: they check pages, not databases.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _default_language():
    # A request through LocaleMiddleware leaves its language active in the thread.
    translation.activate("sv")
    yield
    translation.activate("sv")


@pytest.fixture(autouse=True)
def _nothing_kept_between_tests():
    # Each test's data is rolled back, and the data's stamp (core.datastamp) with it: a report
    # kept by one test could otherwise be found under the same stamp by the next.
    caches["assembled"].clear()
    caches["scopes"].clear()


@pytest.fixture
def without_change_triggers(transactional_db):
    """As `manage.py migrate` runs migrations (pre_migrate, post_migrate): no change triggers
    (`core.datastamp`) while a test migrates, every table watched again after. A trigger reads
    other tables (a status finds its plan through its activity), which SQLite rebuilds."""
    from django.db import connection

    from core.datastamp.triggers import unwatch_sources, watch_sources

    unwatch_sources(connection.alias)
    yield
    watch_sources(connection.alias)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db):
    return organisation_create(name="Testkommun", municipality_code="2422", actor=None)


@pytest.fixture
def units(organisation):
    """committee > administration > operation > (unit_a, unit_b)."""
    committee = unit_create(
        organisation=organisation, name="Kommunstyrelsen", kind=Unit.Kind.COMMITTEE, actor=None
    )
    administration = unit_create(
        organisation=organisation,
        name="Kommunförvaltningen",
        kind=Unit.Kind.ADMINISTRATION,
        parent=committee,
        actor=None,
    )
    operation = unit_create(
        organisation=organisation,
        name="Omsorgsverksamheten",
        kind=Unit.Kind.OPERATION,
        parent=administration,
        actor=None,
    )
    unit_a = unit_create(
        organisation=organisation,
        name="Hemtjänst",
        kind=Unit.Kind.UNIT,
        parent=operation,
        actor=None,
    )
    unit_b = unit_create(
        organisation=organisation, name="IFO", kind=Unit.Kind.UNIT, parent=operation, actor=None
    )
    return {
        "committee": committee,
        "administration": administration,
        "operation": operation,
        "unit_a": unit_a,
        "unit_b": unit_b,
    }


@pytest.fixture
def plan(organisation, units):
    return plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Omsorg 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )


@pytest.fixture
def periods(organisation):
    """T1, T2 and T3 of 2023."""
    return periods_ensure_year(organisation=organisation, year=2023, actor=None)


@pytest.fixture
def goal(plan):
    return goal_create(plan=plan, number=1, title="Nöjda och friska medarbetare", actor=None)


@pytest.fixture
def indicator(goal):
    """HME index: higher is better, green from 80, red below 70."""
    return indicator_create(
        goal=goal,
        name="HME-index",
        unit="index",
        direction="higher",
        green_bound=Decimal("80"),
        green_bound_inclusive=True,
        red_bound=Decimal("70"),
        red_bound_inclusive=False,
        target_value=Decimal("80"),
        actor=None,
    )


@pytest.fixture
def activity(goal):
    return activity_create(
        goal=goal,
        title="Vi utbildar medarbetare i MHFA",
        responsible_role="Alla chefer",
        due_on=month_end(6),
        evaluated_months=months(4),
        actor=None,
    )


@pytest.fixture
def other_plan(organisation, units):
    """A second plan of the organisation and year, with a goal, an indicator and an activity
    (`tests.follow_up.ENTERED` enters its follow-up)."""
    other = plan_create(
        organisation=organisation,
        owner_unit=units["operation"],
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan Kök 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    goal = goal_create(plan=other, number=1, title="God mat", actor=None)
    indicator_create(goal=goal, name="Nöjda gäster", unit="percent", direction="higher",
                     green_bound=Decimal("90"), actor=None)  # fmt: skip
    activity_create(goal=goal, title="Ny meny", due_on=month_end(6), evaluated_months=months(4),
                    actor=None)  # fmt: skip
    return other


@pytest.fixture
def english():
    """Messages in English, for tests that read them (the default language is Swedish)."""
    with translation.override("en"):
        yield
