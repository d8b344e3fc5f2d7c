"""Seed 002 as data: Sorsele kommun, Verksamhetsplan Omsorg 2023, and made-up follow-up values.

Written as close to the seed document as the model allows; see `indicators.demo` for the loader.
"""

import datetime
from decimal import Decimal

from goals.evaluation import months
from goals.models import ActivityStatus, Scope
from indicators.colour import Direction
from indicators.models import Indicator
from planning.models import Organisation, Plan, Role, Unit

D = Decimal
Kind = Unit.Kind
MU = Indicator.MeasureUnit
Freq = Indicator.Frequency
HIGHER = Direction.HIGHER_IS_BETTER.value
LOWER = Direction.LOWER_IS_BETTER.value
MUNICIPALITY_WIDE = Scope.MUNICIPALITY_WIDE.value
OPERATION_SPECIFIC = Scope.OPERATION_SPECIFIC.value

DEMO_PASSWORD = "styrkort-demo"
SITE_URL = "http://127.0.0.1:8000/"
ADMIN_URL = SITE_URL + "admin/"
YEAR = 2023

# --- The organisation -----------------------------------------------------------------------------

ORGANISATION = {
    "name": "Sorsele kommun",
    "kind": Organisation.Kind.MUNICIPALITY,
    "country": Organisation.Country.SWEDEN,
    "municipality_code": "2422",
}

# (name, kind, parent's name): parents first. Names are unique within this tree.
UNITS = (
    ("Kommunstyrelsen", Kind.COMMITTEE, None),
    ("Kommunförvaltningen", Kind.ADMINISTRATION, "Kommunstyrelsen"),
    ("Omsorgsverksamheten", Kind.OPERATION, "Kommunförvaltningen"),
    ("Individ- och familjeomsorg (IFO)", Kind.UNIT, "Omsorgsverksamheten"),
    ("Hemtjänst", Kind.UNIT, "Omsorgsverksamheten"),
    ("Särskilt boende", Kind.UNIT, "Omsorgsverksamheten"),
    ("Daglig verksamhet", Kind.UNIT, "Omsorgsverksamheten"),
)

# --- The plan, verbatim from the seed -------------------------------------------------------------

PLAN_OWNER = "Omsorgsverksamheten"
PLAN = {
    "kind": Plan.Kind.OPERATIONAL_PLAN,
    "name": "Verksamhetsplan Omsorg 2023",
    "start_year": 2023,
    "end_year": 2023,
    "status": Plan.Status.DECIDED,
    "decided_by": "Kommunstyrelsen",
    "decision_date": datetime.date(2022, 11, 29),
    "decision_paragraph": "§ 190",
    "registration_number": "2022/455-012",
    "valid_from": datetime.date(2023, 1, 1),
    "responsible": "Omsorgschef Sara Johansson",
    "vision": (
        "Sorsele – Den livskraftiga kommunen som utvecklas! Tillsammans skapar vi tillväxt, "
        "hållbarhet och trygghet i en rik och unik natur för alla."
    ),
    "core_values": (
        "Sorsele kommuns värdeord Mod, Glädje och Respekt ska prägla hela vår verksamhet."
    ),
    "steering_documents": (
        "Verksamheterna styrs även av lagstiftning, föreskrifter, allmänna råd från "
        "Socialstyrelsen och andra styrdokument."
    ),
}

# (number, title): the titles of the list "Omsorgsverksamhetens övergripande mål". The section
# headings differ for goal 3 ("Ökad kvalitet (verksamhetens/enhetens kvalitetsmål)") and goal 4
# ("... 25 personer per år fram till år 2040"); the list is the plan's own enumeration.
# All six are the municipality's common goals (each carries "Kommunövergripande mått"; goal 6
# is the council's budget goal), hence municipality-wide.
GOALS = (
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
)

