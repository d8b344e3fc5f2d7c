"""How much work writing a plan takes, counted, not timed: a planner enters the seed plan's first
two goals with all their indicators and activities through the plan page, and pastes the seed's
activity table of one goal. Each test prints the keystrokes, clicks, page loads and requests it
needed (`pytest -s`); bench/README.md keeps the numbers, with the same two goals entered through
the full-page forms for comparison ("before").

The texts are the seed's (../shared/seeds/002, `demo.seed_002`), the thresholds as written there.
"""

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from demo.seed_002 import ACTIVITIES, GOALS
from goals.evaluation import months
from goals.models import Activity, Goal, SubGoal
from indicators.colour import Direction
from indicators.models import Indicator
from planning.models import Plan, Role, Unit
from planning.services import membership_grant, organisation_create, plan_create, unit_create
from tests.browser import assert_no_axe_violations, new_page

PASSWORD = "speed-pw"

# The seed's measure rows of goals 1 and 2 as written: DELMÅL, MÅLVÄRDE, INDIKATOR, RÖD, GUL, GRÖN.
INDICATOR_ROWS = {
    1: [
        (
            "Digitalisera verksamheterna - Alla verksamheter ska ta fram en handlingsplan utifrån "
            "antagen digitaliseringsstrategi.",
            "100%",
            "Andel verksamheter som tagit fram en handlingsplan. Kan ingå i verksamhetsplanen.",
            "<100%",
            "",
            "100%",
        )
    ],
    2: [
        ("Nöjda och friska medarbetare", "HME-index >80", "Medarbetarundersökning", "<70",
         "71-79", "≥80"),
        ("Nöjda och friska medarbetare", "Total sjukfrånvaro < 6 %",
         "Statistik från Previa Sjuk och Frisk", "≥7,0", "6,1-6,9", "< 6 %"),
    ],
}  # fmt: skip
# What the old indicator form asks instead: target value, unit, direction, the two bounds and
# whether each bound itself belongs to its band (the planner works them out from the texts).
OLD_FORM_BANDS = {
    "100%": ("100", "percent", "higher", "100", True, "", True),
    "HME-index >80": ("80", "index", "higher", "80", True, "70", False),
    "Total sjukfrånvaro < 6 %": ("6", "percent", "lower", "6", True, "7,0", True),
}
# What a planner types into a focused list to choose a month or where it is evaluated.
# "When done" is text: a month as the planner shortens it (the plan's year), or "Löpande".
MONTH_KEYS = {"Löpande": "Löpande", "Oktober": "Okt", "Juni": "Jun", "December": "Dec",
              "Februari": "Feb"}  # fmt: skip
# "Evaluated in" is a checkbox per period (Tertial 1, Tertial 2, the year-end, already checked);
# the first takes the focus after the month.
EVALUATED_KEYS = {
    "Årsbokslut": (),
    "Tertialrapport": ("Space", "Tab", "Space", "Tab", "Space"),
    "Tertialrapport/Årsbokslut": ("Space", "Tab", "Space"),
}
EVALUATED_MONTHS = {
    "Tertialrapport": months(4, 8),
    "Årsbokslut": months(12),
    "Tertialrapport/Årsbokslut": months(4, 8, 12),
}
MONTHS = {"Oktober": 10, "Juni": 6, "December": 12, "Februari": 2}


def activities_of(number: int) -> list[tuple[str, str, str, str]]:
    return [row[1:] for row in ACTIVITIES if row[0] == number]


@dataclass
class Counts:
    """What the planner did and what the browser asked the server for."""

    keys: int = 0
    clicks: int = 0
    page_loads: int = 0
    requests: int = 0  # to Styrkort, static files left out
    static: int = 0
    fields: int = 0  # form fields filled in
    log: list[str] = field(default_factory=list)

    def line(self, flow: str) -> str:
        return (
            f"{flow}: {self.keys} keystrokes, {self.clicks} clicks, {self.fields} fields, "
            f"{self.page_loads} page loads, {self.requests} requests "
            f"(+ {self.static} static files)"
        )


