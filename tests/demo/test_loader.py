"""The demo data: seed 002 (Sorsele kommun, Verksamhetsplan Omsorg 2023), loaded idempotently.

The expectations below are written from the seed document, not from indicators/demo.py. Most
tests load seed 002 alone (`demo.load_demo`); `manage.py load_demo` loads seed 003's joint plan
beside it (see test_joint.py), and the tests of idempotence run the command.
"""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo import loader as demo
from goals.evaluation import months
from goals.models import Activity, ActivityStatus, Goal
from indicators.colour import Colour
from indicators.models import Indicator, Measurement
from planning.models import FollowUpPeriod, Membership, Organisation, Plan, Unit, scheme_rows
from planning.selectors import plans_visible_to
from planning.services import organisation_create, periods_ensure_year
from tests.deadlines import month_end

G, Y, R = Colour.GREEN, Colour.YELLOW, Colour.RED
PASSWORD = "styrkort-demo"
USERNAMES = ("planerare", "enhetschef", "ledamot", "admin")


def load() -> str:
    """`manage.py load_demo`: both demo plans."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def output(db):
    """Seed 002 alone, and what the loader wrote."""
    out = io.StringIO()
    demo.load_demo(stdout=out)
    return out.getvalue()


@pytest.fixture
def plan(output):
    return Plan.objects.get(name="Verksamhetsplan Omsorg 2023")


def period(kind: str) -> FollowUpPeriod:
    return FollowUpPeriod.objects.get(organisation__name="Sorsele kommun", year=2023, kind=kind)


# --- Counts and structure -------------------------------------------------------------------------


def test_counts(output):
    assert Organisation.objects.count() == 1
    assert Plan.objects.count() == 1
    assert Goal.objects.count() == 6
    # The seed has 12 measure rows: 1 + 2 + 3 + 2 + 1 + 3.
    assert Indicator.objects.count() == 12
    assert Activity.objects.count() == 23
    assert FollowUpPeriod.objects.count() == 3
    assert get_user_model().objects.filter(username__in=USERNAMES).count() == 4
    assert Membership.objects.count() == 4
    per_goal = {
        goal.number: (goal.indicators.count(), goal.activities.count())
        for goal in Goal.objects.all()
    }
    assert per_goal == {1: (1, 3), 2: (2, 8), 3: (3, 4), 4: (2, 3), 5: (1, 2), 6: (3, 3)}


def test_organisation_tree(output):
    organisation = Organisation.objects.get(name="Sorsele kommun")
    assert organisation.kind == "municipality"
    assert organisation.municipality_code == "2422"
    assert [row.code for row in scheme_rows(organisation)] == ["T1", "T2", "T3"]
    chain = Unit.objects.get(name="Omsorgsverksamheten")
    assert [(unit.name, unit.kind) for unit in [chain, *chain.ancestors()]] == [
        ("Omsorgsverksamheten", "operation"),
        ("Kommunförvaltningen", "administration"),
        ("Kommunstyrelsen", "committee"),
    ]
    below = set(chain.children.values_list("kind", flat=True))
    assert below == {"unit"}
    names = set(chain.children.values_list("name", flat=True))
    assert {"Hemtjänst", "Särskilt boende", "Daglig verksamhet"} <= names
    assert any("IFO" in name for name in names)


def test_plan_as_decided(plan):
    assert plan.organisation.name == "Sorsele kommun"
    assert plan.owner_unit.name == "Omsorgsverksamheten"
    assert (plan.kind, plan.start_year, plan.end_year, plan.status) == (
        "operational_plan",
        2023,
        2023,
        "decided",
    )
    assert plan.decided_by == "Kommunstyrelsen"
    assert plan.decided_at is not None
    assert plan.decision_date == datetime.date(2022, 11, 29)
    assert plan.decision_paragraph == "§ 190"
    assert plan.decision_label == "2022-11-29 § 190"
    assert plan.registration_number == "2022/455-012"
    assert plan.valid_from == datetime.date(2023, 1, 1)
    assert plan.responsible == "Omsorgschef Sara Johansson"
    assert plan.vision == (
        "Sorsele – Den livskraftiga kommunen som utvecklas! Tillsammans skapar vi tillväxt, "
        "hållbarhet och trygghet i en rik och unik natur för alla."
    )
    assert plan.core_values == (
        "Sorsele kommuns värdeord Mod, Glädje och Respekt ska prägla hela vår verksamhet."
    )
    assert plan.steering_documents == (
        "Verksamheterna styrs även av lagstiftning, föreskrifter, allmänna råd från "
        "Socialstyrelsen och andra styrdokument."
    )


def test_goals(plan):
    assert list(plan.goals.order_by("number").values_list("number", "title")) == [
        (1, "Digitalisera verksamheterna"),
        (2, "Nöjda och friska medarbetare"),
        (3, "Ökad kvalitet i verksamheterna"),
        (4, "Öka invånarantalet med 25 pers/år till år 2040"),
        (
            5,
            "Kommunens verksamheter/enheter och personal ska bidra till utveckling för att "
            "kommunen ska växa och vara livskraftig",
        ),
        (6, "En budget i balans"),
    ]


# --- Indicators: target and bands against the seed ------------------------------------------------

MW, OS = "municipality_wide", "operation_specific"

# (goal, position in goal, scope, target_text, target_value, unit, decimals, scale_max,
#  direction, {value: colour the document gives it, or the normalised colour of its holes})
SEED_INDICATORS = [
    (1, 0, MW, "100%", D("100"), "percent", 0, None, "higher",
     {D("0"): R, D("99"): R, D("99.9"): R, D("100"): G}),
    (2, 0, MW, "HME-index >80", D("80"), "index", 0, None, "higher",
     {D("60"): R, D("69.9"): R, D("70"): Y, D("71"): Y, D("79"): Y, D("79.5"): Y, D("80"): G,
      D("95"): G}),
    (2, 1, MW, "Total sjukfrånvaro < 6 %", D("6"), "percent", 1, None, "lower",
     {D("4.2"): G, D("5.9"): G, D("6.0"): G, D("6.05"): Y, D("6.1"): Y, D("6.9"): Y,
      D("6.95"): Y, D("7.0"): R, D("9.3"): R}),
    (3, 0, MW, "90% nöjdhet", D("90"), "percent", 0, None, "higher",
     {D("50"): R, D("79"): R, D("79.5"): Y, D("80"): Y, D("89"): Y, D("89.5"): Y, D("90"): G}),
    (3, 1, OS, "Antal dagar < 9", D("9"), "days", 0, None, "lower",
     {D("3"): G, D("8"): G, D("9"): G, D("9.5"): Y, D("10"): Y, D("19"): Y, D("20"): Y,
      D("20.5"): R, D("21"): R}),
    (3, 2, OS, "Antal dagar <83", D("83"), "days", 0, None, "lower",
     {D("60"): G, D("83"): G, D("83.5"): Y, D("84"): Y, D("109"): Y, D("110"): Y, D("111"): R}),
    (4, 0, MW, "8,0 (av 10,0)", D("8"), "index", 1, D("10"), "higher",
     {D("6.5"): R, D("7.0"): R, D("7.05"): Y, D("7.1"): Y, D("7.9"): Y, D("7.95"): Y,
      D("8.0"): G, D("10"): G}),
    (4, 1, MW, "+25 invånare / 1 nov", D("25"), "persons", 0, None, "higher",
     {D("-30"): R, D("0"): R, D("1"): Y, D("24"): Y, D("25"): G, D("40"): G}),
    (5, 0, MW, "4,0 (av 6,0)", D("4"), "index", 1, D("6"), "higher",
     {D("3.0"): R, D("3.4"): R, D("3.45"): Y, D("3.5"): Y, D("3.8"): Y, D("3.85"): Y,
      D("3.9"): G, D("4.0"): G, D("5.5"): G}),
    (6, 0, MW, "Enligt teknisk ram", D("0"), "other", 0, None, "higher",
     {D("-2000"): R, D("-1"): R, D("-0.5"): R, D("0"): G, D("300"): G}),
    (6, 1, OS, "< 3920 kronor", D("3920"), "kr_per_inhabitant", 0, None, "lower",
     {D("3500"): G, D("3920"): G, D("3921"): Y, D("4800"): Y, D("5679"): Y, D("5680"): R,
      D("6500"): R}),
    (6, 2, OS, "< 232 tkr", D("232"), "other", 0, None, "lower",
     {D("210"): G, D("232"): G, D("232.5"): Y, D("233"): Y, D("274"): Y, D("275"): R,
      D("300"): R}),
]  # fmt: skip

# (goal, position): the seed's INDIKATOR and DELMÅL cells.
SEED_TEXTS = {
    (1, 0): (
        "Andel verksamheter som tagit fram en handlingsplan. Kan ingå i verksamhetsplanen.",
        "Digitalisera verksamheterna - Alla verksamheter ska ta fram en handlingsplan utifrån "
        "antagen digitaliseringsstrategi.",
    ),
    (2, 0): ("Medarbetarundersökning", "Nöjda och friska medarbetare"),
    (2, 1): ("Statistik från Previa Sjuk och Frisk", "Nöjda och friska medarbetare"),
    (3, 0): ("Brukarundersökning", "Öka kvalitén i verksamheterna"),
    (3, 1): (
        "Väntetid i antal dagar från ansökan vid nybesök till beslut inom försörjningsstöd, "
        "medelvärde",
        "Väntetid",
    ),
    (3, 2): (
        "Utredningstid i antal dagar från påbörjad till avslutad utredning inom barn och ungdom "
        "0-20 år, medelvärde",
        "Utredningstid barn och unga",
    ),
    (4, 0): (
        "SCB medborgarundersökning vart 3:e år. Hur nöjd är du med din kommun i helhet som en "
        "plats att bo och leva på?",
        "Öka invånarantalet med 25 personer per år fram till 2040",
    ),
    (4, 1): (
        "SCB befolkningsstatistik",
        "Öka invånarantalet med 25 personer per år fram till 2040",
    ),
    (5, 0): (
        "Svenskt Näringslivs undersökning om Företagsklimat. Frågan som avser service och "
        "bemötande.",
        "Kommunens verksamheter, enheter och personal ska bidra till utveckling för att "
        "kommunen ska växa vara livskraftig.",
    ),
    (6, 0): ("Ekonomisk redovisning vid T1, T2 och årsbokslut.", "En budget i balans"),
    (6, 1): ("Kostnad individ- och familjeomsorg. Kr/inv", "En budget i balans"),
    (6, 2): ("Kostnad äldreomsorg. Kr/inv 80+", "En budget i balans"),
}


def indicator_at(goal_number: int, position: int) -> Indicator:
    return Indicator.objects.get(goal__number=goal_number, position=position)


def describe(indicator: Indicator, colours: dict[D, Colour]) -> tuple:
    """An indicator as a row of SEED_INDICATORS, with the colours it gives the row's values."""
    return (
        indicator.goal.number,
        indicator.position,
        indicator.scope,
        indicator.target_text,
        indicator.target_value,
        indicator.unit,
        indicator.decimals,
        indicator.scale_max,
        indicator.direction,
        {value: indicator.colour_of(value) for value in colours},
    )


