"""An activity's deadline is a day or a whole month of the plan's years (`due_on`, stored as
the month's last day for a month), written in the user's language; an activity whose deadline
has passed and whose latest status is not done is overdue, and the planner's list shows it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from goals.forms import ActivityForm
from goals.models import Activity
from goals.selectors import plan_activities, plan_goals, plan_people, plan_units
from goals.services import activity_add, activity_create, activity_status_set
from planning.models import scheme_rows
from tests.deadlines import month_end

pytest_plugins = ["tests.planner_roles"]


def today_is(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


# --- The deadline: a day or a month ---------------------------------------------------------------


def test_a_month_deadline_is_its_last_day_and_reads_as_the_month(goal):
    activity = activity_create(goal=goal, title="Klar i maj", due_on=month_end(5), actor=None)
    assert (activity.due_on, activity.due_precision) == (datetime.date(2023, 5, 31), "month")
    with translation.override("sv"):
        assert activity.timing_label == "maj 2023"
    with translation.override("en"):
        assert activity.timing_label == "May 2023"


def test_a_day_deadline_reads_as_the_day(goal):
    activity = activity_create(
        goal=goal,
        title="Klar den 15 maj",
        due_on=datetime.date(2023, 5, 15),
        due_precision="day",
        actor=None,
    )
    with translation.override("sv"):
        assert activity.timing_label == "15 maj 2023"
    with translation.override("en"):
        assert activity.timing_label == "May 15, 2023"


def test_a_month_deadline_that_is_not_the_last_day_is_refused(goal, english):
    with pytest.raises(ValidationError, match="stored as the month's last day"):
        activity_create(goal=goal, title="Fel", due_on=datetime.date(2023, 5, 15), actor=None)


def test_a_deadline_outside_the_plans_years_names_the_years(goal, english):
    with pytest.raises(ValidationError) as refused:
        activity_create(goal=goal, title="För sent", due_on=month_end(5, 2024), actor=None)
    assert refused.value.message_dict["due_on"] == [
        "The deadline must fall within the plan's years (2023)."
    ]


def test_due_by_a_period_compares_dates(goal, periods):
    on_the_last_day_of_t1 = activity_create(
        goal=goal, title="30 april", due_on=datetime.date(2023, 4, 30), due_precision="day",
        actor=None,
    )  # fmt: skip
    assert [on_the_last_day_of_t1.is_due_by(p) for p in periods] == [True, True, True]
    early_may = activity_create(
        goal=goal, title="2 maj", due_on=datetime.date(2023, 5, 2), due_precision="day",
        actor=None,
    )  # fmt: skip
    assert [early_may.is_due_by(p) for p in periods] == [False, True, True]


# --- The full form: a month and an optional day ---------------------------------------------------


def form_for(plan, **data):
    posted = {
        "goal": str(plan_goals(plan).first().pk),
        "title": "Vi inför nattpatrull",
        "evaluated_months": ["12"],
        **data,
    }
    return ActivityForm(
        posted,
        goals=plan_goals(plan),
        units=plan_units(plan),
        people=plan_people(plan),
        scheme=scheme_rows(plan.organisation),
    )


@pytest.mark.parametrize(
    ("data", "due_on", "precision"),
    [
        ({"due_on": "2023-05"}, datetime.date(2023, 5, 31), "month"),
        ({"due_on": "2023-05", "due_day": "15"}, datetime.date(2023, 5, 15), "day"),
        ({"due_on": "maj 2023"}, datetime.date(2023, 5, 31), "month"),  # no month input: text
        ({"due_on": "15 maj 2023"}, datetime.date(2023, 5, 15), "day"),
        ({"due_on": "mai"}, datetime.date(2023, 5, 31), "month"),  # the plan's first year
        ({"ongoing": "on", "due_on": "2023-05"}, None, "month"),  # ongoing: no deadline
    ],
)
def test_the_form_takes_a_month_and_an_optional_day(plan, goal, data, due_on, precision):
    form = form_for(plan, **data)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["due_on"], form.cleaned_data["due_precision"]) == (due_on, precision)
    assert "due_day" not in form.cleaned_data


def test_the_form_refuses_a_day_the_month_lacks_and_a_deadline_outside_the_plan(
    plan, goal, english
):
    form = form_for(plan, due_on="2023-02", due_day="30")
    assert not form.is_valid()
    assert form.errors["due_day"] == ["The month has no such day."]
    form = form_for(plan, due_on="2024-02")
    assert not form.is_valid()
    assert "The deadline must fall within the plan's years (2023)." in form.errors["due_on"]


def test_the_form_shows_a_stored_day_as_its_month_and_day(plan, goal):
    activity = activity_create(
        goal=goal, title="Dag", due_on=datetime.date(2023, 5, 15), due_precision="day", actor=None
    )
    form = ActivityForm(
        instance=activity,
        goals=plan_goals(plan),
        units=plan_units(plan),
        people=plan_people(plan),
        scheme=scheme_rows(plan.organisation),
    )
    assert (form["due_on"].value(), form["due_day"].value()) == ("2023-05", 15)
    assert 'type="month"' in str(form["due_on"])


# --- Overdue --------------------------------------------------------------------------------------


@pytest.fixture
def deadlines(goal, periods):
    """March (in progress in T1), a May day (done in T2), June (never reported), ongoing."""
    t1, t2, _t3 = periods
    march = activity_add(goal=goal, title="Mars", due_on=month_end(3), actor=None)
    activity_status_set(activity=march, period=t1, status="in_progress", actor=None)
    may = activity_add(
        goal=goal, title="15 maj", due_on=datetime.date(2023, 5, 15), due_precision="day",
        actor=None,
    )  # fmt: skip
    activity_status_set(activity=may, period=t1, status="delayed", actor=None)
    activity_status_set(activity=may, period=t2, status="done", actor=None)
    june = activity_add(goal=goal, title="Juni", due_on=month_end(6), actor=None)
    ongoing = activity_add(goal=goal, title="Löpande", ongoing=True, actor=None)
    return march, may, june, ongoing


def overdue_titles(plan) -> list[str]:
    return [activity.title for activity in plan_activities(plan) if activity.overdue]


def test_overdue_after_the_deadline_unless_done_or_ongoing(monkeypatch, plan, deadlines):
    today_is(monkeypatch, datetime.date(2023, 6, 30))  # June's last day: June is not yet late
    assert overdue_titles(plan) == ["Mars"]
    today_is(monkeypatch, datetime.date(2023, 7, 1))
    assert overdue_titles(plan) == ["Mars", "Juni"]
    today_is(monkeypatch, datetime.date(2023, 3, 31))
    assert overdue_titles(plan) == []
    march = Activity.objects.get(title="Mars")
    assert march.is_overdue(datetime.date(2023, 4, 1), "in_progress")
    assert not march.is_overdue(datetime.date(2023, 4, 1), "done")
    assert not march.is_overdue(datetime.date(2023, 4, 1), "cancelled")


def test_a_cancelled_activity_is_not_overdue(monkeypatch, plan, deadlines, periods):
    today_is(monkeypatch, datetime.date(2023, 7, 1))
    june = Activity.objects.get(title="Juni")
    activity_status_set(activity=june, period=periods[1], status="cancelled", actor=None)
    assert overdue_titles(plan) == ["Mars"]


def test_the_planners_list_marks_overdue_and_filters_them(
    monkeypatch, en_client, people, plan, deadlines
):
    today_is(monkeypatch, datetime.date(2023, 7, 1))
    en_client.force_login(people.planner)
    url = reverse("goals:activity_list", args=[plan.pk])
    page = en_client.get(url).text
    assert "Overdue since March 31, 2023" in page
    assert "Overdue since June 30, 2023" in page
    assert page.count('data-fact="overdue"') == 2
    assert 'name="overdue"' in page  # the filter "Overdue only"
    overdue = en_client.get(url, {"overdue": "on"}).context["table"]
    assert [row.record.title for row in overdue.paginated_rows] == ["Mars", "Juni"]
    everything = en_client.get(url, {"overdue": ""}).context["table"]
    assert len(everything.paginated_rows) == 4


def test_the_plan_page_marks_overdue_activities(monkeypatch, en_client, people, plan, deadlines):
    today_is(monkeypatch, datetime.date(2023, 7, 1))
    en_client.force_login(people.planner)
    page = en_client.get(reverse("authoring:plan_structure", args=[plan.pk])).text
    assert "Overdue since March 31, 2023" in page
    assert "Overdue since June 30, 2023" in page
    assert page.count('data-fact="overdue"') == 2