class Planner:
    """A planner at the keyboard: every key and click is counted."""

    def __init__(self, page: Page, server: str):
        self.page = page
        self.counts = Counts()
        page.on("request", self._request)
        page.on("load", self._load)
        self.server = server

    def _request(self, request) -> None:
        if not request.url.startswith(self.server):
            return
        if "/static/" in request.url or request.url.endswith("favicon.ico"):
            self.counts.static += 1
        else:
            self.counts.requests += 1

    def _load(self, _page) -> None:
        self.counts.page_loads += 1

    def type(self, text: str) -> None:
        if text:
            self.page.keyboard.type(text)
            self.counts.keys += len(text)
            self.counts.fields += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.counts.keys += 1

    def click(self, locator) -> None:
        locator.click()
        self.counts.clicks += 1

    def click_and_type(self, locator, text: str) -> None:
        if text:
            self.click(locator)
            self.type(text)

    def fill_month(self, locator, value: str) -> None:
        """A month input ("2023-06"): click it, type the month and the year."""
        locator.fill(value)
        self.counts.clicks += 1
        self.counts.keys += len(value.replace("-", ""))
        self.counts.fields += 1

    def choose(self, locator, value: str) -> None:
        """Open a list and choose in it: two clicks."""
        locator.select_option(value)
        self.counts.clicks += 2
        self.counts.fields += 1


@pytest.fixture
def planner_user(transactional_db, django_user_model):
    sorsele = organisation_create(name="Sorsele kommun", municipality_code="2422", actor=None)
    operation = unit_create(
        organisation=sorsele, name="Omsorgsverksamheten", kind=Unit.Kind.OPERATION, actor=None
    )
    user = django_user_model.objects.create_user("planerare", password=PASSWORD)
    membership_grant(user=user, organisation=sorsele, unit=operation, role=Role.PLANNER, actor=None)
    plan = plan_create(
        organisation=sorsele,
        owner_unit=operation,
        kind=Plan.Kind.OPERATIONAL_PLAN,
        name="Verksamhetsplan Omsorg 2023",
        start_year=2023,
        end_year=2023,
        actor=None,
    )
    return user, plan


def logged_in(browser, live_server, **options) -> Page:
    page = new_page(browser, **options)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "planerare")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def assert_seed_goals_entered(plan: Plan) -> None:
    goals = list(Goal.objects.filter(plan=plan).order_by("number"))
    assert [goal.title for goal in goals] == [title for _n, title in GOALS[:2]]
    for goal in goals:
        rows = INDICATOR_ROWS[goal.number]
        indicators = list(goal.indicators.order_by("position"))
        assert [i.target_text for i in indicators] == [row[1] for row in rows]
        assert [i.sub_goal.title for i in indicators] == [row[0] for row in rows]
        activities = list(goal.activities.order_by("position"))
        expected = activities_of(goal.number)
        assert [a.title for a in activities] == [row[0] for row in expected]
        for activity, (_title, responsible, when, evaluated) in zip(
            activities, expected, strict=True
        ):
            assert activity.responsible_role == responsible
            assert activity.ongoing == (when == "Löpande")
            due_month = activity.due_on.month if activity.due_on else None
            assert due_month == MONTHS.get(when)
            assert activity.evaluated_months == EVALUATED_MONTHS[evaluated]
    sick_leave = Indicator.objects.get(target_text="Total sjukfrånvaro < 6 %")
    assert sick_leave.direction == Direction.LOWER_IS_BETTER
    assert sick_leave.band_texts()["red"] == "≥ 7"
    hme = Indicator.objects.get(target_text="HME-index >80")
    assert (hme.green_bound, hme.red_bound, hme.red_bound_inclusive) == (80, 70, False)


# --- After: the plan page -------------------------------------------------------------------------


