"""Open data on the planner's pages: Kolada KPI search, syncing a plan, comparison values.

- `kpi_search`: GET `?q=`, a fragment of Kolada KPIs whose title matches, for the indicator form
  (each result a button with `data-kpi-id`; see the template's comment for the contract),
  bounded so that no number of searches holds the web workers (see its section).
- `sync_now`: POST, enqueues the plan's sync (`opendata.tasks.opendata_sync_plan`) for the
  task worker; each sync records a `SyncRun`.
- `sync_runs`: the plan's syncs with their messages.
- `comparison`: an indicator's own values next to the whole country's and its comparison
  group's mean, with the credit the source asks for.

Reading needs the plan to be visible to the user (`plans_visible_to`), syncing `can_edit_plan`;
anything else is a 404.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import slots
from indicators.colour import Colour, format_value
from indicators.links import link_sources, linked_sources
from indicators.models import Gender, Indicator, Measurement, ReferenceValue, SyncRun
from opendata.client import OpenDataError, OpenDataUnavailable, RetryPolicy
from opendata.sources import kolada
from opendata.sync import plan_sources, sources
from opendata.tasks import opendata_sync_plan
from planning.permissions import can_edit_plan, plan_or_404, require
from planning.selectors import plans_visible_to, scope_for

MIN_QUERY = 2
MAX_KPIS = 30
MAX_RUNS = 50
MAX_PREDECESSORS = 20
SEARCH_SLOTS = "kolada-search"
KOLADA_DOWN = "opendata:kolada-search:down"

# --- Kolada KPI search ----------------------------------------------------------------------------
#
# The search runs while the planner's request waits, so it is bounded (settings OPENDATA_SEARCH_*):
# one try with a short timeout; answers cached for an hour and failures for a minute (a Kolada
# that is down is asked once a minute, not once a keystroke); one search at a time per user and
# at most OPENDATA_SEARCH_SLOTS at once on the machine (`core.slots`): a search over either bound
# is answered at once, saying so, and never waits for a web worker held by Kolada.


def _cache_key(query: str) -> str:
    digest = hashlib.sha256(query.casefold().encode("utf-8")).hexdigest()[:32]
    return f"opendata:kolada-kpis:{digest}"


def cached_kpis(query: str) -> list[kolada.Kpi] | None:
    """Kolada's KPIs for `query` as answered before, or None; OpenDataError if Kolada failed
    lately (for this query, or at all)."""
    key = _cache_key(query)
    found = cache.get(key)
    if found is not None:
        return found
    failure = cache.get(KOLADA_DOWN) or cache.get(key + ":failed")
    if failure:
        raise OpenDataError(failure)
    return None


def kpis_matching(query: str) -> list[kolada.Kpi]:
    """Kolada's KPIs whose title contains `query`: from the cache, else asked once with the
    search's short timeout (the answer, or the failure, is cached)."""
    found = cached_kpis(query)
    if found is not None:
        return found
    key = _cache_key(query)
    client = kolada.KoladaClient(
        base_url=settings.KOLADA_API_URL,
        timeout=settings.OPENDATA_SEARCH_TIMEOUT,
        requests_per_second=settings.KOLADA_REQUESTS_PER_SECOND,
        retry=RetryPolicy(attempts=1, backoff=0),
    )
    try:
        with client:
            found = client.kpis(title=query)
    except OpenDataUnavailable as error:
        cache.set(KOLADA_DOWN, str(error), settings.OPENDATA_SEARCH_FAILURE_SECONDS)
        raise
    except OpenDataError as error:
        cache.set(key + ":failed", str(error), settings.OPENDATA_SEARCH_FAILURE_SECONDS)
        raise
    cache.set(key, found, settings.OPENDATA_SEARCH_CACHE_SECONDS)
    return found


def _search(request: HttpRequest, query: str) -> list[kolada.Kpi]:
    """The KPIs for `query`, within the bounds above: slots.Busy when the user's own search
    or every slot is taken (`busy.args[0]` says which)."""
    found = cached_kpis(query)
    if found is not None:
        return found
    with (
        slots.one_at_a_time(f"kolada-search-user-{request.user.pk}"),
        slots.one_of(SEARCH_SLOTS, settings.OPENDATA_SEARCH_SLOTS),
    ):
        return kpis_matching(query)