# --- Indicators: every measure row of the seed, in the document's order ---------------------------
#
# subgoal = DELMÅL, definition = INDIKATOR (verbatim), target_text = MÅLVÄRDE (verbatim);
# the name is a short label. The comment after "seed:" quotes RÖD / GUL / GRÖN as written.
# Normalising: the document's literal red and green statements are kept and its holes (70-71,
# 79-80 ...) fall in yellow. A target written "< X" or "> X" is stored as the value X; the
# model requires the target to be green, so such a green bound includes X. X always lies in the
# document's own hole (its yellow starts at the next step: "< 6 %" / "6,1-6,9"), so no value
# the document colours changes colour.

_SEED_SOURCE_NOT_NAMED = ""  # the seed names no source for this row
# The Kolada KPIs that measure what a row measures (see ../shared/domain.md), as the indicators'
# links to open data (`Indicator.open_data`): a sync fetches the country's and the comparison
# group's figures for them. Rows without a KPI are the plan's own measures.

INDICATORS = (
    # seed: <100% / (no yellow) / 100%. Two bands.
    {
        "goal": 1,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": (
            "Digitalisera verksamheterna - Alla verksamheter ska ta fram en handlingsplan "
            "utifrån antagen digitaliseringsstrategi."
        ),
        "name": "Andel verksamheter med handlingsplan för digitalisering",
        "definition": (
            "Andel verksamheter som tagit fram en handlingsplan. Kan ingå i verksamhetsplanen."
        ),
        "target_value": D("100"),
        "target_text": "100%",
        "unit": MU.PERCENT,
        "decimals": 0,
        "source": _SEED_SOURCE_NOT_NAMED,
        "frequency": Freq.EVERY_PERIOD,
        "direction": HIGHER,
        "green_bound": D("100"),
        "green_bound_inclusive": True,
        "red_bound": None,
    },
    # seed: <70 / 71-79 / ≥80. Target ">80" stored as 80, which ≥80 already makes green.
    {
        "goal": 2,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": "Nöjda och friska medarbetare",
        "name": "HME-index",
        "definition": "Medarbetarundersökning",
        "target_value": D("80"),
        "target_text": "HME-index >80",
        "unit": MU.INDEX,
        "decimals": 0,
        "source": "Medarbetarundersökning",
        "open_data": {"kolada": {"kpi": "U00200"}},
        "frequency": Freq.YEARLY,
        "direction": HIGHER,
        "green_bound": D("80"),
        "green_bound_inclusive": True,
        "red_bound": D("70"),
        "red_bound_inclusive": False,
    },
    # seed: ≥7,0 / 6,1-6,9 / < 6 %. Green "< 6 %" includes 6,0 (see above): the target is 6 %.
    {
        "goal": 2,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": "Nöjda och friska medarbetare",
        "name": "Total sjukfrånvaro",
        "definition": "Statistik från Previa Sjuk och Frisk",
        "target_value": D("6"),
        "target_text": "Total sjukfrånvaro < 6 %",
        "unit": MU.PERCENT,
        "decimals": 1,
        "source": "Statistik från Previa Sjuk och Frisk",
        "open_data": {"kolada": {"kpi": "N00090"}},
        "frequency": Freq.EVERY_PERIOD,
        "direction": LOWER,
        "green_bound": D("6"),
        "green_bound_inclusive": True,
        "red_bound": D("7"),
        "red_bound_inclusive": True,
    },
    # seed: ≤79% / 80-89% / ≥90%.
    {
        "goal": 3,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": "Öka kvalitén i verksamheterna",
        "name": "Nöjdhet i brukarundersökningen",
        "definition": "Brukarundersökning",
        "target_value": D("90"),
        "target_text": "90% nöjdhet",
        "unit": MU.PERCENT,
        "decimals": 0,
        "source": "Brukarundersökning",
        "open_data": {"kolada": {"kpi": "U21468"}},
        "frequency": Freq.YEARLY,
        "direction": HIGHER,
        "green_bound": D("90"),
        "green_bound_inclusive": True,
        "red_bound": D("79"),
        "red_bound_inclusive": True,
    },
    # seed (IFO): >20 / 10-19 / <9. Green "<9" includes 9 (the target); red ">20" excludes 20.
    {
        "goal": 3,
        "scope": OPERATION_SPECIFIC,
        "subgoal": "Väntetid",
        "name": "Väntetid försörjningsstöd",
        "definition": (
            "Väntetid i antal dagar från ansökan vid nybesök till beslut inom "
            "försörjningsstöd, medelvärde"
        ),
        "target_value": D("9"),
        "target_text": "Antal dagar < 9",
        "unit": MU.DAYS,
        "decimals": 0,
        "source": _SEED_SOURCE_NOT_NAMED,
        "open_data": {"kolada": {"kpi": "U31402"}},
        "frequency": Freq.EVERY_PERIOD,
        "direction": LOWER,
        "green_bound": D("9"),
        "green_bound_inclusive": True,
        "red_bound": D("20"),
        "red_bound_inclusive": False,
    },
    # seed (IFO): >110 / 84-109 / <83. Green "<83" includes 83 (the target); red excludes 110.
    {
        "goal": 3,
        "scope": OPERATION_SPECIFIC,
        "subgoal": "Utredningstid barn och unga",
        "name": "Utredningstid barn och unga",
        "definition": (
            "Utredningstid i antal dagar från påbörjad till avslutad utredning inom barn och "
            "ungdom 0-20 år, medelvärde"
        ),
        "target_value": D("83"),
        "target_text": "Antal dagar <83",
        "unit": MU.DAYS,
        "decimals": 0,
        "source": _SEED_SOURCE_NOT_NAMED,
        "open_data": {"kolada": {"kpi": "U33401"}},
        "frequency": Freq.EVERY_PERIOD,
        "direction": LOWER,
        "green_bound": D("83"),
        "green_bound_inclusive": True,
        "red_bound": D("110"),
        "red_bound_inclusive": False,
    },
    # seed: ≤7,0 / 7,1-7,9 / ≥8,0 on a scale to 10,0.
    {
        "goal": 4,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": "Öka invånarantalet med 25 personer per år fram till 2040",
        "name": "Nöjdhet med kommunen som en plats att bo och leva på",
        "definition": (
            "SCB medborgarundersökning vart 3:e år. Hur nöjd är du med din kommun i helhet som "
            "en plats att bo och leva på?"
        ),
        "target_value": D("8.0"),
        "target_text": "8,0 (av 10,0)",
        "unit": MU.INDEX,
        "decimals": 1,
        "source": "SCB medborgarundersökning",
        "open_data": {"kolada": {"kpi": "N00667"}},
        "frequency": Freq.EVERY_THIRD_YEAR,
        "scale_max": D("10"),
        "direction": HIGHER,
        "green_bound": D("8.0"),
        "green_bound_inclusive": True,
        "red_bound": D("7.0"),
        "red_bound_inclusive": True,
    },
    # seed: ≤0 / 1-24 / ≥25, counted on 1 November.
    {
        "goal": 4,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": "Öka invånarantalet med 25 personer per år fram till 2040",
        "name": "Förändring av invånarantalet",
        "definition": "SCB befolkningsstatistik",
        "target_value": D("25"),
        "target_text": "+25 invånare / 1 nov",
        "unit": MU.PERSONS,
        "decimals": 0,
        "source": "SCB befolkningsstatistik",
        "open_data": {"kolada": {"kpi": "N01963"}},
        "frequency": Freq.YEARLY,
        "direction": HIGHER,
        "green_bound": D("25"),
        "green_bound_inclusive": True,
        "red_bound": D("0"),
        "red_bound_inclusive": True,
    },
    # seed: ≤3,4 / 3,5-3,8 / ≥3,9 on a scale to 6,0; target 4,0. Target and green bound disagree:
    # the document's bands are kept (3,9 is green although below the target); the target 4,0
    # lies inside green, so nothing contradicts the model.
    {
        "goal": 5,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": (
            "Kommunens verksamheter, enheter och personal ska bidra till utveckling för att "
            "kommunen ska växa vara livskraftig."
        ),
        "name": "Företagsklimat: service och bemötande",
        "definition": (
            "Svenskt Näringslivs undersökning om Företagsklimat. Frågan som avser service och "
            "bemötande."
        ),
        "target_value": D("4.0"),
        "target_text": "4,0 (av 6,0)",
        "unit": MU.INDEX,
        "decimals": 1,
        "source": "Svenskt Näringslivs undersökning om Företagsklimat",
        "open_data": {"kolada": {"kpi": "U07453"}},
        "frequency": Freq.YEARLY,
        "scale_max": D("6"),
        "direction": HIGHER,
        "green_bound": D("3.9"),
        "green_bound_inclusive": True,
        "red_bound": D("3.4"),
        "red_bound_inclusive": True,
    },
    # seed: ≤-1 / (no yellow) / ≥0, target "Enligt teknisk ram". Read as the budget deviation in
    # tkr: on or under budget (≥ 0) is green, any deficit is red. Two bands, as the document's
    # empty yellow says, so the hole between -1 and 0 is red. The target "within the frame" is
    # a deviation of 0, stored as such. The seed has no "Kommunövergripande mått" heading in
    # goal 6; the budget row is the council's, the same in every plan: municipality-wide.
    {
        "goal": 6,
        "scope": MUNICIPALITY_WIDE,
        "subgoal": "En budget i balans",
        "name": "Budgetavvikelse",
        "definition": "Ekonomisk redovisning vid T1, T2 och årsbokslut.",
        "target_value": D("0"),
        "target_text": "Enligt teknisk ram",
        "unit": MU.OTHER,
        "unit_label": "tkr",
        "decimals": 0,
        "source": "Ekonomisk redovisning vid T1, T2 och årsbokslut.",
        "frequency": Freq.EVERY_PERIOD,
        "direction": HIGHER,
        "green_bound": D("0"),
        "green_bound_inclusive": True,
        "red_bound": None,
    },
    # seed: 5680 / 5681-3919 / 3920, target "< 3920 kronor". Garbled: the yellow range runs
    # backwards and starts above red. The target says lower is better, so: green ≤ 3920 (the
    # bare "3920", which is also the target), red ≥ 5680 (the bare "5680"), yellow in between
    # (what "5681-3919" meant: 3921-5679). The DELMÅL cell is empty (a merged cell in the
    # original): the sub-goal is "En budget i balans". This row and the next measure only the
    # operation's own costs: operation-specific.
    {
        "goal": 6,
        "scope": OPERATION_SPECIFIC,
        "subgoal": "En budget i balans",
        "name": "Kostnad individ- och familjeomsorg",
        "definition": "Kostnad individ- och familjeomsorg. Kr/inv",
        "target_value": D("3920"),
        "target_text": "< 3920 kronor",
        "unit": MU.KR_PER_INHABITANT,
        "decimals": 0,
        "source": _SEED_SOURCE_NOT_NAMED,
        "open_data": {"kolada": {"kpi": "N30101"}},
        "frequency": Freq.YEARLY,
        "direction": LOWER,
        "green_bound": D("3920"),
        "green_bound_inclusive": True,
        "red_bound": D("5680"),
        "red_bound_inclusive": True,
    },
    # seed: 275 / 233-274 / 232 tkr, target "< 232 tkr", in tkr per inhabitant aged 80+
    # although the indicator says "Kr/inv 80+": the document's numbers are kept, in tkr.
    # Lower is better: green ≤ 232 (bare "232 tkr", the target), red ≥ 275 (bare "275"),
    # yellow in between.
    {
        "goal": 6,
        "scope": OPERATION_SPECIFIC,
        "subgoal": "En budget i balans",
        "name": "Kostnad äldreomsorg",
        "definition": "Kostnad äldreomsorg. Kr/inv 80+",
        "target_value": D("232"),
        "target_text": "< 232 tkr",
        "unit": MU.OTHER,
        "unit_label": "tkr/inv 80+",
        "decimals": 0,
        "source": _SEED_SOURCE_NOT_NAMED,
        "open_data": {"kolada": {"kpi": "N20048"}},
        "frequency": Freq.YEARLY,
        "direction": LOWER,
        "green_bound": D("232"),
        "green_bound_inclusive": True,
        "red_bound": D("275"),
        "red_bound_inclusive": True,
    },
)