def test_indicators_against_seed(output):
    expected = {(row[0], row[1]): row for row in SEED_INDICATORS}
    loaded = {
        (indicator.goal.number, indicator.position): indicator
        for indicator in Indicator.objects.select_related("goal")
    }
    assert set(loaded) == set(expected) == set(SEED_TEXTS)
    assert {key: describe(loaded[key], row[-1]) for key, row in expected.items()} == expected
    for key, indicator in loaded.items():
        sub_goal = indicator.sub_goal.title if indicator.sub_goal_id else ""
        assert (indicator.definition, sub_goal) == SEED_TEXTS[key], key
        assert indicator.name, key
        # Reaching the target means green.
        assert indicator.colour_of(indicator.target_value) == G, key
        # Two-band indicators (no yellow in the seed) have no red bound.
        assert (indicator.red_bound is None) == (Y not in expected[key][-1].values()), key


def test_units_written_out_where_the_list_has_none(output):
    assert indicator_at(6, 0).unit_label == "tkr"
    assert indicator_at(6, 2).unit_label == "tkr/inv 80+"


# --- Activities -----------------------------------------------------------------------------------

# "Tertialrapport", "Årsbokslut", both: the last months of the tertial periods chosen.
TR, AB, BOTH = months(4, 8), months(12), months(4, 8, 12)
ONGOING = None

