"""Generate a large city: one municipality with ten years of goal plans, bulk-inserted.

    DATABASE_URL=postgres://... .venv/bin/python bench/make_city.py [--scale 1] [--seed 1]

At `--scale 1` (loaded in about 20 seconds into PostgreSQL 15 on two cores, after migrate):

- Storvik kommun, following up by tertials, its periods 2017-2027 (T3 2026 open for reporting);
  a unit tree four levels deep: 8 committees > an administration each > 4 operations each >
  5 units each (208 units);
- a cascade of 40 plans, each goal contributing to a goal of the plan above: a strategy
  (2017-2026, ten years of values) > 8 committee plans (2023-2026) > 14 operational plans of
  operations (2026) > 16 activity plans (2026), and a draft of next year's largest operational
  plan (2027, its indicators following this year's); about 6,000 indicators of every target
  kind (higher or lower is better, two or three bands, each bound on either side, a target
  above or at the green bound, none, or only in words; every unit, a scale, Kolada links,
  municipality-wide measures reused), 20,000 activities, 20,000 measured values (some per unit,
  some by gender), 40,000 activity statuses in every period (60 % of the open one reported),
  the planners' analyses of every goal in every past period, and comparison values;
- 200 people holding every role: administrators and planners of the whole organisation,
  planners of each administration, five members per committee, a manager per operation (the
  one of the largest operational plan reports thousands of rows) and unit managers, some of
  them for two units. All have the password `styrkort-bench`.

`--scale` changes the number of plans and the size of each plan together (`--scale 0.05` is a
city of 11 plans and about a thousand activities, made in two seconds; `--scale 0.25` has 21
plans and 5,000 activities). The same `--seed` gives the same city.

History: every object gets the django-simple-history records the app itself would have written
(who and when), made with bulk inserts: a creation record for each plan, unit, membership,
goal, indicator, activity, value, status and analysis; a second record where the object
changed (the decision of each plan, one status in ten reported twice, a few activities edited
after their plan was decided). So the history pages, the decided version of a plan (read from
the history as of its decision) and the restore page work on the city as on real data.

The database must not hold the city yet (use a new database). Nothing is deleted.
"""

import argparse
import datetime
import math
import os
import random
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITY = "Storvik kommun"
PASSWORD = "styrkort-bench"
FIRST_YEAR, LAST_YEAR, NEXT_YEAR = 2017, 2026, 2027
OPEN_PERIOD = (2026, "T3")
# The city's today: late in the open period.
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
BATCH = 2000


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


# --- Words ------------------------------------------------------------------------------------

COMMITTEES = [
    ("Kommunstyrelsen", "Kommunledningsförvaltningen"),
    ("Barn- och utbildningsnämnden", "Barn- och utbildningsförvaltningen"),
    ("Socialnämnden", "Socialförvaltningen"),
    ("Äldrenämnden", "Äldreförvaltningen"),
    ("Kultur- och fritidsnämnden", "Kultur- och fritidsförvaltningen"),
    ("Tekniska nämnden", "Tekniska förvaltningen"),
    ("Miljö- och byggnadsnämnden", "Samhällsbyggnadsförvaltningen"),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen"),
]
OPERATION_WORDS = [
    "Hemtjänst", "Särskilt boende", "Individ- och familjeomsorg", "Förskola", "Grundskola",
    "Gymnasieskola", "Bibliotek", "Fritidsgårdar", "Gata och park", "Vatten och avlopp",
    "Bygglov", "Miljötillsyn", "Ekonomi", "HR", "Kommunikation", "Vuxenutbildning",
    "Daglig verksamhet", "Försörjningsstöd", "Kostenheten", "Lokalförsörjning",
]  # fmt: skip
UNIT_WORDS = ["Norr", "Söder", "Öster", "Väster", "Centrum", "Hamnen", "Åsen", "Dalen", "Berget"]
FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per",
    "Lena", "Mikael", "Emma", "Nils", "Kerstin", "Ahmed", "Fatima", "Jonas", "Ingrid", "Ola",
    "Elin", "Magnus", "Sofia", "Henrik", "Hanna", "Björn", "Amira", "Leila", "Tomas", "Ulla",
]  # fmt: skip
LAST_NAMES = [
    "Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Lindberg", "Lindqvist", "Berg", "Holm", "Ali",
    "Hassan", "Sandberg", "Nyström", "Lundgren", "Åberg", "Öberg", "Mohammed", "Sjöberg",
]  # fmt: skip
GOAL_TITLES = [
    "Digitalisera verksamheterna för ökad tillgänglighet",
    "Nöjda och friska medarbetare",
    "En god ekonomisk hushållning",
    "Trygga invånare i alla åldrar",
    "En hållbar samhällsutveckling med minskad klimatpåverkan",
    "Likvärdig utbildning där alla elever når målen",
    "Ett rikt kultur- och fritidsliv för alla",
    "Ett attraktivt näringslivsklimat",
    "Stärkt delaktighet och inflytande för brukare",
    "Jämställd och jämlik service",
    "Barnets rättigheter i alla beslut",
    "Effektiva och rättssäkra processer",
]
ACTIONS = [
    "Vi utbildar alla medarbetare i", "Vi genomför en översyn av", "Vi inför",
    "Vi följer upp", "Vi tar fram en handlingsplan för", "Vi digitaliserar",
    "Vi samverkar med civilsamhället kring", "Vi kartlägger", "Vi förbättrar",
    "Vi utvärderar", "Vi implementerar", "Vi säkerställer",
]  # fmt: skip
SUBJECTS = [
    "MHFA (första hjälpen till psykisk hälsa)", "rutiner för dokumentation",
    "ansökan om ekonomiskt bistånd", "brukarnas delaktighet i genomförandeplaner",
    "det systematiska arbetsmiljöarbetet", "introduktion för nyanställda",
    "e-tjänster för invånarna", "energiförbrukningen i våra lokaler", "matsvinnet",
    "heltid som norm", "barnkonsekvensanalyser", "jämställdhetsanalys av resursfördelningen",
    "läsfrämjande insatser", "kompetensförsörjningen", "tillsynsplanen",
    "samverkan med regionen kring äldres hälsa", "trygghetsvandringar", "sjukfrånvaron",
    "lokalanvändningen", "inköpsrutinerna", "klimatanpassning av parker",
]  # fmt: skip
QUALIFIERS = [
    "", "", "", " i samtliga enheter", " tillsammans med HR", " enligt kommunens riktlinjer",
    ". Arbetet redovisas för nämnden vid årsbokslutet",
    " och resultatet används i nästa års verksamhetsplan",
    ". Insatsen finansieras inom befintlig budget och följs upp tertialvis",
]  # fmt: skip
ROLES_TEXT = [
    "Verksamhetschef", "Enhetschef", "Alla chefer", "Alla medarbetare", "Förvaltningschef",
    "Kvalitetsutvecklare", "HR-konsult", "Ekonomichef",
]  # fmt: skip
STATUS_COMMENTS = [
    "", "", "", "Enligt plan.", "Försenat på grund av personalbrist.",
    "Klart i samtliga enheter.", "Påbörjat, slutförs under nästa tertial.",
    "Avvaktar beslut i nämnden.", "Genomfört i tre av fem enheter; resten under hösten.",
    "Ersatt av en regiongemensam insats.", "Utbildningen genomförd, 87 % av medarbetarna deltog.",
]  # fmt: skip
ANALYSES = [
    "Arbetet har gått enligt plan under perioden.",
    "Sjukfrånvaron har minskat något men ligger fortfarande över målvärdet.",
    "Flera aktiviteter har försenats på grund av vakanser bland cheferna.",
    "Vi bedömer att målet nås till årets slut om de påbörjade insatserna fullföljs.",
    "Brukarundersökningen visar förbättrade resultat inom bemötande och information.",
    "Kostnaderna har ökat mer än budgeterat, främst för inhyrd personal.",
    "Nästa period prioriterar vi kompetensförsörjning och heltidsarbete.",
]


