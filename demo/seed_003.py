"""Seed 003 as data: the joint plan of Dorotea kommun and Region Västerbotten, "Förstudie och
handlingsplan gemensam systemledning" (Kommunstyrelsen, KS-2023-0136-106).

The seed is a proposal to the council with its goal, the decisions behind it and the action
plan's purpose; it names no measures, activities or owners in the two organisations, and no
date of the council's decision. Everything of that kind below is ILLUSTRATIVE: made up for the
demo, plausible for the two organisations, and said to be so on the plan itself (its
"other steering documents" and the goal's description). Quoted text is the seed's own.
"""

import datetime
from decimal import Decimal

from goals.models import ActivityStatus, Scope
from indicators.colour import Direction
from indicators.models import Indicator
from planning.models import Organisation, Plan, Role, Unit

D = Decimal
Kind = Unit.Kind
MU = Indicator.MeasureUnit
HIGHER = Direction.HIGHER_IS_BETTER.value
LOWER = Direction.LOWER_IS_BETTER.value

YEAR = 2024
OPEN_PERIOD = "T1"

# The lead organisation (the seed is Dorotea's Kommunstyrelsen's) and its partner.
LEAD = {
    "name": "Dorotea kommun",
    "kind": Organisation.Kind.MUNICIPALITY,
    "country": Organisation.Country.SWEDEN,
    "municipality_code": "2425",
}
PARTNER = {
    "name": "Region Västerbotten",
    "kind": Organisation.Kind.REGION,
    "country": Organisation.Country.SWEDEN,
    "municipality_code": "0024",
}

# (organisation, name, kind, parent's name): parents first. The committees are the seed's
# ("Kommunstyrelsen i Dorotea och Hälso- och sjukvårdsnämnden"), and so is Dorotea's
# operation ("Verksamhet: Vård- och stödverksamheter"); the units below them are illustrative.
UNITS = (
    ("lead", "Kommunstyrelsen", Kind.COMMITTEE, None),
    ("lead", "Vård- och stödverksamheter", Kind.OPERATION, "Kommunstyrelsen"),
    ("lead", "Hemtjänst Dorotea", Kind.UNIT, "Vård- och stödverksamheter"),
    ("lead", "Särskilt boende Dorotea", Kind.UNIT, "Vård- och stödverksamheter"),
    ("partner", "Hälso- och sjukvårdsnämnden", Kind.COMMITTEE, None),
    ("partner", "Primärvården", Kind.ADMINISTRATION, "Hälso- och sjukvårdsnämnden"),
    ("partner", "Hälsocentralen Dorotea", Kind.UNIT, "Primärvården"),
)

PLAN_OWNER = "Vård- och stödverksamheter"
ILLUSTRATIVE = (
    "Förstudien anger målet och beslutsgången men inga mått, aktiviteter eller ansvariga "
    "enheter: de som står i planen här är påhittade för demonstrationen (illustrativa), och så "
    "är beslutsdatumet."
)
# The decision process (ILLUSTRATIVE dates and paragraphs): Kommunstyrelsen proposes, the
# region's Hälso- och sjukvårdsnämnden decides its part, Kommunfullmäktige decides last.
DECISION_STEPS = (
    ("lead", "preparation", datetime.date(2024, 2, 5), "Kommunstyrelsen", "§ 14", "proposes"),
    ("partner", "decision", datetime.date(2024, 2, 15), "Hälso- och sjukvårdsnämnden", "§ 22",
     "decided"),
    ("lead", "decision", datetime.date(2024, 2, 26), "Kommunfullmäktige", "§ 9", "decided"),
)  # fmt: skip
PLAN = {
    "kind": Plan.Kind.ACTION_PLAN,
    "name": "Förstudie och handlingsplan gemensam systemledning Dorotea",
    "start_year": 2024,
    "end_year": 2025,
    "decided_by": "Kommunfullmäktige",
    # Illustrative: the seed is Kommunstyrelsen's proposal; the council's date is not in it.
    "decision_date": datetime.date(2024, 2, 26),
    "registration_number": "KS-2023-0136-106",
    "responsible": "Verksamhetschef vård och stöd",
    "vision": (
        "Målet är att säkra en god, nära och tillgänglig hälso- och sjukvård och omsorg för "
        "medborgarna i Dorotea med utgångspunkt från en gemensam systemledning för hälso- och "
        "sjukvård och omsorg."
    ),
    "steering_documents": (
        "Kommunstyrelsen i Dorotea och Hälso- och sjukvårdsnämnden har beslutat att en "
        "förstudie gällande gemensam systemledning mellan Region Västerbotten och Dorotea "
        "kommun ska genomföras samt att en handlingsplan som beskriver vilka åtgärder som "
        "behöver vidtas inkluderas i arbetet. KF beslutade 2023-12-04 § 102 att förlänga "
        "återrapporteringstiden till februari 2024. Beslutsunderlag: Gemensam systemledning "
        "Dorotea, Förstudie med handlingsplan. Nära vård i Västerbotten.\n\n" + ILLUSTRATIVE
    ),
    "child_rights": (
        "Hänsyn tagen då Nära vård i Västerbotten innefattar alla invånare i kommunen, så även "
        "barnen."
    ),
}