def test_the_seed_plans_first_two_goals_written_on_the_plan_page(
    live_server, browser, planner_user
):
    _user, plan = planner_user
    page = logged_in(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    planner = Planner(page, live_server.url)
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")

    new_goal = page.locator(f"#plan-{plan.pk}-new-goal-title")
    for number, title in GOALS[:2]:
        planner.click(new_goal)
        planner.type(title)
        planner.press("Enter")
        goal = wait_for(lambda n=number: Goal.objects.filter(plan=plan, number=n).first())
        # The focus moves on to the new goal's first indicator field.
        expect(page.locator(f"#goal-{goal.pk}-new-indicator-subgoal")).to_be_focused()
        for index, row in enumerate(INDICATOR_ROWS[number], start=1):
            subgoal, target, name, red, yellow, green = row
            if index > 1 and subgoal == INDICATOR_ROWS[number][index - 2][0]:
                planner.press("Tab")  # the sub-goal is kept from the row before
            else:
                planner.type(subgoal)
                planner.press("Tab")
            for text in (target, name, red, yellow):
                planner.type(text)
                planner.press("Tab")
            planner.type(green)
            planner.press("Enter")
            rows = page.locator(f"#goal-{goal.pk}-indicators tbody tr")
            expect(rows).to_have_count(index)
            expect(page.locator(f"#goal-{goal.pk}-new-indicator-subgoal")).to_be_focused()
        first = page.locator(f"#goal-{goal.pk}-new-activity-title")
        planner.click(first)
        for index, (title, responsible, when, evaluated) in enumerate(
            activities_of(number), start=1
        ):
            planner.type(title)
            planner.press("Tab")
            planner.type(responsible)
            planner.press("Tab")
            planner.type(MONTH_KEYS[when])
            planner.press("Tab")
            for key in EVALUATED_KEYS[evaluated]:
                planner.press(key)
            planner.press("Enter")
            expect(page.locator(f"#goal-{goal.pk}-activities tbody tr")).to_have_count(index)
            expect(first).to_be_focused()

    assert_seed_goals_entered(plan)
    assert errors == []
    print("\n" + planner.counts.line("plan page (after)"))
    page.context.close()


def wait_for(find, attempts: int = 50):
    """The object `find` returns once the server saved it (the browser's request is async)."""
    import time

    for _ in range(attempts):
        found = find()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError("not saved in time")


# --- Before: the full-page forms ------------------------------------------------------------------


def test_the_same_two_goals_through_the_full_page_forms(live_server, browser, planner_user):
    _user, plan = planner_user
    # The forms as they were, page after page (without the plan page's script, which would
    # take the planner to the in-place forms instead).
    page = logged_in(browser, live_server, java_script_enabled=False)
    planner = Planner(page, live_server.url)
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    save = page.locator("form.planner-form button[type=submit]")
    for number, title in GOALS[:2]:
        planner.click(page.locator(f'a[href="/goals/plan/{plan.pk}/new/"]').first)
        planner.click_and_type(page.locator("#id_title"), title)
        # The goal's sub-goals, one a line; each indicator then chooses its own.
        sub_goals = dict.fromkeys(row[0] for row in INDICATOR_ROWS[number])
        planner.click_and_type(page.locator("#id_sub_goals"), "\n".join(sub_goals))
        planner.click(save)
        page.wait_for_url("**/structure/#goal-*")
        goal = Goal.objects.get(plan=plan, number=number)
        for subgoal, target, name, _red, _yellow, _green in INDICATOR_ROWS[number]:
            value, unit, direction, green, green_in, red, red_in = OLD_FORM_BANDS[target]
            planner.click(page.locator(f'a[href="/indicators/goal/{goal.pk}/new/"]').first)
            page.wait_for_url("**/new/")
            sub_goal = SubGoal.objects.get(goal=goal, title=subgoal)
            planner.choose(page.locator("#id_sub_goal"), str(sub_goal.pk))
            planner.click_and_type(page.locator("#id_name"), name)
            planner.choose(page.locator("#id_unit"), unit)
            planner.click_and_type(page.locator("#id_target_value"), value)
            planner.click_and_type(page.locator("#id_target_text"), target)
            if direction != "higher":
                planner.choose(page.locator("#id_direction"), direction)
            planner.click_and_type(page.locator("#id_green_bound"), green)
            if not green_in:
                planner.click(page.locator("#id_green_bound_inclusive"))
            planner.click_and_type(page.locator("#id_red_bound"), red)
            if red and not red_in:
                planner.click(page.locator("#id_red_bound_inclusive"))
            planner.click(save)
            page.wait_for_url("**/structure/#indicator-*")
        for title, responsible, when, evaluated in activities_of(number):
            planner.click(page.locator(f'a[href="/goals/{goal.pk}/activities/new/"]').first)
            page.wait_for_url("**/new/")
            planner.click_and_type(page.locator("#id_title"), title)
            planner.click_and_type(page.locator("#id_responsible_role"), responsible)
            if when == "Löpande":
                planner.click(page.locator("#id_ongoing"))
            else:
                planner.fill_month(page.locator("#id_due_on"), f"2023-{MONTHS[when]:02d}")
            chosen = EVALUATED_MONTHS[evaluated]
            for index, month in enumerate((4, 8)):  # Tertial 1 and 2; the year-end is checked
                if chosen & months(month):
                    planner.click(page.locator(f"#id_evaluated_months_{index}"))
            if not chosen & months(12):
                planner.click(page.locator("#id_evaluated_months_2"))
            planner.click(save)
            page.wait_for_url("**/structure/#activity-*")

    assert_seed_goals_entered(plan)
    print("\n" + planner.counts.line("full-page forms (before)"))
    page.context.close()


# --- Pasting the seed's activity table ------------------------------------------------------------


def seed_activity_table(number: int) -> tuple[str, str]:
    """Goal `number`'s activity table as Word puts it on the clipboard: text and HTML."""
    header = ("Aktivitet", "Ansvarig", "När genomfört", "Utvärderas")
    rows = [header, *activities_of(number)]
    text = "\n".join("\t".join(row) for row in rows)
    cells = "".join(
        "<tr>" + "".join(f'<td><p class="MsoNormal">{cell}</p></td>' for cell in row) + "</tr>"
        for row in rows
    )
    html = (
        "<html><head><style>p.MsoNormal {margin:0}</style></head><body><!--StartFragment-->"
        f'<table class="MsoTableGrid" border="1">{cells}</table><!--EndFragment--></body></html>'
    )
    return text, html


def test_the_seed_activity_table_pasted_into_a_goal(live_server, browser, planner_user):
    _user, plan = planner_user
    goal = Goal.objects.create(plan=plan, number=1, title=GOALS[1][1])
    page = logged_in(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    planner = Planner(page, live_server.url)
    page.goto(f"{live_server.url}/plans/{plan.pk}/structure/")
    text, html = seed_activity_table(2)

    planner.click(page.locator(f"#goal-{goal.pk}-paste summary"))
    area = page.locator(f"#goal-{goal.pk}-paste-text")
    planner.click(area)
    # Ctrl+V: what the clipboard holds arrives as the browser's paste event.
    area.evaluate(
        """(area, [text, html]) => {
            area.value = text;
            const data = new DataTransfer();
            data.setData("text/plain", text);
            data.setData("text/html", html);
            area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}));
        }""",
        [text, html],
    )
    planner.counts.keys += 1
    save = page.locator(f"#goal-{goal.pk}-paste-result button[formaction]")
    expect(save).to_be_visible()
    expect(page.locator(f"#goal-{goal.pk}-paste-result .paste-row--new")).to_have_count(8)
    assert not Activity.objects.exists()  # the preview saves nothing
    expect(save).to_be_focused()
    assert_no_axe_violations(page)
    planner.press("Enter")
    expect(page.locator(f"#goal-{goal.pk}-activities tbody tr")).to_have_count(8)
    titles = list(goal.activities.order_by("position").values_list("title", flat=True))
    assert titles == [row[0] for row in activities_of(2)]
    assert errors == []
    print("\n" + planner.counts.line("paste of goal 2's activity table"))
    page.context.close()