@login_required
@require_GET
def kpi_search(request: HttpRequest) -> HttpResponse:
    """A fragment of matching KPIs for htmx; the whole search page for a plain request."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    context = {
        "query": query,
        "kpis": [],
        "problem": "",
        "busy": "",
        "too_short": False,
        "credit": "",
    }
    if len(query) < MIN_QUERY:
        context["too_short"] = bool(query)
    else:
        try:
            found = _search(request, query)
        except slots.Busy as busy:
            if busy.args and busy.args[0] == SEARCH_SLOTS:
                context["busy"] = _(
                    "Kolada is being searched by others just now. Try again in a moment."
                )
            else:
                context["busy"] = _(
                    "A search is already running. Wait for its answer, then search again."
                )
        except OpenDataError as error:
            context["problem"] = str(error)
        else:
            context["kpis"] = found[:MAX_KPIS]
            context["more"] = max(0, len(found) - MAX_KPIS)
            context["credit"] = kolada.CREDIT
    template = "opendata/kpi_search.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


# --- Syncs ----------------------------------------------------------------------------------------


@login_required
@require_GET
def sync_runs(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's open-data syncs, newest first, with what each changed and kept."""
    scope = scope_for(request.user)
    plan = plan_or_404(request.user, plan_id, scope)
    runs = list(
        SyncRun.objects.filter(plan=plan)
        .select_related("started_by")
        .order_by("-started_at")[:MAX_RUNS]
    )
    linked = plan_sources(plan)
    context = {
        "plan": plan,
        "runs": runs,
        "can_sync": can_edit_plan(scope, plan),
        "linked": get_text_list([source.service for source in linked], _("and")),
        "sources": services(_("or")),
        "credits": credits_for({run.source for run in runs}),
    }
    return render(request, "opendata/sync_runs.html", context)


