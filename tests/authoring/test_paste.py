"""Pasting a table from Word or Excel into a goal or into the plan (`transfer.pasting`, linked
from the plan page): the columns recognised by their headers or chosen by the planner, a preview
that saves nothing and explains every cell it cannot read, and all or nothing when saved. Bad
input: merged cells, empty rows, a header nobody knows, 5,000 rows, control characters, a
decided plan, a row someone changed between the preview and the saving."""

import datetime

import pytest
from django.urls import reverse

from demo.seed_002 import ACTIVITIES
from goals.evaluation import months
from goals.models import Activity, Goal
from goals.services import activity_update, goal_add
from indicators.colour import Direction
from indicators.models import Indicator
from planning.models import Plan
from planning.services import plan_set_status
from tests.deadlines import month_end
from transfer.pasting import MAX_PASTE_ROWS, paste_import

pytest_plugins = ["tests.planner_roles"]

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}
ACTIVITY_HEADER = "Aktivitet\tAnsvarig\tNär genomfört\tUtvärderas"


def seed_activities(number: int = 2) -> str:
    rows = ["\t".join(row[1:]) for row in ACTIVITIES if row[0] == number]
    return "\n".join([ACTIVITY_HEADER, *rows])


SEED_INDICATORS = (
    "DELMÅL\tMÅLVÄRDE\tINDIKATOR\tRÖD\tGUL\tGRÖN\n"
    "Nöjda och friska medarbetare\tHME-index >80\tMedarbetarundersökning\t<70\t71-79\t≥80\n"
    "Nöjda och friska medarbetare\tTotal sjukfrånvaro < 6 %\tStatistik från Previa Sjuk och "
    "Frisk\t≥7,0\t6,1-6,9\t< 6 %\n"
)


@pytest.fixture
def planner(client, people):
    client.force_login(people.planner)
    return client


def preview(client, plan, **data):
    return client.post(reverse("transfer:plan_paste", args=[plan.pk]), data, **HTMX)


def save(client, plan, **data):
    return client.post(reverse("transfer:plan_paste_confirm", args=[plan.pk]), data, **HTMX)


def test_the_seed_activity_table_is_previewed_then_saved_at_once(planner, plan, goal):
    response = preview(planner, plan, goal=goal.pk, text=seed_activities())
    assert response.status_code == 200
    assert response.text.count("paste-row--new") == 8
    assert "Save all 8 rows" in response.text
    assert not Activity.objects.exists()
    response = save(planner, plan, goal=goal.pk, text=seed_activities(), versions="{}")
    assert "styrkort:pasted" in response["HX-Trigger"]
    activities = list(goal.activities.order_by("position"))
    assert [a.title for a in activities] == [row[1] for row in ACTIVITIES if row[0] == 2]
    mhfa = activities[1]
    assert (mhfa.due_on, mhfa.due_precision) == (month_end(6), "month")  # in the plan's year
    assert mhfa.evaluated_months == months(4, 8)
    assert activities[0].ongoing


def test_the_seed_measure_rows_become_indicators_with_their_bands(planner, plan, goal):
    response = save(planner, plan, goal=goal.pk, text=SEED_INDICATORS, versions="{}")
    assert response.status_code == 200
    hme, sick_leave = goal.indicators.order_by("position")
    assert (hme.sub_goal.title, hme.target_text, hme.target_value) == (
        "Nöjda och friska medarbetare",
        "HME-index >80",
        80,
    )
    assert (hme.red_bound, hme.red_bound_inclusive, hme.green_bound) == (70, False, 80)
    assert sick_leave.direction == Direction.LOWER_IS_BETTER


def test_a_table_copied_from_word_is_read_from_its_html(planner, plan, goal):
    rows = [line.split("\t") for line in seed_activities().splitlines()]
    html = "<html><body><table>" + "".join(
        "<tr>" + "".join(f"<td><p class=MsoNormal>{cell}&nbsp;</p></td>" for cell in row) + "</tr>"
        for row in rows
    ) + "</table></body></html>"  # fmt: skip
    response = preview(planner, plan, goal=goal.pk, text="", html=html)
    assert response.text.count("paste-row--new") == 8