# (goal, activity, responsible, month or ONGOING, (t1, t2, year-end)) in the seed's order.
SEED_ACTIVITIES = [
    (1, "Utveckla 3 nya e-tjänster inom verksamheten", "Verksamhetschef", 10, BOTH),
    (1, "Kompetensutvecklingsinsatser kopplade till digitalisering för våra medarbetare",
     "Verksamhetschef", ONGOING, AB),
    (1, "Vi använder oss av digitala mötesalternativ när det är möjligt", "All personal",
     ONGOING, AB),
    (2, "Vi nyttjar kommunens friskvårdsmöjligheter, friskvårdsbidrag/friskvårdstimme",
     "Alla medarbetare", ONGOING, AB),
    (2, "Vi utbildar medarbetare i MHFA, Mental Health First Aid", "Alla chefer", 6, TR),
    (2, "Vi deltar i den årliga medarbetarenkäten", "Alla medarbetare", 10, AB),
    (2, "Fysiska skyddsronder ska genomföras årligen", "Alla chefer", 12, AB),
    (2, "Genomgång av social- och organisatorisk arbetsmiljö (OSA-enkät), minst en gång per år",
     "Alla chefer", 12, AB),
    (2, "Vi har apt minst 5 ggr/år", "Alla chefer", 12, AB),
    (2, "Arbetsmiljö är en stående punkt på apt", "Alla chefer", 12, AB),
    (2, "Vi genomför RUS-samtal årligen", "Alla chefer", 2, AB),
    (3, "Vi genomför brukarundersökningar inom - IFO - Daglig verksamhet - Hemtjänst och "
     "särskilt boende", "Verksamhetschef, enhetschefer", 11, AB),
    (3, "Vi är tillgängliga för medborgare (mail, telefon, svarstider, fysiskt tillgänglighet)",
     "Alla medarbetare", ONGOING, AB),
    (3, "Varje enhet ska ha en aktivitetsplan utifrån verksamhetsplan",
     "Verksamhetschef/ enhetschefer", 9, AB),
    (3, "Revidera befintligt \u201dLedningssystem för systematiskt kvalitetsarbete\u201d",
     "verksamhetschef", 6, TR),
    (4, "Uppmärksamma och synliggör internt och externt våra goda exempel i "
     "omsorgsverksamheterna genom att fotografera och skapa pressreaser tillsammans med "
     "kommunens kommunikatör och webbansvarig. Även intranätet och sociala medier kan användas "
     "för att sprida fina exempel ur verksamheterna",
     "Enhetschefer eller andra usedda personer", ONGOING, TR),
    (4, "Ett gott värdskap vid möten såväl internt som externt", "Alla medarbetare", ONGOING,
     TR),
    (4, "Vi följer rekryteringspolicy och annonserar ut våra vakanta tjänster",
     "Verksamhetschef/enhetschefer", ONGOING, AB),
    (5, "Vi är tillgängliga för medborgare (mail, telefon, svarstider, fysisk tillgänglighet)",
     "Alla medarbetare", ONGOING, AB),
    (5, "Vi har \u201dutveckling av verksamheten\u201d som en punkt på APT",
     "Verksamhetschef/enhetschefer", ONGOING, AB),
    (6, "Månatliga budgetuppföljningar", "verksamhetschef", ONGOING, TR),
    (6, "Ta upp ekonomi som en punkt på VSG", "verksamhetschef", ONGOING, TR),
    (6, "Ta upp ekonomi som en punkt på APT", "Enhetschefer", ONGOING, TR),
]  # fmt: skip