GOAL = {
    "number": 1,
    "title": "En god, nära och tillgänglig hälso- och sjukvård och omsorg i Dorotea",
    "scope": Scope.OPERATION_SPECIFIC.value,
    "description": (
        "Med en gemensam systemledning skapas bättre förutsättningar för samordning och "
        "samnyttjande av befintliga resurser på alla nivåer och risken minskar för olikheter "
        "gällande förutsättningar för organisationernas medarbetare.\n\n" + ILLUSTRATIVE
    ),
}

# Illustrative measures, one for each side's work; plain numbers, no open-data link.
INDICATORS = (
    {
        "name": "Samordnade individuella planer (SIP) inom 30 dagar",
        "definition": (
            "Andel SIP som upprättats inom 30 dagar från kallelse, gemensamt för kommunen och "
            "regionen (illustrativt mått)."
        ),
        "unit": MU.PERCENT,
        "target_value": D("90"),
        "target_text": "Minst 90 %",
        "direction": HIGHER,
        "green_bound": D("90"),
        "green_bound_inclusive": True,
        "red_bound": D("75"),
        "red_bound_inclusive": False,
        "source": "Egen uppföljning (illustrativ)",
    },
    {
        "name": "Undvikbar slutenvård, vårdtillfällen per 1 000 invånare 65+",
        "definition": "Vårdtillfällen för diagnoser där god öppen vård kan förebygga inläggning "
        "(illustrativt mått).",
        "unit": MU.NUMBER,
        "decimals": 1,
        "target_value": D("20"),
        "target_text": "Högst 20",
        "direction": LOWER,
        "green_bound": D("20"),
        "green_bound_inclusive": True,
        "red_bound": D("25"),
        "red_bound_inclusive": True,
        "source": "Region Västerbottens vårdstatistik (illustrativ)",
    },
)

# (title, responsible, owning unit, timing, (t1, t2, year-end)): illustrative, on both sides.
ACTIVITIES = (
    (
        "Inrätta en gemensam ledningsgrupp för hälso- och sjukvård och omsorg i Dorotea",
        "Verksamhetschef vård och stöd",
        "Vård- och stödverksamheter",
        3,
        (True, True, True),
    ),
    (
        "Gemensamma rutiner för trygg hemgång från slutenvården",
        "Enhetschef hemtjänst",
        "Hemtjänst Dorotea",
        6,
        (True, True, True),
    ),
    (
        "Samordnad bemanning av sjuksköterskor mellan hälsocentralen och kommunen",
        "Verksamhetschef hälsocentralen",
        "Hälsocentralen Dorotea",
        None,  # ongoing
        (True, True, True),
    ),
    (
        "Gemensam kompetensutveckling i nära vård för kommunens och regionens medarbetare",
        "Primärvårdschef",
        "Primärvården",
        10,
        (False, True, True),
    ),
)

# (activity title's start, period, status, comment): made up, so that T1 is partly reported.
ACTIVITY_STATUSES = (
    (
        "Inrätta en gemensam ledningsgrupp",
        "T1",
        ActivityStatus.Status.DONE,
        "Ledningsgruppen har haft sitt första möte.",
    ),
)

# (username, first, last, role, organisation, unit, what): the password is the demo's.
USERS = (
    ("planerare.dorotea", "Maria", "Lundgren", Role.PLANNER, "lead", PLAN_OWNER,
     "Planerare, Vård- och stödverksamheter, Dorotea kommun (gemensam plan)"),
    ("enhetschef.dorotea", "Jonas", "Persson", Role.UNIT_MANAGER, "lead", "Hemtjänst Dorotea",
     "Enhetschef, Hemtjänst Dorotea, Dorotea kommun"),
    ("ledamot.dorotea", "Ingrid", "Sjöberg", Role.COMMITTEE_MEMBER, "lead", "Kommunstyrelsen",
     "Ledamot, Kommunstyrelsen, Dorotea kommun"),
    ("enhetschef.region", "Lars", "Holmström", Role.UNIT_MANAGER, "partner",
     "Hälsocentralen Dorotea", "Enhetschef, Hälsocentralen Dorotea, Region Västerbotten"),
    ("ledamot.region", "Eva", "Lindberg", Role.COMMITTEE_MEMBER, "partner",
     "Hälso- och sjukvårdsnämnden", "Ledamot, Hälso- och sjukvårdsnämnden, Region Västerbotten"),
)  # fmt: skip
