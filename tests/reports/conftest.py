"""Fixtures of the report tests: the seed 002 demo, one user per role, a lower plan, and
reading PDFs back."""

import datetime
import io
import logging
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from goals.evaluation import months
from goals.services import activity_create, activity_status_set, goal_create, goal_follow_up_save
from indicators.services import measurement_record
from planning.models import FollowUpPeriod, Plan, Role
from planning.services import (
    membership_grant,
    organisation_create,
    plan_create,
    plan_set_status,
    unit_create,
)
from tests.deadlines import month_end

# --- the seed 002 demo ----------------------------------------------------------------------------


def _demo_plan() -> Plan:
    return Plan.objects.select_related("organisation", "owner_unit").get(
        name="Verksamhetsplan Omsorg 2023"
    )


@pytest.fixture
def demo(db):
    """Seed 002 (Sorsele, Verksamhetsplan Omsorg 2023) with its T1 and T2 follow-up."""
    call_command("load_demo", stdout=io.StringIO())
    return _demo_plan()


@pytest.fixture(scope="module")
def _demo_of_the_module(django_db_setup, django_db_blocker):
    """The demo loaded once for a module's tests, in a transaction rolled back when the
    module ends; each test runs, and is rolled back, in a savepoint inside it."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo_of_the_module(_demo_of_the_module, db):
    """`demo` for a module whose tests only read it or change it in their own savepoint: the
    module's tests share one load (no live server, no `transactional_db` in the module)."""
    return _demo_plan()


def demo_period(kind: str) -> FollowUpPeriod:
    return FollowUpPeriod.objects.get(organisation__name="Sorsele kommun", year=2023, kind=kind)


# --- one user per role on the shared fixture organisation ----------------------------------------


def _user(django_user_model, username: str, **names):
    return django_user_model.objects.create_user(username, password="pw", **names)


@pytest.fixture
def committee_member(django_user_model, organisation, units):
    user = _user(django_user_model, "ledamot", first_name="Karin", last_name="Öberg")
    membership_grant(
        user=user,
        organisation=organisation,
        unit=units["committee"],
        role=Role.COMMITTEE_MEMBER,
        actor=None,
    )
    return user


@pytest.fixture
def unit_manager(django_user_model, organisation, units):
    user = _user(django_user_model, "enhetschef", first_name="Erik", last_name="Nilsson")
    membership_grant(
        user=user,
        organisation=organisation,
        unit=units["unit_a"],
        role=Role.UNIT_MANAGER,
        actor=None,
    )
    return user


@pytest.fixture
def planner(django_user_model, organisation, units):
    user = _user(django_user_model, "planerare", first_name="Anna", last_name="Lindqvist")
    membership_grant(
        user=user, organisation=organisation, unit=units["operation"], role=Role.PLANNER, actor=None
    )
    return user


@pytest.fixture
def administrator(django_user_model, organisation):
    """An administrator of the whole organisation (not a superuser)."""
    user = _user(django_user_model, "administrator")
    membership_grant(user=user, organisation=organisation, role=Role.ADMINISTRATOR, actor=None)
    return user


@pytest.fixture
def outsider(django_user_model, db):
    """A planner of another municipality: no role anywhere near the plan."""
    user = _user(django_user_model, "utomstaende")
    other = organisation_create(name="Annan kommun", actor=None)
    unit = unit_create(organisation=other, name="Socialnämnden", kind="committee", actor=None)
    membership_grant(user=user, organisation=other, unit=unit, role=Role.PLANNER, actor=None)
    return user


@pytest.fixture
def users(committee_member, unit_manager, planner, administrator, outsider):
    return {
        "committee_member": committee_member,
        "unit_manager": unit_manager,
        "planner": planner,
        "administrator": administrator,
        "outsider": outsider,
    }


# --- a small plan with follow-up data ------------------------------------------------------------


@pytest.fixture
def followed_up(plan, periods, goal, indicator, activity, units):
    """The fixture plan with a T1 value, an activity status and an analysis."""
    t1 = periods[0]
    measurement_record(indicator=indicator, period=t1, value=Decimal("76"), actor=None)
    activity_status_set(
        activity=activity, period=t1, status="in_progress", comment="Två av fem klara", actor=None
    )
    goal_follow_up_save(
        goal=goal, period=t1, assessment="uncertain", analysis="Arbetet går framåt.", actor=None
    )
    return plan


@pytest.fixture
def lower_plan(plan, goal, organisation, units, periods):
    """A decided activity plan of Hemtjänst below the plan; its goal 1 serves the plan's goal."""
    lower = plan_create(
        organisation=organisation,
        owner_unit=units["unit_a"],
        parent=plan,
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan Hemtjänst 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    serving = goal_create(
        plan=lower, number=1, title="Trygg hemtjänst", contributes_to=goal, actor=None
    )
    first, second = (
        activity_create(
            goal=serving,
            title=title,
            due_on=month_end(3),
            evaluated_months=months(4, 12),
            actor=None,
        )
        for title in ("Nyckelfri hemtjänst", "Fast omsorgskontakt")
    )
    activity_status_set(activity=first, period=periods[0], status="done", actor=None)
    activity_status_set(activity=second, period=periods[0], status="in_progress", actor=None)
    plan_set_status(
        plan=lower,
        status="decided",
        decision_date=datetime.date(2023, 1, 10),
        expected_version=None,
        actor=None,
    )
    # A draft below the plan does not count yet.
    draft = plan_create(
        organisation=organisation,
        owner_unit=units["unit_b"],
        parent=plan,
        kind=Plan.Kind.ACTIVITY_PLAN,
        name="Aktivitetsplan IFO 2023 (utkast)",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    goal_create(plan=draft, number=1, title="Kortare väntetider", contributes_to=goal, actor=None)
    return lower


# --- reading PDFs back ----------------------------------------------------------------------------


def _pdftotext(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (bin/test does)")
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


# The hyphen WeasyPrint adds where it hyphenates a word at the end of a line (U+2010, never
# typed by users, who write "-"): the word is whole again without it.
HYPHENATION = "\u2010"


def squash(text: str) -> str:
    """Text as one line, comparable whatever the line breaks: whitespace collapsed, none after
    a hyphen (a line may break after "e-" in "e-tjänsten"), a word hyphenated at a line's end
    joined again, dot leaders reduced to a space.

    Apply it to expected text too: `squash(title) in pdf_text(content)`.
    """
    text = re.sub(HYPHENATION + r"\s+", "", text)
    text = re.sub(r"(?:\s*\.){3,}", " ", text)
    text = " ".join(text.split())
    return re.sub(r"-\s+", "-", text)


def pdf_text(content: bytes) -> str:
    """The PDF's text in drawing order (pdftotext -raw), squashed to one line.

    Drawing order keeps a table cell's lines together, so long titles read as written.
    """
    return squash(_pdftotext(content))


def page_texts(content: bytes) -> list[str]:
    """The squashed text of every page (pdftotext ends each page with a form feed)."""
    return [squash(page) for page in _pdftotext(content).split("\f")[:-1]]


@pytest.fixture
def weasyprint_log(caplog):
    """WeasyPrint's warnings and errors while the test runs (it logs, it does not raise)."""
    caplog.set_level(logging.WARNING, logger="weasyprint")

    def records(level: int = logging.WARNING) -> list[logging.LogRecord]:
        return [
            record
            for record in caplog.records
            if record.name.startswith("weasyprint") and record.levelno >= level
        ]

    return records