def test_activities_verbatim_from_seed(plan):
    loaded = [
        (
            activity.goal.number,
            activity.title,
            activity.responsible_role,
            activity.due_on.month if activity.due_on else None,
            activity.evaluated_months,
        )
        for activity in Activity.objects.filter(goal__plan=plan)
        .select_related("goal")
        .order_by("goal__number", "position")
    ]
    assert loaded == SEED_ACTIVITIES
    # A seed's month is the plan's year's (2023): its last day, precision month.
    assert {
        (activity.due_on.year, activity.due_on == month_end(activity.due_on.month), precision)
        for activity, precision in (
            (a, a.due_precision) for a in Activity.objects.filter(goal__plan=plan, ongoing=False)
        )
    } == {(2023, True, "month")}
    assert list(Activity.objects.filter(due_on__isnull=True).values_list("ongoing", flat=True)) == [
        True
    ] * sum(1 for row in SEED_ACTIVITIES if row[3] is ONGOING)


# --- Periods, measurements and statuses -----------------------------------------------------------


def test_periods_with_t2_open(output):
    assert list(FollowUpPeriod.objects.values_list("year", "kind", "is_open")) == [
        (2023, "T1", False),
        (2023, "T2", True),
        (2023, "T3", False),
    ]


def test_measurements_show_every_colour_in_t2(output):
    t2 = period("T2")
    colours = {indicator: Colour.NO_VALUE for indicator in Indicator.objects.all()}
    for measurement in Measurement.objects.filter(period=t2, unit=None):
        colours[measurement.indicator] = measurement.colour
    assert {G, Y, R, Colour.NO_VALUE} <= set(colours.values())
    # A figure known to be missing (the survey done every third year), not merely unreported.
    assert Measurement.objects.filter(period=t2, value__isnull=True).exists()