# --- Activities: every activity row of the seed, verbatim -----------------------------------------
# (goal, activity, responsible, "När genomfört", "Utvärderas"). None is tied to a single unit:
# the one naming IFO also names Daglig verksamhet, Hemtjänst and Särskilt boende.

ACTIVITIES = (
    (1, "Utveckla 3 nya e-tjänster inom verksamheten", "Verksamhetschef", "Oktober",
     "Tertialrapport/Årsbokslut"),
    (1, "Kompetensutvecklingsinsatser kopplade till digitalisering för våra medarbetare",
     "Verksamhetschef", "Löpande", "Årsbokslut"),
    (1, "Vi använder oss av digitala mötesalternativ när det är möjligt", "All personal",
     "Löpande", "Årsbokslut"),
    (2, "Vi nyttjar kommunens friskvårdsmöjligheter, friskvårdsbidrag/friskvårdstimme",
     "Alla medarbetare", "Löpande", "Årsbokslut"),
    (2, "Vi utbildar medarbetare i MHFA, Mental Health First Aid", "Alla chefer", "Juni",
     "Tertialrapport"),
    (2, "Vi deltar i den årliga medarbetarenkäten", "Alla medarbetare", "Oktober", "Årsbokslut"),
    (2, "Fysiska skyddsronder ska genomföras årligen", "Alla chefer", "December", "Årsbokslut"),
    (2, "Genomgång av social- och organisatorisk arbetsmiljö (OSA-enkät), minst en gång per år",
     "Alla chefer", "December", "Årsbokslut"),
    (2, "Vi har apt minst 5 ggr/år", "Alla chefer", "December", "Årsbokslut"),
    (2, "Arbetsmiljö är en stående punkt på apt", "Alla chefer", "December", "Årsbokslut"),
    (2, "Vi genomför RUS-samtal årligen", "Alla chefer", "Februari", "Årsbokslut"),
    (3, "Vi genomför brukarundersökningar inom - IFO - Daglig verksamhet - Hemtjänst och "
     "särskilt boende", "Verksamhetschef, enhetschefer", "November", "Årsbokslut"),
    (3, "Vi är tillgängliga för medborgare (mail, telefon, svarstider, fysiskt tillgänglighet)",
     "Alla medarbetare", "Löpande", "Årsbokslut"),
    (3, "Varje enhet ska ha en aktivitetsplan utifrån verksamhetsplan",
     "Verksamhetschef/ enhetschefer", "September", "Årsbokslut"),
    (3, "Revidera befintligt ”Ledningssystem för systematiskt kvalitetsarbete”",
     "verksamhetschef", "juni", "Tertialrapport"),
    (4, "Uppmärksamma och synliggör internt och externt våra goda exempel i "
     "omsorgsverksamheterna genom att fotografera och skapa pressreaser tillsammans med "
     "kommunens kommunikatör och webbansvarig. Även intranätet och sociala medier kan användas "
     "för att sprida fina exempel ur verksamheterna",
     "Enhetschefer eller andra usedda personer", "Löpande", "Tertialrapport"),
    (4, "Ett gott värdskap vid möten såväl internt som externt", "Alla medarbetare", "Löpande",
     "Tertialrapport"),
    (4, "Vi följer rekryteringspolicy och annonserar ut våra vakanta tjänster",
     "Verksamhetschef/enhetschefer", "Löpande", "Årsbokslut"),
    (5, "Vi är tillgängliga för medborgare (mail, telefon, svarstider, fysisk tillgänglighet)",
     "Alla medarbetare", "Löpande", "Årsbokslut"),
    (5, "Vi har ”utveckling av verksamheten” som en punkt på APT",
     "Verksamhetschef/enhetschefer", "Löpande", "Årsbokslut"),
    (6, "Månatliga budgetuppföljningar", "verksamhetschef", "Löpande", "Tertialrapport"),
    (6, "Ta upp ekonomi som en punkt på VSG", "verksamhetschef", "Löpande", "Tertialrapport"),
    (6, "Ta upp ekonomi som en punkt på APT", "Enhetschefer", "Löpande", "Tertialrapport"),
)  # fmt: skip

