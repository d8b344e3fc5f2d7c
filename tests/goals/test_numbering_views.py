"""Goals numbered as the document writes them, with their perspective and sub-goals, set on the
goal's page; activities and indicators put under a sub-goal of their goal, with who does the
work and who reports it. A sub-goal or perspective that does not fit is refused on its field."""

import pytest
from django.urls import reverse

from goals.models import Activity, Goal
from goals.services import goal_add, sub_goals_set
from indicators.models import Indicator
from planning.services import organisation_create, perspectives_save
from tests.goals.test_views import activity_data
from tests.indicators.test_views_planner import indicator_data

pytest_plugins = ["tests.planner_roles"]


@pytest.fixture
def perspectives(organisation):
    rows = [{"name": "Medborgare"}, {"name": "Medarbetare"}]
    return perspectives_save(organisation=organisation, rows=rows, actor=None)


@pytest.fixture
def sub_goals(goal):
    return sub_goals_set(
        goal=goal, sub_goals=[("A", "Fler i egen försörjning"), ("B", "Färre sjukskrivna")],
        actor=None,
    )  # fmt: skip


def goal_data(**changes):
    data = {"label": "", "title": "Nöjda medarbetare", "description": "",
            "scope": "operation_specific", "perspective": "", "sub_goals": "",
            "contributes_to": ""}  # fmt: skip
    data.update(changes)
    return data


def titles(goal) -> list[tuple[str, str]]:
    return list(goal.sub_goals.order_by("position").values_list("label", "title"))


def test_a_goal_is_added_with_its_numbering_perspective_and_sub_goals(
    en_client, people, plan, goal, perspectives
):
    en_client.force_login(people.planner)
    page = en_client.get(reverse("goals:goal_create", args=[plan.pk]))
    assert 'name="label"' in page.text and "Medarbetare</option>" in page.text
    data = goal_data(
        label="Mål 4",
        perspective=perspectives[1].pk,
        sub_goals="A: Fler i egen försörjning\n\n  B:   Färre   sjukskrivna\nUtan numrering\n",
    )
    response = en_client.post(reverse("goals:goal_create", args=[plan.pk]), data)
    assert response.status_code == 302
    added = Goal.objects.get(plan=plan, number=2)
    assert (added.numbering, added.perspective) == ("Mål 4", perspectives[1])
    assert str(added) == "Mål 4. Nöjda medarbetare"
    assert titles(added) == [
        ("A", "Fler i egen försörjning"),
        ("B", "Färre sjukskrivna"),
        ("", "Utan numrering"),
    ]


def test_the_goals_page_shows_and_changes_its_sub_goals_keeping_what_belongs_to_them(
    en_client, people, goal, sub_goals, indicator
):
    indicator.sub_goal = sub_goals[1]
    indicator.save()
    en_client.force_login(people.planner)
    url = reverse("goals:goal_update", args=[goal.pk])
    page = en_client.get(url)
    assert "A: Fler i egen försörjning\nB: Färre sjukskrivna</textarea>" in page.text
    goal.refresh_from_db()
    data = goal_data(
        version=goal.version, label="1.2", title=goal.title,
        sub_goals="A: Fler i egen försörjning\nB: Färre sjukskrivna, friskare arbetsplatser",
    )  # fmt: skip
    assert en_client.post(url, data).status_code == 302
    goal.refresh_from_db()
    assert goal.numbering == "1.2"
    assert titles(goal) == [("A", "Fler i egen försörjning"),
                            ("B", "Färre sjukskrivna, friskare arbetsplatser")]  # fmt: skip
    indicator.refresh_from_db()
    assert indicator.sub_goal == sub_goals[1]  # the same sub-goal, reworded


def test_a_sub_goal_added_above_the_others_leaves_their_indicators_and_activities_with_them(
    en_client, people, goal, sub_goals, indicator, activity
):
    indicator.sub_goal, activity.sub_goal = sub_goals[1], sub_goals[0]
    indicator.save()
    activity.save()
    en_client.force_login(people.planner)
    url = reverse("goals:goal_update", args=[goal.pk])
    data = goal_data(
        version=goal.version, title=goal.title,
        sub_goals="0: Ett nytt delmål\nfärre sjukskrivna\nA: Fler i egen försörjning",
    )  # fmt: skip
    assert en_client.post(url, data).status_code == 302
    assert titles(goal) == [("0", "Ett nytt delmål"), ("", "färre sjukskrivna"),
                            ("A", "Fler i egen försörjning")]  # fmt: skip
    indicator.refresh_from_db()
    activity.refresh_from_db()
    assert (indicator.sub_goal.title, activity.sub_goal.label) == ("färre sjukskrivna", "A")
    assert goal.sub_goals.count() == 3