def test_measurements_only_in_t1_and_t2_with_comment_and_source(output):
    measurements = Measurement.objects.select_related("period")
    assert {m.period.kind for m in measurements} == {"T1", "T2"}
    assert measurements.filter(period__kind="T1").exclude(value=None).exists()
    for measurement in measurements:
        assert measurement.comment
        assert measurement.source
        assert measurement.unit is None


def test_statuses_exactly_where_activities_are_evaluated(output):
    for kind in ("T1", "T2", "T3"):
        the_period = period(kind)
        for activity in Activity.objects.all():
            has_status = ActivityStatus.objects.filter(activity=activity, period=the_period)
            expected = kind != "T3" and activity.is_evaluated_in(the_period)
            assert has_status.exists() == expected, (kind, activity.title)


def test_statuses_are_a_realistic_mix_with_comments(output):
    statuses = ActivityStatus.objects.select_related("activity", "period")
    assert {"done", "in_progress", "not_started", "delayed"} <= {s.status for s in statuses}
    for status in statuses:
        assert status.comment
    overdue = [s for s in statuses if s.activity.is_due_by(s.period) and s.status != "done"]
    assert overdue, "the demo should show something due that is not done"
    assert all(s.status == "delayed" for s in overdue)


# --- Users ----------------------------------------------------------------------------------------