ONGOING = "löpande"
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari", "februari", "mars", "april", "maj", "juni",
            "juli", "augusti", "september", "oktober", "november", "december",
        ),
        start=1,
    )
}  # fmt: skip
# "Utvärderas" -> `evaluated_months`: the last months of the tertial scheme's periods chosen
# (Tertial 1 ends in April, Tertial 2 in August, the year-end in December).
EVALUATED = {
    "Tertialrapport": months(4, 8),
    "Årsbokslut": months(12),
    "Tertialrapport/Årsbokslut": months(4, 8, 12),
}

# --- Made-up follow-up: T1 and T2 2023 ------------------------------------------------------------

DONE = ActivityStatus.Status.DONE
IN_PROGRESS = ActivityStatus.Status.IN_PROGRESS
NOT_STARTED = ActivityStatus.Status.NOT_STARTED
DELAYED = ActivityStatus.Status.DELAYED

# (goal, start of the activity's title, period, status, comment): every activity evaluated in
# the period (by its flags) has one.
ACTIVITY_STATUSES = (
    (1, "Utveckla 3 nya e-tjänster", "T1", NOT_STARTED,
     "Arbetet startar i maj när e-tjänsteplattformen är upphandlad."),
    (1, "Utveckla 3 nya e-tjänster", "T2", IN_PROGRESS,
     "E-tjänsten för ansökan om hemtjänst är i drift. Två e-tjänster återstår till oktober."),
    (2, "Vi utbildar medarbetare i MHFA", "T1", IN_PROGRESS,
     "Tre av sju chefer har gått instruktörsutbildningen."),
    (2, "Vi utbildar medarbetare i MHFA", "T2", DELAYED,
     "Utbildningen i juni ställdes in när kursledaren blev sjuk. Ny utbildning bokad till "
     "oktober; medarbetarna på särskilt boende prioriteras."),
    (3, "Revidera befintligt", "T1", NOT_STARTED,
     "Revideringen påbörjas i maj tillsammans med MAS."),
    (3, "Revidera befintligt", "T2", DONE,
     "Det reviderade ledningssystemet fastställdes i juni och finns på intranätet."),
    (4, "Uppmärksamma och synliggör", "T1", IN_PROGRESS,
     "Två inlägg om daglig verksamhet på kommunens Facebooksida. Ingen pressrelease än."),
    (4, "Uppmärksamma och synliggör", "T2", IN_PROGRESS,
     "Pressrelease om hemtjänstens nya nyckelfria lås i juni; fler exempel planeras till hösten."),
    (4, "Ett gott värdskap", "T1", IN_PROGRESS,
     "Värdskap diskuterat på apt i samtliga enheter."),
    (4, "Ett gott värdskap", "T2", IN_PROGRESS,
     "Sommarvikarierna fick en introduktion i bemötande och värdskap."),
    (6, "Månatliga budgetuppföljningar", "T1", DONE,
     "Budgetuppföljning gjord varje månad januari–april med ekonom."),
    (6, "Månatliga budgetuppföljningar", "T2", IN_PROGRESS,
     "Ingen uppföljning i juli på grund av semester; i övrigt varje månad."),
    (6, "Ta upp ekonomi som en punkt på VSG", "T1", IN_PROGRESS,
     "Stående punkt på verksamhetens ledningsgrupp."),
    (6, "Ta upp ekonomi som en punkt på VSG", "T2", IN_PROGRESS,
     "Stående punkt; åtgärder för att minska underskottet diskuterades i augusti."),
    (6, "Ta upp ekonomi som en punkt på APT", "T1", IN_PROGRESS,
     "Hemtjänst och IFO har ekonomi som punkt på varje apt."),
    (6, "Ta upp ekonomi som en punkt på APT", "T2", DELAYED,
     "Särskilt boende och daglig verksamhet har inte haft ekonomi på apt sedan maj. "
     "Återinförs från september."),
)  # fmt: skip