def test_merged_cells_are_refused_and_nothing_is_saved(planner, plan, goal):
    html = (
        "<table><tr><td>Aktivitet</td><td>Ansvarig</td><td>När genomfört</td><td>Utvärderas</td>"
        "</tr><tr><td>Vi gör A</td><td rowspan=2>Alla chefer</td><td>Juni</td><td>T1</td></tr>"
        "<tr><td>Vi gör B</td><td>Juli</td><td>T2</td></tr></table>"
    )
    response = save(planner, plan, goal=goal.pk, text="", html=html, versions="{}")
    assert "merged cells (row 2)" in response.text
    assert not Activity.objects.exists()


def test_empty_rows_are_left_out(planner, plan, goal):
    text = seed_activities().replace("\n", "\n\t\t\t\n\n", 2)
    response = preview(planner, plan, goal=goal.pk, text=text)
    assert response.text.count("paste-row--new") == 8


def test_a_header_nobody_knows_asks_the_planner_to_choose(planner, plan, goal):
    text = seed_activities().replace("Utvärderas", "Uppföljning")
    response = preview(planner, plan, goal=goal.pk, text=text)
    assert "does not know the column “Uppföljning”" in response.text
    assert "Save all" not in response.text
    assert not Activity.objects.exists()
    # The planner says what the column holds.
    response = preview(planner, plan, goal=goal.pk, text=text, **{"column-3": "evaluated"})
    assert response.text.count("paste-row--new") == 8
    # Or leaves it out: the activities are then evaluated at year-end only.
    save(planner, plan, goal=goal.pk, text=text, versions="{}", **{"column-3": "-"})
    assert Activity.objects.filter(goal=goal, evaluated_months=months(12)).count() == 8


def test_a_table_without_headers_is_read_once_the_columns_are_chosen(planner, plan, goal):
    text = "\n".join(seed_activities().splitlines()[1:])
    response = preview(planner, plan, goal=goal.pk, text=text)
    assert "does not recognise the headers" in response.text
    columns = ("activity", "responsible_role", "when", "evaluated")
    choices = {f"column-{index}": key for index, key in enumerate(columns)}
    choices.update(kind="activities", header_row="no")
    save(planner, plan, goal=goal.pk, text=text, versions="{}", **choices)
    assert goal.activities.count() == 8


def test_every_cell_that_cannot_be_read_is_explained_and_nothing_is_saved(planner, plan, goal):
    text = (
        f"{ACTIVITY_HEADER}\nVi gör A\tAlla\tSnart\tÅrsbokslut\n"
        "Vi gör B\tAlla\tJuni\tIbland\nVi gör C\tAlla\tJuni\tT1\n"
    )
    response = save(planner, plan, goal=goal.pk, text=text, versions="{}")
    assert "“Snart” is not a deadline" in response.text
    assert "“Ibland” is not a follow-up" in response.text
    assert "Nothing is saved until every row can be read." in response.text
    assert not Activity.objects.exists()
    band = "DELMÅL\tMÅLVÄRDE\tINDIKATOR\tRÖD\tGUL\tGRÖN\nX\t80\tHME\tlåg\t\t≥80\n"
    response = save(planner, plan, goal=goal.pk, text=band, versions="{}")
    assert "låg" in response.text and "is not a threshold" in response.text
    assert not Indicator.objects.filter(name="HME").exists()


def test_five_thousand_rows_are_refused_with_what_to_do(planner, plan, goal):
    text = "\n".join([ACTIVITY_HEADER] + [f"Aktivitet {n}\tAlla\tJuni\tT1" for n in range(5000)])
    response = preview(planner, plan, goal=goal.pk, text=text)
    assert f"at most {MAX_PASTE_ROWS} can be pasted at a time" in response.text
    assert not Activity.objects.exists()