def test_one_user_per_role(output):
    memberships = {
        membership.user.username: (
            membership.role,
            membership.unit.name if membership.unit else None,
            membership.organisation.name,
        )
        for membership in Membership.objects.select_related("user", "unit", "organisation")
    }
    assert memberships == {
        "planerare": ("planner", "Omsorgsverksamheten", "Sorsele kommun"),
        "enhetschef": ("unit_manager", "Hemtjänst", "Sorsele kommun"),
        "ledamot": ("committee_member", "Kommunstyrelsen", "Sorsele kommun"),
        "admin": ("administrator", None, "Sorsele kommun"),
    }
    flags = dict(
        (username, (staff, superuser))
        for username, staff, superuser in get_user_model().objects.values_list(
            "username", "is_staff", "is_superuser"
        )
    )
    assert flags == {
        "planerare": (True, False),
        "enhetschef": (False, False),
        "ledamot": (False, False),
        "admin": (True, True),
    }
    for user in get_user_model().objects.all():
        assert user.first_name and user.last_name


def test_demo_users_can_log_in(output, client):
    for username in USERNAMES:
        assert client.login(username=username, password=PASSWORD), username
        client.logout()
        assert not client.login(username=username, password=PASSWORD + "x"), username


def test_every_demo_user_sees_the_plan(plan):
    for user in get_user_model().objects.filter(username__in=USERNAMES):
        assert list(plans_visible_to(user)) == [plan], user.username


def test_output_tells_where_to_go_and_how_to_log_in(output):
    assert "http://127.0.0.1:8000/" in output
    assert "http://127.0.0.1:8000/admin/" in output
    for username in USERNAMES:
        assert username in output
    assert PASSWORD in output
    assert demo.DEMO_PASSWORD == PASSWORD


# --- Idempotence and atomicity --------------------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model, including history, auth and sessions."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
    }


def test_loading_twice_creates_and_changes_nothing(db):
    load()
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 100
    second = io.StringIO()
    created = demo.load_demo(stdout=second, joint_plan=True)
    assert created and set(created.values()) == {0}
    assert snapshot() == before
    assert "nothing created" in second.getvalue()
    assert PASSWORD in second.getvalue()
    assert load() and snapshot() == before


def test_first_load_reports_what_it_created(db):
    created = demo.load_demo()
    assert created["goals"] == 6
    assert created["indicators"] == 12
    assert created["activities"] == 23
    assert created["users"] == 4
    assert created["measurements"] == Measurement.objects.count() > 0
    assert created["activity_statuses"] == ActivityStatus.objects.count() > 0


def test_existing_objects_are_not_overwritten(db):
    organisation = organisation_create(name="Sorsele kommun", actor=None)
    periods_ensure_year(organisation=organisation, year=2023, actor=None)
    get_user_model().objects.create_user(username="admin", password="own-password")

    output = load()

    organisation.refresh_from_db()
    assert organisation.municipality_code == ""
    assert not period("T2").is_open
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("own-password")
    assert not admin.is_superuser
    assert "not the demo password" in output
    assert Goal.objects.filter(plan__organisation=organisation).count() == 6


class Boom(Exception):
    pass


def test_a_failure_leaves_nothing_half_loaded(db, monkeypatch):
    def fail(**kwargs):
        raise Boom

    monkeypatch.setattr(demo, "measurement_record", fail)
    with pytest.raises(Boom):
        load()
    for model in (Organisation, Unit, Plan, Goal, Indicator, Activity, ActivityStatus):
        assert not model.objects.exists(), model
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_decided_version_holds_the_whole_plan():
    from indicators.models import Indicator

    call_command("load_demo", stdout=io.StringIO())
    plan = Plan.objects.get(name="Verksamhetsplan Omsorg 2023")
    as_decided = Plan.history.as_of(plan.decided_at).get(pk=plan.pk)
    assert as_decided.status == "decided"
    assert Goal.history.as_of(plan.decided_at).filter(plan_id=plan.pk).count() == 6
    assert Indicator.history.as_of(plan.decided_at).filter(goal__plan_id=plan.pk).count() == 12