@dataclass(frozen=True)
class Template:
    """An indicator as plans write it: its target kind and how its values fall."""

    name: str
    unit: str
    direction: str
    green: str
    green_inclusive: bool
    red: str | None
    red_inclusive: bool
    target: str | None
    decimals: int
    mean: float
    spread: float
    unit_label: str = ""
    scale_max: str | None = None
    target_text: str = ""
    source: str = ""
    kpi: str = ""
    low: float | None = 0.0
    high: float | None = None


TEMPLATES = [
    Template("HME-index, totalt", "index", "higher", "80", True, "70", False, "80", 0, 78, 5,
             target_text="HME-index >80", source="Medarbetarenkät", kpi="U00200", high=100),
    Template("Sjukfrånvaro bland medarbetare", "percent", "lower", "6", False, "7", True, "5.5", 1,
             6.4, 1.1, target_text="<6 %", source="Företagshälsovården", kpi="N00090"),
    Template("Väntetid från första besök till beslut, ekonomiskt bistånd", "days", "lower", "9",
             True, "20", False, "9", 0, 12, 6, source="Kolada", kpi="U31402"),
    Template("Andel enheter med handlingsplan för arbetsmiljö", "percent", "higher", "100", True,
             None, True, None, 0, 93, 7, target_text="100 %", source="Egen uppföljning", high=100),
    Template("Företagsklimat enligt Insikt", "index", "higher", "3.9", True, "3.4", True, "4", 1,
             3.8, 0.3, scale_max="6", target_text="4,0 (av 6,0)", source="SKR Insikt",
             kpi="U07453", high=6),
    Template("Kostnad äldreomsorg per invånare 80+", "other", "lower", "232", True, "275", True,
             "230", 0, 245, 22, unit_label="tkr/inv 80+", target_text="<232 tkr",
             source="Räkenskapssammandraget", kpi="N20048"),
    Template("Brukarbedömning hemtjänst, helhetssyn", "percent", "higher", "90", True, "80",
             False, "92", 0, 88, 5, source="Socialstyrelsens brukarenkät", kpi="U21468",
             high=100),
    Template("Invånare som rekommenderar kommunen som en bra plats att bo", "percent", "higher",
             "70", True, "60", False, None, 0, 66, 6, source="SCB:s medborgarundersökning",
             kpi="N00667", high=100),
    Template("Deltagartillfällen i föreningslivet", "persons", "higher", "5000", True, "4000",
             True, None, 0, 5100, 700, source="Föreningsregistret"),
    Template("Utredningstid barn och unga 0–20 år", "days", "lower", "120", True, "150", False,
             "110", 0, 125, 20, source="Kolada", kpi="U33401"),
    Template("Befolkningsförändring", "percent", "higher", "0.5", True, None, True, None, 2, 0.6,
             0.5, target_text="Ska öka jämfört med föregående år", source="SCB", kpi="N01963",
             low=None),
    Template("Kostnadsavvikelse individ- och familjeomsorg", "kr_per_inhabitant", "lower", "0",
             True, "500", True, None, 0, 120, 400, source="Kolada", kpi="N30101", low=None),
    Template("Nöjd kund-index bygglov", "index", "higher", "70", False, "60", True, "75", 0, 69,
             6, scale_max="100", source="SBA", high=100),
    Template("Genomförda tillsynsbesök", "number", "higher", "400", True, "300", False, "420", 0,
             390, 60, source="Verksamhetssystemet"),
    Template("Andel elever med godkända betyg i alla ämnen, åk 9", "percent", "higher", "80",
             True, "70", False, "85", 1, 77, 6, source="Skolverket", high=100),
    Template("Matsvinn per portion", "other", "lower", "20", True, "35", True, None, 0, 27, 8,
             unit_label="gram/portion", target_text="Ska minska", source="Kostenheten"),
]  # fmt: skip
# How often indicators are measured, with their share.
FREQUENCIES = [
    ("every_period", 0.55), ("yearly", 0.30), ("every_second_year", 0.05),
    ("every_third_year", 0.04), ("monthly", 0.03), ("other", 0.03),
]  # fmt: skip
STATUS_SHARES = [("done", 0.6), ("in_progress", 0.2), ("delayed", 0.1), ("not_started", 0.05),
                 ("cancelled", 0.05)]  # fmt: skip