@login_required
@require_POST
def sync_now(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Hand the plan's sync to the task worker; its runs appear on the runs page when done."""
    scope = scope_for(request.user)
    plan = plan_or_404(request.user, plan_id, scope)
    require(can_edit_plan(scope, plan))
    if not plan_sources(plan):
        messages.info(
            request,
            _("No indicator of the plan is linked to %(sources)s.")
            % {"sources": services(_("or"))},
        )
        return redirect("opendata:plan_sync_runs", plan.pk)
    since = timezone.now()
    opendata_sync_plan.enqueue(plan_id=plan.pk, actor_id=request.user.pk)
    runs = SyncRun.objects.filter(plan=plan, started_at__gte=since).order_by("started_at")
    if not runs:
        messages.info(
            request,
            _(
                "The values are being fetched. Reload this page in a minute to see how the "
                "sync went."
            ),
        )
    for run in runs:  # a worker that runs tasks at once (tests, development) is done already
        messages.add_message(
            request,
            messages.SUCCESS if run.status == SyncRun.Status.OK else messages.ERROR,
            run_summary(run),
        )
    return redirect("opendata:plan_sync_runs", plan.pk)


def run_summary(run: SyncRun) -> str:
    """ "Kolada: 4 values created, 2 changed, 6 unchanged. 3 values entered by a person..."."""
    if run.status != SyncRun.Status.OK:
        return _("%(source)s: the sync failed. %(message)s") % {
            "source": run.get_source_display(),
            "message": run.message,
        }
    summary = _(
        "%(source)s: %(created)d values created, %(updated)d changed, %(unchanged)d unchanged."
    ) % {
        "source": run.get_source_display(),
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
    }
    return f"{summary} {run.message}".strip()


def services(word: str) -> str:
    """The sources by their short names: "Kolada or SSB" (with `word` as the last joint)."""
    return get_text_list([source.service for source in sources()], word)


def credits_for(names: set[str]) -> list[str]:
    """The credits the sources of these names require ("Källa: Kolada", "Kilde: Statistisk
    sentralbyrå"), in the registry's order; the names of runs' sources or values' origins."""
    return [source.credit for source in link_sources() if source.name in names]


# --- Comparison values ----------------------------------------------------------------------------


@dataclass
class ComparisonRow:
    """One year: the organisation's value next to the country's and the group's."""

    year: int
    own: Measurement | None = None
    national: ReferenceValue | None = None
    group: ReferenceValue | None = None


@dataclass
class Comparison:
    indicator: Indicator
    rows: list[ComparisonRow] = field(default_factory=list)
    group: str = ""
    credits: list[str] = field(default_factory=list)


def indicator_chain(indicator: Indicator) -> list[int]:
    """The indicator and its predecessors in earlier plans (ids), newest first."""
    chain = [indicator.pk]
    predecessor = indicator.predecessor_id
    while predecessor and predecessor not in chain and len(chain) <= MAX_PREDECESSORS:
        chain.append(predecessor)
        predecessor = (
            Indicator.objects.filter(pk=predecessor)
            .values_list("predecessor_id", flat=True)
            .first()
        )
    return chain


def comparison_of(indicator: Indicator) -> Comparison:
    """Per year: the organisation's total (its year-end value, else its latest), the whole
    country's and the comparison group's mean, over the indicator and its predecessors."""
    chain = indicator_chain(indicator)
    organisation = indicator.goal.plan.organisation
    own = (
        Measurement.objects.filter(indicator__in=chain, unit=None, gender=Gender.TOTAL)
        .exclude(value=None)
        .select_related("period")
        .order_by("period__year", "period__starts_on")
    )
    references = ReferenceValue.objects.filter(indicator__in=chain, gender=Gender.TOTAL).order_by(
        "year", "kind", "group"
    )
    rows: dict[int, ComparisonRow] = {}
    origins = set()
    for measurement in own:
        rows.setdefault(measurement.period.year, ComparisonRow(measurement.period.year))
        rows[measurement.period.year].own = measurement  # the latest period of the year wins
        origins.add(measurement.origin)
    groups = set()
    for reference in references:
        row = rows.setdefault(reference.year, ComparisonRow(reference.year))
        if reference.kind == ReferenceValue.Kind.NATIONAL:
            row.national = row.national or reference
        elif not organisation.comparison_group or reference.group == organisation.comparison_group:
            row.group = row.group or reference
            groups.add(reference.group)
    if references:
        origins.update(source.name for source in linked_sources(indicator.open_data))
    return Comparison(
        indicator=indicator,
        rows=[rows[year] for year in sorted(rows, reverse=True)],
        group=", ".join(sorted(groups)),
        credits=credits_for(origins),
    )


def indicator_sources(indicator: Indicator) -> list:
    """The fetching sources the indicator is linked to."""
    return [source for source in sources() if source.is_linked(indicator.open_data)]


def shown_value(indicator: Indicator, value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{format_value(value, indicator.decimals)} {indicator.unit_text}".strip()


@login_required
@require_GET
def comparison(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """An indicator's values next to the country's and its comparison group's."""
    indicator = (
        Indicator.objects.select_related("goal__plan__organisation")
        .filter(pk=indicator_id, goal__plan__in=plans_visible_to(request.user))
        .first()
    )
    if indicator is None:
        raise Http404
    data = comparison_of(indicator)
    lines = [
        {
            "year": row.year,
            "own": shown_value(indicator, row.own.value) if row.own else "–",
            "own_period": str(row.own.period) if row.own else "",
            "colour": indicator.colour_of(row.own.value) if row.own else Colour.NO_VALUE,
            "national": shown_value(indicator, row.national.value if row.national else None),
            "group": shown_value(indicator, row.group.value if row.group else None),
        }
        for row in data.rows
    ]
    links = [
        f"{source.service} {source.reference(indicator.open_data)}"
        for source in indicator_sources(indicator)
    ]
    context = {
        "indicator": indicator,
        "plan": indicator.goal.plan,
        "data": data,
        "lines": lines,
        "links": links,
    }
    template = "opendata/comparison.html"
    if request.htmx:
        template += "#comparison"
    return render(request, template, context)