# (goal, indicator name, period, value, comment, source). None: the figure is missing.
# HME-index, brukarundersökning, invånarantal, företagsklimat and the two costs are measured
# once a year, in the autumn or at year-end, so they have no value in T1 and T2.
MEASUREMENTS = (
    (1, "Andel verksamheter med handlingsplan för digitalisering", "T1", D("50"),
     "Två av fyra enheter (IFO och hemtjänst) har en handlingsplan. Särskilt boende och daglig "
     "verksamhet blir klara före sommaren.", "Egen uppföljning, april 2023"),
    (1, "Andel verksamheter med handlingsplan för digitalisering", "T2", D("100"),
     "Samtliga fyra enheter har en handlingsplan utifrån digitaliseringsstrategin.",
     "Egen uppföljning, augusti 2023"),
    (2, "Total sjukfrånvaro", "T1", D("7.8"),
     "Hög korttidssjukfrånvaro under januari–mars, främst luftvägsinfektioner. Högst på "
     "särskilt boende.", "Previa Sjuk och Frisk, januari–april 2023"),
    (2, "Total sjukfrånvaro", "T2", D("6.4"),
     "Sjukfrånvaron har minskat men ligger över målet. Långtidssjukskrivna följs upp med "
     "rehabiliteringsplaner.", "Previa Sjuk och Frisk, maj–augusti 2023"),
    (3, "Väntetid försörjningsstöd", "T1", D("12"),
     "En tjänst som socialsekreterare var vakant februari–mars.",
     "Verksamhetssystemet, IFO"),
    (3, "Väntetid försörjningsstöd", "T2", D("8"),
     "Tjänsten är tillsatt sedan april och väntetiden har minskat.",
     "Verksamhetssystemet, IFO"),
    (3, "Utredningstid barn och unga", "T1", D("97"),
     "Flera komplexa utredningar under perioden.", "Verksamhetssystemet, IFO"),
    (3, "Utredningstid barn och unga", "T2", D("118"),
     "Två utredningar har väntat på externa utlåtanden och semestrarna har förlängt "
     "handläggningen. Konsultstöd tas in under hösten.", "Verksamhetssystemet, IFO"),
    (4, "Nöjdhet med kommunen som en plats att bo och leva på", "T2", None,
     "SCB:s medborgarundersökning görs vart tredje år; ingen mätning 2023.",
     "SCB medborgarundersökning"),
    (6, "Budgetavvikelse", "T1", D("150"),
     "Prognos för helåret: överskott, främst på grund av vakanta tjänster.",
     "Ekonomisk redovisning T1 2023"),
    (6, "Budgetavvikelse", "T2", D("-1850"),
     "Prognos för helåret: underskott. Ökade kostnader för externa placeringar inom IFO och "
     "bemanningssjuksköterskor på särskilt boende. Åtgärdsplan till kommunstyrelsen i "
     "september.", "Ekonomisk redovisning T2 2023"),
)  # fmt: skip

OPEN_PERIOD = "T2"

# --- Demo users: one per role ---------------------------------------------------------------------
# (username, first name, last name, role, unit or None for the whole organisation, is_staff,
#  is_superuser, what the user is)
USERS = (
    ("planerare", "Anna", "Lindqvist", Role.PLANNER, "Omsorgsverksamheten", True, False,
     "Planerare (kvalitetschef), Omsorgsverksamheten"),
    ("enhetschef", "Erik", "Nilsson", Role.UNIT_MANAGER, "Hemtjänst", False, False,
     "Enhetschef, Hemtjänst"),
    ("ledamot", "Karin", "Öberg", Role.COMMITTEE_MEMBER, "Kommunstyrelsen", False, False,
     "Ledamot, Kommunstyrelsen"),
    ("admin", "Johan", "Berglund", Role.ADMINISTRATOR, None, True, True,
     "Administratör, hela Sorsele kommun (och Django admin)"),
)  # fmt: skip

COUNT_KEYS = (
    "users",
    "organisations",
    "relations",
    "units",
    "memberships",
    "plans",
    "periods",
    "goals",
    "indicators",
    "activities",
    "activity_statuses",
    "measurements",
)