def pick(rng: random.Random, weighted):
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


# --- The shape --------------------------------------------------------------------------------


@dataclass
class Shape:
    """How many plans of each kind, and how large each is (mean goals, indicators, activities)."""

    committees: int
    operations_per_administration: int
    units_per_operation: int
    operational_plans: int
    activity_plans: int
    members_per_committee: int
    sizes: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @classmethod
    def at(cls, scale: float) -> "Shape":
        """Plans and their size each grow with the square root of the scale: the city's rows
        grow with the scale itself."""
        root = math.sqrt(scale)

        def count(n: int, least: int = 1) -> int:
            return max(least, round(n * root))

        def size(n: int) -> int:
            return max(1, round(n * root))

        committees = min(len(COMMITTEES), count(8, 2))
        return cls(
            committees=committees,
            operations_per_administration=4 if scale >= 0.2 else 2,
            units_per_operation=5 if scale >= 0.2 else 3,
            operational_plans=count(14),
            activity_plans=count(16),
            members_per_committee=5 if scale >= 0.2 else 2,
            sizes={
                "strategy": (6, size(60), 0),
                "committee": (6, size(150), size(150)),
                "operational": (8, size(200), size(400)),
                "activity": (6, size(110), size(800)),
            },
        )


# --- The generator ----------------------------------------------------------------------------