def test_control_characters_are_removed_and_said_so(planner, plan, goal):
    text = seed_activities().replace("Alla chefer", "Alla ch\x00efer\x07", 1)
    text = text.replace("Vi nyttjar", "Vi\x0b nyttjar")
    response = save(planner, plan, goal=goal.pk, text=text, versions="{}")
    assert response.status_code == 200
    assert Activity.objects.filter(goal=goal).count() == 8
    roles = Activity.objects.values_list("responsible_role", flat=True)
    assert "Alla chefer" in roles and not any("\x00" in role for role in roles)
    response = preview(planner, plan, goal=goal.pk, text=text)
    assert "3 invisible control characters were removed" in response.text


def test_goals_are_pasted_into_the_plan(planner, plan, goal):
    text = "Nr\tMål\n2\tÖkad kvalitet i verksamheterna\n3\tEn budget i balans"
    save(planner, plan, text=text, versions="{}")
    assert list(plan.goals.order_by("number").values_list("title", flat=True)) == [
        goal.title,
        "Ökad kvalitet i verksamheterna",
        "En budget i balans",
    ]


def test_a_decided_plan_takes_no_paste(planner, plan, goal):
    plan_set_status(
        plan=plan, status=Plan.Status.DECIDED, actor=None, expected_version=plan.version,
        decision_date=datetime.date(2022, 11, 29),
    )  # fmt: skip
    response = save(planner, plan, goal=goal.pk, text=seed_activities(), versions="{}")
    assert "The plan is decided and locked" in response.text
    assert not Activity.objects.exists()


def test_a_row_changed_after_the_preview_stops_the_whole_paste(people, plan, goal):
    text = seed_activities()
    first = paste_import(plan=plan, goal=goal, text=text, actor=None, apply=True)
    assert first.report.applied
    changed = f"{text}\nVi gör något nytt\tAlla\tJuni\tT1".replace("Alla medarbetare", "Alla", 1)
    seen = paste_import(plan=plan, goal=goal, text=changed, actor=None, apply=False)
    assert seen.ok and seen.report.count("update") == 1
    someone = Activity.objects.get(goal=goal, position=0)
    activity_update(activity=someone, actor=people.administrator, responsible_role="HR")
    again = paste_import(
        plan=plan, goal=goal, text=changed, actor=None, apply=True,
        expected_versions=seen.report.versions,
    )  # fmt: skip
    assert not again.report.applied
    assert Activity.objects.filter(goal=goal).count() == 8


def test_only_the_plans_writers_may_paste(client, people, plan, goal):
    for role in ("committee", "own_manager", "other_manager"):
        client.force_login(getattr(people, role))
        assert preview(client, plan, goal=goal.pk, text=seed_activities()).status_code == 404
        assert save(client, plan, goal=goal.pk, text=seed_activities()).status_code == 404
    assert not Activity.objects.exists()
    other = goal_add(plan=plan, title="Annat", actor=None)
    assert Goal.objects.filter(pk=other.pk).exists()


def test_without_javascript_the_paste_page_previews_and_saves(planner, plan, goal):
    url = reverse("transfer:plan_paste", args=[plan.pk])
    page = planner.get(f"{url}?goal={goal.pk}", **EN)
    assert page.status_code == 200 and 'name="text"' in page.text
    response = planner.post(url, {"goal": goal.pk, "text": seed_activities()}, **EN)
    assert "<html" in response.text and "Save all 8 rows" in response.text
    confirm = reverse("transfer:plan_paste_confirm", args=[plan.pk])
    data = {"goal": goal.pk, "text": seed_activities(), "versions": "{}"}
    response = planner.post(confirm, data, **EN)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/structure/#goal-{goal.pk}")
    assert goal.activities.count() == 8
