"""No page's number of SQL queries grows with the data: every page of `tests.site_map.CASES`,
asked by each role that may read it, makes as many queries for the plans of the site map's
world as for the same plans with 29 more goals, each with indicators, activities, values,
statuses and history. Nor does its number of failed template lookups (an attribute a row
lacks costs an exception and a `dir()` of the object, per row)."""

import logging
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.evaluation import months
from goals.services import activity_create, activity_status_set, goal_create
from indicators.services import indicator_create, measurement_record
from planning.services import (
    membership_grant,
    organisation_create,
    relation_add,
    unit_close,
    unit_create,
)
from tests import site_map
from tests.deadlines import month_end
from tests.site_map import readable_by, url_of

pytest_plugins = ["tests.planner_roles"]

MORE_GOALS = 29


world = site_map.world


def grow(world) -> None:
    """29 more goals in each plan, each with two indicators and two activities (one of
    Hemtjänst) and, in the decided plan, their T1 values and statuses."""
    for plan in (world.plan, world.decided):
        for number in range(MORE_GOALS):
            # goal_create does not check the lock: the decided plan grows too.
            goal = goal_create(plan=plan, number=10 + number, title=f"Mål {number}", actor=None)
            indicators = [
                indicator_create(
                    goal=goal,
                    name=f"Mått {number}{suffix}",
                    direction="higher",
                    green_bound=Decimal(80),
                    green_bound_inclusive=True,
                    red_bound=Decimal(70),
                    red_bound_inclusive=False,
                    actor=None,
                )
                for suffix in ("a", "b")
            ]
            activities = [
                activity_create(
                    goal=goal,
                    title=f"Aktivitet {number}{suffix}",
                    unit=unit,
                    due_on=month_end(4),
                    evaluated_months=months(4, 12),
                    actor=None,
                )
                for suffix, unit in (("a", world.units["unit_a"]), ("b", None))
            ]
            if plan == world.decided:
                for value, item in zip((65, 85), indicators, strict=True):
                    measurement_record(
                        indicator=item, period=world.t1, value=Decimal(value), actor=None
                    )
                for item in activities:
                    activity_status_set(
                        activity=item, period=world.t1, status="in_progress", actor=None
                    )


# A plan this large has its PDF made in the background instead (reports.views); the report it
# is made from is the HTML report page, counted here.
NOT_COUNTED = frozenset({"reports:pdf"})


# Lists whose first page is counted by its rows while it is not full (authoring.selectors.
# history): one query more once it is, and never more. The plan's changes (all of them, and
# those after its decision) with one goal are shorter than a page, with thirty goals longer.
COUNTED_WHEN_FULL = {"authoring:plan_history": 1, "authoring:plan_decided": 1}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


class _Lookups(logging.Handler):
    """Counts the variables a template failed to resolve (Django logs each at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.failed: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Exception while resolving variable"):
            self.failed.append(f"{record.args[0]} in {record.args[1]}")


@contextmanager
def failed_lookups():
    logger = logging.getLogger("django.template")
    handler, level, propagate = _Lookups(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # counted here, not printed with every context they name
    try:
        yield handler.failed
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def test_no_page_makes_more_queries_or_failed_lookups_for_more_goals(
    client, world, people, settings
):
    # One test for the three reading roles: the world is built once (it renders a PDF).
    # Every role's pages assembled in full: a report kept for the first role would spare the
    # others the queries counted here (tests/reports/test_kept_reports.py counts those).
    settings.ASSEMBLED_CACHE_SECONDS = 0

    def counts() -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
        queries, lookups = {}, {}
        for role in ("planner", "committee", "own_manager"):
            client.force_login(getattr(people, role))
            for case in readable_by(role, NOT_COUNTED):
                url = url_of(case, world)
                with failed_lookups() as failed:
                    queries[role, url] = count_queries(client, url)
                lookups[role, url] = len(failed)
                counted_when_full[url] = COUNTED_WHEN_FULL.get(case.name, 0)
        return queries, lookups

    counted_when_full: dict[str, int] = {}
    small, small_lookups = counts()
    grow(world)
    large, large_lookups = counts()
    grown = {
        key: (small[key], large[key])
        for key in small
        if large[key] != small[key] + counted_when_full[key[1]]
    }
    assert grown == {}, "queries (1 goal, 30 goals) of the pages that grew, by role"
    grown = {
        key: (small_lookups[key], large_lookups[key])
        for key in small_lookups
        if large_lookups[key] != small_lookups[key]
    }
    assert grown == {}, "failed template lookups (1 goal, 30 goals) of the pages that grew"


# --- Setting up an organisation: as many queries for a large tree and many people --------------

SETUP_PAGES = (
    "planning:organisation_list",
    "planning:organisation_settings",
    "planning:unit_list",
    "planning:unit_create",
    "planning:unit_import",
    "planning:unit_update",
    "planning:people",
    "planning:person_invite",
    "planning:person_detail",
    "planning:period_list",
    "planning:scheme",
)


def setup_urls(people, organisation, units) -> list[str]:
    args = {
        "planning:organisation_list": [],
        "planning:period_list": [],
        "planning:unit_update": [units["unit_a"].pk],
        "planning:person_detail": [organisation.pk, people.own_manager.pk],
    }
    return [reverse(name, args=args.get(name, [organisation.pk])) for name in SETUP_PAGES]


def test_setup_pages_make_as_many_queries_for_a_large_tree_and_many_people(
    client, people, organisation, units, django_user_model
):
    def counts() -> dict[tuple[str, str], int]:
        found = {}
        for role in ("administrator", "planner"):
            client.force_login(getattr(people, role))
            for url in setup_urls(people, organisation, units):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                if response.status_code == 200:
                    found[role, url] = len(queries)
        return found

    small = counts()
    for number in range(30):
        unit = unit_create(
            organisation=organisation,
            parent=units["operation"] if number % 2 else units["unit_a"],
            name=f"Enhet {number}",
            kind="unit",
            actor=None,
        )
        if number % 5 == 0:
            unit_close(unit=unit, actor=None)
            continue
        person = django_user_model.objects.create_user(f"person{number}", first_name="P")
        membership_grant(
            user=person, organisation=organisation, unit=unit, role="unit_manager", actor=None
        )
        membership_grant(
            user=people.own_manager, organisation=organisation, unit=unit, role="unit_manager",
            actor=None,
        )  # fmt: skip
        region = organisation_create(name=f"Region {number}", kind="region", actor=None)
        relation_add(organisation=organisation, related=region, actor=None)
        relation_add(organisation=region, related=organisation, actor=None)
    large = counts()
    # The planner: not the settings, the periods nor the scheme (the whole organisation's).
    assert len(small) == 2 * len(SETUP_PAGES) - 3
    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert grown == {}, "queries (small, large) of the pages that grew, by role"