class City:
    def __init__(self, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.kind_rng = random.Random(seed + 1_000_003)  # kinds added later, the rest unchanged
        self.shape = Shape.at(scale)
        self.counts: dict[str, int] = defaultdict(int)
        self.history_rows = 0

    # helpers ------------------------------------------------------------------------------

    def moment(self, day: datetime.date, spread_days: int = 0) -> datetime.datetime:
        """A time on `day` (plus up to `spread_days`), never after the city's today."""
        days = self.rng.randint(0, spread_days) if spread_days else 0
        at = datetime.datetime.combine(
            day + datetime.timedelta(days=days),
            datetime.time(self.rng.randint(7, 17), self.rng.randint(0, 59)),
            tzinfo=datetime.UTC,
        )
        return min(at, NOW - datetime.timedelta(minutes=self.rng.randint(1, 600)))

    def create(self, model, objects: list, *, when, who, label: str | None = None) -> list:
        """Bulk-insert objects and their creation history record (when/who per object)."""
        model.objects.bulk_create(objects, batch_size=BATCH)
        self.counts[label or model._meta.verbose_name_plural] += len(objects)
        if hasattr(model, "history"):
            self.history(model, objects, kind="+", when=when, who=who)
        return objects

    def history(self, model, objects, *, kind: str, when, who, before=None) -> None:
        """History records of `objects` as they are now (or as `before(obj)` says they were)."""
        historical = model.history.model
        names = [f.attname for f in historical.tracked_fields]
        rows = []
        for obj in objects:
            values = {name: getattr(obj, name) for name in names}
            if before is not None:
                values.update(before(obj))
            rows.append(
                historical(
                    history_date=when(obj),
                    history_user_id=who(obj),
                    history_type=kind,
                    history_change_reason=None,
                    **values,
                )
            )
        historical.objects.bulk_create(rows, batch_size=BATCH)
        self.history_rows += len(rows)

    def person_name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # the organisation ---------------------------------------------------------------------

    def build(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.organisation_and_periods()
            self.units()
            self.people()
            self.plans()
            self.goals()
            self.indicators()
            self.activities()
            self.follow_up()

    def organisation_and_periods(self) -> None:
        from planning.models import FollowUpPeriod, Organisation
        from planning.services.periods import year_periods

        if Organisation.objects.filter(name=CITY).exists():
            raise SystemExit(f"{CITY} is in this database already: use a new database.")
        created = datetime.date(FIRST_YEAR - 1, 9, 1)
        self.organisation = Organisation(
            name=CITY,
            official_name=CITY,
            municipality_code="2499",
            comparison_group="G33",
            level_committee="nämnd",
            level_administration="förvaltning",
            level_operation="verksamhet",
            level_unit="enhet",
        )
        self.create(Organisation, [self.organisation], when=lambda o: self.moment(created),
                    who=lambda o: None)  # fmt: skip
        periods = []
        for year in range(FIRST_YEAR, NEXT_YEAR + 1):
            for period in year_periods(self.organisation, year):
                period.is_open = (year, period.kind) == OPEN_PERIOD
                periods.append(period)
        self.create(FollowUpPeriod, periods, when=None, who=None)
        self.periods = periods
        self.open_period = next(p for p in periods if p.is_open)

    def units(self) -> None:
        from planning.models import Unit

        shape, org = self.shape, self.organisation
        created = datetime.date(FIRST_YEAR - 1, 9, 2)

        def when(_unit):
            return self.moment(created)

        def nobody(_unit):
            return None

        self.committees = [
            Unit(organisation=org, name=name, kind=Unit.Kind.COMMITTEE)
            for name, _administration in COMMITTEES[: shape.committees]
        ]
        self.create(Unit, self.committees, when=when, who=nobody)
        self.administrations = [
            Unit(organisation=org, parent=committee, name=COMMITTEES[index][1],
                 kind=Unit.Kind.ADMINISTRATION)
            for index, committee in enumerate(self.committees)
        ]  # fmt: skip
        self.create(Unit, self.administrations, when=when, who=nobody)
        words = iter(self.rng.sample(OPERATION_WORDS * 3, len(OPERATION_WORDS) * 3))
        self.operations, used = [], set()
        for administration in self.administrations:
            for _ in range(shape.operations_per_administration):
                name = next(words)
                while (administration.pk, name) in used:
                    name = next(words)
                used.add((administration.pk, name))
                self.operations.append(
                    Unit(organisation=org, parent=administration, name=name,
                         kind=Unit.Kind.OPERATION)
                )  # fmt: skip
        self.create(Unit, self.operations, when=when, who=nobody)
        self.leaf_units = []
        self.units_below: dict[int, list] = defaultdict(list)
        for operation in self.operations:
            for place in self.rng.sample(UNIT_WORDS, shape.units_per_operation):
                unit = Unit(organisation=org, parent=operation, name=f"{operation.name} {place}",
                            kind=Unit.Kind.UNIT)  # fmt: skip
                self.leaf_units.append(unit)
        self.create(Unit, self.leaf_units, when=when, who=nobody)
        for unit in self.leaf_units:
            self.units_below[unit.parent_id].append(unit)

    def people(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from planning.models import Membership, Role

        user_model = get_user_model()
        password = make_password(PASSWORD)  # once: the same password for everyone
        joined = datetime.datetime(FIRST_YEAR - 1, 9, 5, 8, tzinfo=datetime.UTC)
        users, grants = [], []  # grants: (user, unit or None, role)

        def person(username: str) -> object:
            first, last = self.person_name()
            user = user_model(
                username=username, first_name=first, last_name=last,
                email=f"{username}@storvik.example", password=password, date_joined=joined,
            )  # fmt: skip
            users.append(user)
            return user

        for n in range(1, 3):
            grants.append((person(f"admin{n:02}"), None, Role.ADMINISTRATOR))
        for n in range(1, 5 if len(self.committees) > 2 else 2):
            grants.append((person(f"planerare{n:02}"), None, Role.PLANNER))
        for n, administration in enumerate(self.administrations, start=1):
            grants.append((person(f"forvaltningsplanerare{n:02}"), administration, Role.PLANNER))
        for c, committee in enumerate(self.committees, start=1):
            for m in range(1, self.shape.members_per_committee + 1):
                grants.append((person(f"ledamot{c}{m:02}"), committee, Role.COMMITTEE_MEMBER))
        self.managers: dict[int, object] = {}  # unit id -> its manager
        for n, operation in enumerate(self.operations, start=1):
            manager = person(f"verksamhetschef{n:02}")
            grants.append((manager, operation, Role.UNIT_MANAGER))
            self.managers[operation.pk] = manager
        # A manager for every 1.4 units: some lead two.
        leaves = list(self.leaf_units)
        number = 0
        while leaves:
            number += 1
            manager = person(f"enhetschef{number:03}")
            for unit in leaves[: 2 if number % 5 in (1, 3) else 1]:
                grants.append((manager, unit, Role.UNIT_MANAGER))
                self.managers[unit.pk] = manager
            leaves = leaves[2 if number % 5 in (1, 3) else 1 :]
        user_model.objects.bulk_create(users, batch_size=BATCH)
        self.counts["people"] += len(users)
        self.users = users
        self.planners = [user for user, unit, role in grants if role == Role.PLANNER and not unit]
        self.administration_planner = {
            unit.pk: user for user, unit, role in grants if role == Role.PLANNER and unit
        }
        memberships = [
            Membership(user=user, organisation=self.organisation, unit=unit, role=role)
            for user, unit, role in grants
        ]
        admin = users[0]
        self.create(Membership, memberships, when=lambda m: self.moment(joined.date()),
                    who=lambda m: admin.pk)  # fmt: skip

    # plans ----------------------------------------------------------------------------------

    def plans(self) -> None:
        from planning.models import Plan

        rng, org = self.rng, self.organisation
        plans = []

        def plan(kind, name, owner, parent, years, decided_on, level, **extra):
            item = Plan(
                organisation=org, owner_unit=owner, parent=parent, kind=kind, name=name,
                start_year=years[0], end_year=years[1], status=Plan.Status.DRAFT,
                responsible=" ".join(self.person_name()),
                vision="Storvik – en hållbar kommun där alla kan växa.",
                core_values="Öppenhet, respekt, engagemang",
                steering_documents="Vision Storvik 2030; Budget och verksamhetsplan",
                gender_equality="Alla nyckeltal som rör personer redovisas uppdelat på kön.",
                child_rights="Barnets bästa ska särskilt beaktas i alla beslut som rör barn.",
                sustainability="Planen bidrar till Agenda 2030:s mål 3, 4, 8 och 11.",
                **extra,
            )  # fmt: skip
            item.level = level
            item.created_on = datetime.date(years[0] - 1, 9, rng.randint(1, 28))
            item.decided_on = decided_on
            if decided_on is not None:
                item.status = Plan.Status.DECIDED
                item.decision_date = decided_on
                item.decided_at = datetime.datetime.combine(
                    decided_on, datetime.time(15, 0), tzinfo=datetime.UTC
                )
                item.decided_by = "Kommunfullmäktige" if level == "strategy" else (
                    owner.name if owner and owner.kind == "committee" else "Nämnden"
                )  # fmt: skip
                item.decision_paragraph = f"§ {rng.randint(10, 250)}"
                item.registration_number = f"{decided_on.year}/{rng.randint(100, 999)}-012"
                item.valid_from = datetime.date(years[0], 1, 1)
                item.version = 2
            plans.append(item)
            return item

        self.strategy = plan(
            Plan.Kind.STRATEGY, "Strategisk plan 2017–2026", self.committees[0], None,
            (FIRST_YEAR, LAST_YEAR), datetime.date(FIRST_YEAR - 1, 11, 28), "strategy",
        )  # fmt: skip
        self._save_plans([self.strategy])
        self.committee_plans = [
            plan(Plan.Kind.SECTOR_PLAN, f"Nämndplan {committee.name} 2023–2026", committee,
                 self.strategy, (2023, LAST_YEAR), datetime.date(2022, 12, rng.randint(5, 20)),
                 "committee")
            for committee in self.committees
        ]  # fmt: skip
        self._save_plans(self.committee_plans)
        committee_plan_of = {p.owner_unit_id: p for p in self.committee_plans}
        administration_of = {a.pk: a for a in self.administrations}
        owners = rng.sample(
            self.operations, min(len(self.operations), self.shape.operational_plans)
        )
        self.operational_plans = []
        for operation in owners:
            committee_id = administration_of[operation.parent_id].parent_id
            self.operational_plans.append(
                plan(Plan.Kind.OPERATIONAL_PLAN, f"Verksamhetsplan {operation.name} {LAST_YEAR}",
                     operation, committee_plan_of[committee_id], (LAST_YEAR, LAST_YEAR),
                     datetime.date(LAST_YEAR - 1, 12, rng.randint(1, 15)), "operational")
            )  # fmt: skip
        self._save_plans(self.operational_plans)
        operational_of = {p.owner_unit_id: p for p in self.operational_plans}
        self.activity_plans = []
        for index in range(self.shape.activity_plans):
            operation = owners[index % len(owners)] if index < len(owners) else rng.choice(owners)
            suffix = "" if index < len(owners) else f" – {rng.choice(UNIT_WORDS)}"
            self.activity_plans.append(
                plan(Plan.Kind.ACTIVITY_PLAN,
                     f"Aktivitetsplan {operation.name}{suffix} {LAST_YEAR}", operation,
                     operational_of[operation.pk], (LAST_YEAR, LAST_YEAR),
                     datetime.date(LAST_YEAR, 1, rng.randint(10, 30)), "activity")
            )  # fmt: skip
        self._save_plans(self.activity_plans)
        # Sizes: each plan its kind's mean, give or take 30 %; the first operational plan is the
        # largest, and next year's draft copies it.
        for item in plans:
            goals, indicators, activities = self.shape.sizes[item.level]
            factor = 1.3 if item is self.operational_plans[0] else rng.uniform(0.8, 1.25)
            item.size = (goals, round(indicators * factor), round(activities * factor))
        largest = self.operational_plans[0]
        self.draft = plan(
            Plan.Kind.OPERATIONAL_PLAN, f"Verksamhetsplan {largest.owner_unit.name} {NEXT_YEAR}",
            largest.owner_unit, largest.parent, (NEXT_YEAR, NEXT_YEAR), None, "operational",
            rolled_over_from=largest,
        )  # fmt: skip
        self.draft.size = largest.size
        self._save_plans([self.draft])
        self.all_plans = plans

    def _save_plans(self, plans) -> None:
        from planning.models import Plan

        from_planner = self.planners[0].pk
        Plan.objects.bulk_create(plans, batch_size=BATCH)
        self.counts["plans"] += len(plans)

        def drafted(item):
            return {"status": Plan.Status.DRAFT, "decision_date": None, "decided_at": None,
                    "decided_by": "", "decision_paragraph": "", "registration_number": "",
                    "valid_from": None, "version": 1}  # fmt: skip

        self.history(Plan, plans, kind="+", when=lambda p: self.moment(p.created_on),
                     who=lambda p: from_planner, before=drafted)  # fmt: skip
        decided = [p for p in plans if p.decided_on is not None]
        self.history(Plan, decided, kind="~", when=lambda p: p.decided_at,
                     who=lambda p: from_planner)  # fmt: skip

    # goals, indicators, activities ----------------------------------------------------------

    def structure_time(self, item) -> datetime.datetime:
        """When a plan's content was written: after the plan was created, before its decision."""
        start = datetime.datetime.combine(item.created_on, datetime.time(8), tzinfo=datetime.UTC)
        end = item.decided_at or (NOW - datetime.timedelta(days=2))
        return start + (end - start) * self.rng.uniform(0.1, 0.9)

    def writer(self, item) -> int:
        owner = item.owner_unit
        node_ids = {owner.pk, owner.parent_id} if owner else set()
        for unit_id, user in self.administration_planner.items():
            if unit_id in node_ids:
                return user.pk
        return self.rng.choice(self.planners).pk

    def goals(self) -> None:
        """Level by level: each goal contributes to a goal of the plan above, saved before it."""
        from goals.models import Goal, Scope

        rng = self.rng
        self.goals_of: dict[int, list] = {}
        levels = [[self.strategy], self.committee_plans, self.operational_plans,
                  self.activity_plans, [self.draft]]  # fmt: skip
        for plans in levels:
            batch = []
            for item in plans:
                parent_goals = self.goals_of.get(item.parent_id, []) if item.parent_id else []
                count = item.size[0]
                titles = rng.sample(GOAL_TITLES, min(count, len(GOAL_TITLES)))
                mine = []
                for number in range(1, count + 1):
                    goal = Goal(
                        plan=item, number=number, title=titles[(number - 1) % len(titles)],
                        description=rng.choice(["", "Målet konkretiseras i delmål och mått."]),
                        scope=Scope.MUNICIPALITY_WIDE if number <= 2 else Scope.OPERATION_SPECIFIC,
                        contributes_to=rng.choice(parent_goals) if parent_goals else None,
                    )  # fmt: skip
                    goal.plan_item = item
                    mine.append(goal)
                self.goals_of[item.pk] = mine
                batch.extend(mine)
            self.create(Goal, batch, when=lambda g: self.structure_time(g.plan_item),
                        who=lambda g: self.writer(g.plan_item))  # fmt: skip

    def spread(self, total: int, goals: list) -> list[int]:
        """`total` items over the goals, unevenly (as real plans are)."""
        if not goals or total <= 0:
            return [0] * len(goals)
        weights = [self.rng.uniform(0.4, 1.6) for _ in goals]
        shares = [int(total * w / sum(weights)) for w in weights]
        shares[0] += total - sum(shares)
        return shares

    def indicators(self) -> None:
        from indicators.models import Indicator

        self.indicators_of_plan: dict[int, list] = defaultdict(list)
        reusable: list = []
        by_level = [
            [self.strategy], self.committee_plans, self.operational_plans, self.activity_plans,
        ]  # fmt: skip
        for plans in by_level:
            batch = []
            for item in plans:
                goals = self.goals_of[item.pk]
                for goal, count in zip(goals, self.spread(item.size[1], goals), strict=True):
                    for position in range(count):
                        indicator = self.indicator(goal, position, reusable)
                        indicator.plan_item = item
                        batch.append(indicator)
                        self.indicators_of_plan[item.pk].append(indicator)
            self.create(Indicator, batch, when=lambda i: self.structure_time(i.plan_item),
                        who=lambda i: self.writer(i.plan_item))  # fmt: skip
            if plans and plans[0].level in ("strategy", "committee"):
                reusable += [i for i in batch if i.scope == "municipality_wide"]
        # Next year's draft: this year's largest plan's indicators, each following its own.
        source = self.operational_plans[0]
        draft_goals = self.goals_of[self.draft.pk]
        batch = []
        for indicator in self.indicators_of_plan[source.pk]:
            copy = Indicator(
                **{f.attname: getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields
                   if f.attname not in ("id", "goal_id", "version", "predecessor_id")},
                goal=draft_goals[(indicator.goal.number - 1) % len(draft_goals)],
                predecessor=indicator,
            )  # fmt: skip
            copy.plan_item = self.draft
            batch.append(copy)
        self.create(Indicator, batch, when=lambda i: self.structure_time(self.draft),
                    who=lambda i: self.writer(self.draft))  # fmt: skip

    def indicator(self, goal, position: int, reusable: list):
        from indicators.models import Indicator

        rng = self.rng
        template = rng.choice(TEMPLATES)
        wide = goal.scope == "municipality_wide" and rng.random() < 0.5
        reuses = None
        if wide and reusable and goal.plan_item.level in ("operational", "activity"):
            reuses = rng.choice(reusable)
            template = reuses.template
        rng.random()  # was a sub-goal in words: drawn still, so the seed gives the same city
        indicator = Indicator(
            goal=goal, position=position,
            scope="municipality_wide" if wide else "operation_specific",
            name=template.name if rng.random() < 0.6
            else f"{template.name} – {rng.choice(UNIT_WORDS).lower()}",
            definition="Andel av samtliga svarande, enligt källans definition."
            if rng.random() < 0.3 else "",
            unit=template.unit, unit_label=template.unit_label, decimals=template.decimals,
            source=template.source, frequency=pick(rng, FREQUENCIES),
            scale_max=Decimal(template.scale_max) if template.scale_max else None,
            target_value=Decimal(template.target) if template.target else None,
            target_text=template.target_text, direction=template.direction,
            green_bound=Decimal(template.green), green_bound_inclusive=template.green_inclusive,
            red_bound=Decimal(template.red) if template.red else None,
            red_bound_inclusive=template.red_inclusive, reuses=reuses,
            open_data={"kolada": {"kpi": template.kpi}}
            if template.kpi and rng.random() < 0.35 else {},
        )  # fmt: skip
        if self.kind_rng.random() < 0.03 and not reuses:  # only followed: charted, no colour
            indicator.target_kind = "monitor"
            indicator.target_value = indicator.green_bound = indicator.red_bound = None
        indicator.template = template
        return indicator

    def activities(self) -> None:
        from goals.deadlines import last_day
        from goals.models import Activity

        rng = self.rng
        self.activities_of_plan: dict[int, list] = defaultdict(list)
        batch = []
        for item in [*self.committee_plans, *self.operational_plans, *self.activity_plans]:
            goals = self.goals_of[item.pk]
            owner = item.owner_unit
            if item.level == "committee":
                administration = next(a for a in self.administrations if a.parent_id == owner.pk)
                places = [None, administration] + [
                    o for o in self.operations if o.parent_id == administration.pk
                ]
            else:
                places = [None, None, *self.units_below[owner.pk]]
                if item.level == "activity":
                    places = [None, *self.units_below[owner.pk] * 4]
            for goal, count in zip(goals, self.spread(item.size[2], goals), strict=True):
                for position in range(count):
                    activity = self.activity(goal, position, rng.choice(places))
                    activity.plan_item = item
                    batch.append(activity)
                    self.activities_of_plan[item.pk].append(activity)
        self.create(Activity, batch, when=lambda a: self.structure_time(a.plan_item),
                    who=lambda a: self.writer(a.plan_item))  # fmt: skip
        # Next year's draft: this year's unfinished activities, as roll-over copies them.
        draft_goals = self.goals_of[self.draft.pk]
        source = self.activities_of_plan[self.operational_plans[0].pk]
        copies = []
        for activity in source[: len(source) // 2]:
            copy = self.activity(
                draft_goals[(activity.goal.number - 1) % len(draft_goals)], activity.position,
                activity.unit,
            )  # fmt: skip
            copy.title = activity.title
            copy.plan_item = self.draft
            copies.append(copy)
        self.create(Activity, copies, when=lambda a: self.structure_time(self.draft),
                    who=lambda a: self.writer(self.draft))  # fmt: skip
        # A few activities were changed after their plan was decided (the decided page shows it).
        changed = [a for a in batch if rng.random() < 0.03]
        for activity in changed:
            activity.version = 2
            activity.ongoing, activity.due_precision = False, "month"
            activity.due_on = last_day(activity.plan_item.start_year, rng.randint(9, 12))
        Activity.objects.bulk_update(
            changed, ["version", "ongoing", "due_on", "due_precision"], batch_size=BATCH
        )
        self.history(
            Activity, changed, kind="~",
            when=lambda a: a.plan_item.decided_at + datetime.timedelta(days=rng.randint(20, 200)),
            who=lambda a: self.writer(a.plan_item),
        )  # fmt: skip

    def activity(self, goal, position: int, unit):
        from goals.deadlines import last_day
        from goals.evaluation import legacy_mask
        from goals.models import Activity
        from planning.models import scheme_rows

        if not hasattr(self, "scheme"):
            self.scheme = scheme_rows(self.organisation)

        rng = self.rng
        ongoing = rng.random() < 0.3
        t1, t2 = rng.random() < 0.5, rng.random() < 0.7
        year_end = rng.random() < 0.9 or not (t1 or t2)
        title = f"{rng.choice(ACTIONS)} {rng.choice(SUBJECTS)}{rng.choice(QUALIFIERS)}"
        manager = self.managers.get(unit.pk) if unit is not None else None
        return Activity(
            goal=goal, position=position, title=title, responsible_role=rng.choice(ROLES_TEXT),
            unit=unit, responsible_user=manager if manager and rng.random() < 0.2 else None,
            ongoing=ongoing,
            due_on=None if ongoing else last_day(goal.plan_item.start_year, rng.randint(1, 12)),
            evaluated_months=legacy_mask(self.scheme, t1, t2, year_end),
        )  # fmt: skip

    # follow-up --------------------------------------------------------------------------------

    def periods_of(self, item) -> list:
        """The plan's periods up to the open one."""
        open_key = (self.open_period.year, self.open_period.ordinal)
        return [
            p for p in self.periods
            if item.start_year <= p.year <= item.end_year and (p.year, p.ordinal) <= open_key
        ]  # fmt: skip

    def reporter(self, item, unit) -> int:
        if unit is not None and unit.pk in self.managers:
            return self.managers[unit.pk].pk
        owner = item.owner_unit
        if owner is not None and owner.pk in self.managers:
            return self.managers[owner.pk].pk
        return self.writer(item)

    def reported_at(self, period) -> datetime.datetime:
        if period.is_open:
            return self.moment(period.starts_on, (NOW.date() - period.starts_on).days)
        return self.moment(period.ends_on, 30)

    def follow_up(self) -> None:
        self.measurements()
        self.statuses()
        self.analyses()
        self.reference_values()

    def value(self, template: Template, year: int) -> Decimal | None:
        if self.rng.random() < 0.03:
            return None  # known to be missing
        drift = (year - FIRST_YEAR) * template.spread * 0.03
        direction = 1 if template.direction == "higher" else -1
        number = self.rng.gauss(template.mean + direction * drift, template.spread)
        if template.low is not None:
            number = max(template.low, number)
        if template.high is not None:
            number = min(template.high, number)
        return Decimal(str(round(number, template.decimals)))

    def measured_in(self, frequency: str, period) -> bool:
        year_end = period.ordinal == 3
        if frequency in ("every_period", "monthly"):
            return True
        if frequency in ("yearly", "other"):
            return year_end
        if frequency == "every_second_year":
            return year_end and period.year % 2 == 0
        return year_end and period.year % 3 == 0

    def measurements(self) -> None:
        from indicators.models import Measurement

        rng = self.rng
        batch = []
        for item in self.all_plans:
            periods = self.periods_of(item)
            owner_units = self.units_below.get(item.owner_unit_id, [])
            for indicator in self.indicators_of_plan[item.pk]:
                template = indicator.template
                kolada = bool(indicator.open_data)
                genders = ("T", "K", "M") if rng.random() < 0.05 else ("T",)
                per_unit = item.level == "operational" and owner_units and rng.random() < 0.08
                for period in periods:
                    if not self.measured_in(indicator.frequency, period):
                        continue
                    if period.is_open and rng.random() > 0.4:
                        continue  # not entered yet
                    entered_at = self.reported_at(period)
                    who = self.reporter(item, None)
                    targets = [(None, g) for g in genders]
                    if per_unit:
                        targets += [(u, "T") for u in owner_units]
                    for unit, gender in targets:
                        batch.append(
                            Measurement(
                                indicator=indicator, period=period, unit=unit, gender=gender,
                                value=self.value(template, period.year),
                                origin="kolada" if kolada and unit is None else "manual",
                                fetched_at=entered_at if kolada and unit is None else None,
                                comment=rng.choice(STATUS_COMMENTS[:6]),
                                source="Kolada" if kolada else template.source,
                                entered_by_id=None if kolada else
                                (self.reporter(item, unit) if unit else who),
                                entered_at=entered_at,
                            )
                        )  # fmt: skip
        self.create(Measurement, batch, when=lambda m: m.entered_at,
                    who=lambda m: m.entered_by_id)  # fmt: skip

    def statuses(self) -> None:
        from goals.models import ActivityStatus

        rng = self.rng
        batch = []
        for item in self.all_plans:
            periods = self.periods_of(item)
            for activity in self.activities_of_plan[item.pk]:
                for period in periods:
                    if not activity.is_evaluated_in(period):
                        continue
                    if rng.random() > (0.6 if period.is_open else 0.97):
                        continue
                    due = activity.is_due_by(period)
                    status = pick(rng, STATUS_SHARES) if due else rng.choice(
                        ["in_progress", "in_progress", "not_started", "done", "delayed"]
                    )  # fmt: skip
                    batch.append(
                        ActivityStatus(
                            activity=activity, period=period, status=status,
                            comment=rng.choice(STATUS_COMMENTS),
                            reported_by_id=self.reporter(item, activity.unit),
                            reported_at=self.reported_at(period),
                        )
                    )  # fmt: skip
        self.create(ActivityStatus, batch, when=lambda s: s.reported_at,
                    who=lambda s: s.reported_by_id)  # fmt: skip
        # One report in ten was changed later: "in progress" first, then what it is now.
        changed = [s for s in batch if rng.random() < 0.1]
        for status in changed:
            status.version = 2
        ActivityStatus.objects.bulk_update(changed, ["version"], batch_size=BATCH)
        for status in changed:
            status.first_at = status.reported_at - datetime.timedelta(days=rng.randint(3, 40))
        self.history(ActivityStatus, changed, kind="~", when=lambda s: s.reported_at,
                     who=lambda s: s.reported_by_id)  # fmt: skip
        # ... and its creation record says what it was first (created above with today's values).
        historical = ActivityStatus.history.model
        first = {s.pk: s.first_at for s in changed}
        rows = list(historical.objects.filter(id__in=list(first), history_type="+"))
        for row in rows:
            row.history_date, row.status, row.version = first[row.id], "in_progress", 1
        historical.objects.bulk_update(rows, ["history_date", "status", "version"],
                                       batch_size=BATCH)  # fmt: skip

    def analyses(self) -> None:
        from goals.models import GoalFollowUp

        rng = self.rng
        batch = []
        for item in self.all_plans:
            for period in self.periods_of(item):
                if period.is_open and rng.random() > 0.3:
                    continue
                for goal in self.goals_of[item.pk]:
                    batch.append(
                        GoalFollowUp(
                            goal=goal, period=period,
                            assessment=rng.choice(["achieved", "expected", "uncertain",
                                                   "not_expected", "not_achieved", ""]),
                            analysis=" ".join(rng.sample(ANALYSES, rng.randint(2, 4))),
                            written_by_id=self.writer(item),
                            updated_at=self.reported_at(period),
                        )
                    )  # fmt: skip
        self.create(GoalFollowUp, batch, when=lambda f: f.updated_at,
                    who=lambda f: f.written_by_id)  # fmt: skip

    def reference_values(self) -> None:
        """National and comparison-group values of the linked indicators, for the years
        published (not this year's yet)."""
        from indicators.models import ReferenceValue

        batch = []
        for item in self.all_plans:
            for indicator in self.indicators_of_plan[item.pk]:
                if not indicator.open_data:
                    continue
                for year in range(item.start_year, min(item.end_year, LAST_YEAR - 1) + 1):
                    for kind, group in (("national", ""), ("group_mean", "G33")):
                        batch.append(
                            ReferenceValue(
                                indicator=indicator, kind=kind, group=group, year=year,
                                value=self.value(indicator.template, year), source="Kolada",
                                fetched_at=self.moment(datetime.date(year + 1, 3, 1), 60),
                            )
                        )  # fmt: skip
        self.create(ReferenceValue, batch, when=lambda r: r.fetched_at, who=lambda r: None)


# --- Checking what was made -------------------------------------------------------------------


def validate(sample: int, seed: int) -> list[str]:
    """`full_clean()` on up to `sample` objects of each model (all with a negative sample)."""
    from django.core.exceptions import ValidationError

    from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
    from indicators.models import Indicator, Measurement, ReferenceValue
    from planning.models import Membership, Plan, Unit

    rng = random.Random(seed)
    problems = []
    for model in (Unit, Membership, Plan, Goal, Indicator, Activity, Measurement, ActivityStatus,
                  GoalFollowUp, ReferenceValue):  # fmt: skip
        ids = list(model.objects.values_list("pk", flat=True))
        chosen = ids if sample < 0 else rng.sample(ids, min(sample, len(ids)))
        for obj in model.objects.filter(pk__in=chosen):
            try:
                obj.full_clean()
            except ValidationError as error:
                problems.append(f"{model.__name__} {obj.pk}: {error.messages}")
    return problems


def summary() -> dict[str, int]:
    from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
    from indicators.models import Indicator, Measurement, ReferenceValue
    from planning.models import FollowUpPeriod, Membership, Plan, Unit

    return {
        "units": Unit.objects.count(),
        "people": Membership.objects.values("user").distinct().count(),
        "memberships": Membership.objects.count(),
        "periods": FollowUpPeriod.objects.count(),
        "plans": Plan.objects.count(),
        "goals": Goal.objects.count(),
        "indicators": Indicator.objects.count(),
        "activities": Activity.objects.count(),
        "measured values": Measurement.objects.count(),
        "activity statuses": ActivityStatus.objects.count(),
        "goal analyses": GoalFollowUp.objects.count(),
        "comparison values": ReferenceValue.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1: the large city (default)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed, the same city")
    parser.add_argument(
        "--validate",
        type=int,
        default=200,
        metavar="N",
        help="full_clean() N objects of each model afterwards (-1: all, 0: none)",
    )
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a new database for the city (not the demo's).")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    city = City(options.scale, options.seed)
    city.build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum would have them
    loaded = time.perf_counter() - started
    print(f"{CITY} (scale {options.scale:g}, seed {options.seed}) loaded into "
          f"{connection.vendor} in {loaded:.1f} s:")  # fmt: skip
    for name, count in summary().items():
        print(f"  {name:<20} {count:>8,}")
    print(f"  {'history records':<20} {city.history_rows:>8,}")
    print(f"Every person's password: {PASSWORD}")
    if options.validate:
        started = time.perf_counter()
        problems = validate(options.validate, options.seed)
        what = "every object" if options.validate < 0 else f"{options.validate} of each model"
        print(f"full_clean() on {what}: {len(problems)} problems "
              f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
        for problem in problems[:20]:
            print("  " + problem)
        if problems:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
