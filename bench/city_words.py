"""The large city's constants, words, indicator templates and shape (make_city.py)."""

import datetime
import math
import os
import random
import sys
import warnings
from dataclasses import dataclass, field
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