def test_a_goal_without_label_is_numbered_by_its_place(en_client, people, plan, goal):
    en_client.force_login(people.planner)
    url = reverse("goals:goal_update", args=[goal.pk])
    data = goal_data(version=goal.version, label="  ", title=goal.title)
    assert en_client.post(url, data).status_code == 302
    goal.refresh_from_db()
    assert (goal.label, goal.numbering) == ("", "1")


def test_a_perspective_of_another_organisation_is_refused_and_nothing_is_saved(
    en_client, people, goal
):
    other = organisation_create(name="Annan kommun", actor=None)
    [foreign] = perspectives_save(organisation=other, rows=[{"name": "Miljö"}], actor=None)
    en_client.force_login(people.planner)
    url = reverse("goals:goal_update", args=[goal.pk])
    data = goal_data(version=goal.version, label="Mål 9", title=goal.title, perspective=foreign.pk)
    response = en_client.post(url, data)
    assert response.status_code == 200
    assert 'href="#id_perspective"' in response.text
    goal.refresh_from_db()
    assert (goal.label, goal.perspective) == ("", None)


def test_a_too_long_sub_goal_is_refused_naming_the_field(en_client, people, goal, sub_goals):
    en_client.force_login(people.planner)
    url = reverse("goals:goal_update", args=[goal.pk])
    data = goal_data(version=goal.version, title=goal.title, sub_goals="A: " + "x" * 501)
    response = en_client.post(url, data)
    assert response.status_code == 200
    assert "Sub-goals: A sub-goal may be at most 500 characters" in response.text
    assert len(titles(goal)) == 2


# --- Activities and indicators --------------------------------------------------------------------


def test_an_activity_belongs_to_a_sub_goal_with_who_does_and_who_reports_it(
    en_client, people, goal, sub_goals, units
):
    en_client.force_login(people.planner)
    url = reverse("goals:activity_create", args=[goal.pk])
    page = en_client.get(url)
    assert "1 – B Färre sjukskrivna</option>" in page.text
    data = activity_data(
        goal,
        sub_goal=sub_goals[1].pk,
        responsible_role="Enhetschef",
        unit=units["unit_a"].pk,
        responsible_user=people.own_manager.pk,
        reporting_role="Kvalitetsstrateg",
        reporting_unit=units["operation"].pk,
        reporting_user=people.planner.pk,
    )
    assert en_client.post(url, data).status_code == 302
    activity = Activity.objects.get()
    assert activity.sub_goal == sub_goals[1]
    assert (activity.responsible_role, activity.unit, activity.responsible_user) == (
        "Enhetschef", units["unit_a"], people.own_manager)  # fmt: skip
    assert (activity.reporting_role, activity.reporting_unit, activity.reporting_user) == (
        "Kvalitetsstrateg", units["operation"], people.planner)  # fmt: skip


@pytest.mark.parametrize(
    "page, data, model",
    [("goals:activity_create", activity_data, Activity),
     ("indicators:indicator_create", indicator_data, Indicator)],
)  # fmt: skip
def test_an_item_under_a_sub_goal_of_another_goal_is_refused_on_that_field(
    client, people, plan, goal, page, data, model
):
    other_goal = goal_add(plan=plan, title="Ökad kvalitet", actor=None)
    [foreign] = sub_goals_set(goal=other_goal, sub_goals=[("C", "Kortare väntetider")], actor=None)
    client.force_login(people.planner)
    response = client.post(reverse(page, args=[goal.pk]), data(goal, sub_goal=foreign.pk))
    assert response.status_code == 200
    assert 'href="#id_sub_goal"' in response.text
    assert "id_sub_goal_error" in response.text
    assert not model.objects.exists()


def test_an_indicator_belongs_to_a_sub_goal_and_perspective_with_who_reports_it(
    client, people, goal, sub_goals, perspectives, units
):
    client.force_login(people.planner)  # in Swedish: the bounds with a decimal comma
    url = reverse("indicators:indicator_create", args=[goal.pk])
    page = client.get(url)
    for field in ("sub_goal", "perspective", "responsible_role", "reporting_unit"):
        assert f'name="{field}"' in page.text, field
    data = indicator_data(
        goal,
        sub_goal=sub_goals[0].pk,
        perspective=perspectives[0].pk,
        responsible_role="Verksamhetschef",
        reporting_unit=units["unit_a"].pk,
        reporting_user=people.own_manager.pk,
    )
    assert client.post(url, data).status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.sub_goal, indicator.perspective) == (sub_goals[0], perspectives[0])
    assert indicator.responsible_role == "Verksamhetschef"
    assert (indicator.reporting_unit, indicator.reporting_user) == (
        units["unit_a"], people.own_manager)  # fmt: skip
