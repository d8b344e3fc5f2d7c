"""Every page that matters, timed through gunicorn against a database holding the large city.

    DATABASE_URL=postgres://.../city .venv/bin/python bench/run_all.py [--repeat 5]
        [--out bench/results/NAME.json] [--locust-seconds 60] [--no-organisation-report]
        [--no-exports] [--import-rows 10000]

The database must hold the city of `bench/make_city.py`. The script starts gunicorn on a free
port of 127.0.0.1 (with gunicorn.conf.py, as production does: GUNICORN_WORKERS, CONN_MAX_AGE...
come from the environment), logs each person in (a session in the database, as a login makes),
and measures:

- each page as the right person: the unit manager's reporting page (the manager of the largest
  operational plan, thousands of rows: its first page, only what is left, one goal), every
  role's start page, the plan page (this year's largest decided plan and next year's draft, and
  the plan's largest goal as it loads into the page), the committee's overview and the report
  (HTML) of that plan for the last closed period, a status change and a value entry (htmx posts
  on the reporting page, in the open period), the plan's change history (first and last page),
  and the plan's Excel and CSV export: the response time on 127.0.0.1 (median of `--repeat`
  runs, the pages interleaved so a busy machine slows them alike), the size of the answer, and
  the number of queries (the same request once more in this process, counted);
- each page's floor: the fixed cost of a request through the same stack (GET /health/ as the
  same person, through the same gunicorn, middleware, session and user: median of `--repeat`)
  plus the rows the page shows fetched with plain queries in this process (`values_list` by
  their ids, or a bare UPDATE and history INSERT for a change; median of `--repeat`); the ratio
  page/floor is how much the page costs beyond answering at all and reading its data (the ratio
  to the plain queries alone is kept too, `ratio_to_queries_alone`);
- the PDF of the largest plan (too large for a request: made by a `manage.py db_worker`
  started here, as a person asks for it): the time from the request to the finished PDF, its
  pages, the worker's peak memory (VmHWM) and how the job's progress moved (the longest time
  it stood still); the same for the whole organisation's report (long; not with
  `--no-organisation-report`);
- bench/export_bench.py (the largest plan's export up to 100,000 rows) and
  bench/import_measurements.py (`--import-rows` values into this database), not with
  `--no-exports`;
- with `--locust-seconds` > 0 (default 60), bench/locustfile.py: 50 simulated users with think
  time, headless, for that long: median and 99th percentile response times and errors.

The results, with the machine (CPU, cores, memory, PostgreSQL), go to a JSON file. The status
change and value entry write to the database (new versions and history records), as a person
would; nothing else is changed.
"""

import argparse
import csv
import datetime
import http.client
import itertools
import json
import os
import platform
import random
import runpy
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_city import CITY, setup_django, summary  # noqa: E402

HOST = "127.0.0.1"
CSRF = secrets.token_hex(16)  # 32 characters: a cookie secret Django accepts as it is


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- The machine ------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0]
    import django
    import gunicorn

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "memory": memory,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "system": platform.platform(),
    }


# --- Who looks at what ------------------------------------------------------------------------


@dataclass
class City:
    organisation: object
    open_period: object
    closed_period: object
    largest: object
    draft: object
    people: dict  # role -> user
    activity: object  # a status to change (the unit manager's, open period)
    indicator: object  # a value to enter


def rows_per_plan() -> dict[int, int]:
    from django.db.models import Count

    from goals.models import Activity
    from indicators.models import Indicator

    rows: dict[int, int] = {}
    for model in (Indicator, Activity):
        for plan_id, count in (
            model.objects.values_list("goal__plan_id").annotate(n=Count("pk")).order_by()
        ):
            rows[plan_id] = rows.get(plan_id, 0) + count
    return rows


def the_city() -> City:
    from goals.evaluation import YEAR_END
    from goals.models import Activity
    from indicators.models import Indicator
    from planning.models import FollowUpPeriod, Membership, Organisation, Plan, Role

    organisation = Organisation.objects.filter(name=CITY).first()
    if organisation is None:
        raise SystemExit(f"No {CITY} in this database: run bench/make_city.py first.")
    open_period = FollowUpPeriod.objects.get(organisation=organisation, is_open=True)
    closed_period = (
        FollowUpPeriod.objects.filter(organisation=organisation, ends_on__lt=open_period.starts_on)
        .order_by("-ends_on")
        .first()
    )
    rows = rows_per_plan()
    plans = Plan.objects.filter(organisation=organisation).select_related("owner_unit")
    decided = [
        p for p in plans if p.status == Plan.Status.DECIDED and p.end_year >= open_period.year
    ]
    largest = max(decided, key=lambda p: (rows.get(p.pk, 0), -p.pk))
    drafts = [p for p in plans if p.status == Plan.Status.DRAFT]
    draft = max(drafts, key=lambda p: (rows.get(p.pk, 0), -p.pk))
    owner = largest.owner_unit
    committee = owner
    while committee.parent_id is not None:
        committee = committee.parent
    members = Membership.objects.filter(organisation=organisation).select_related("user")
    people = {
        "unit manager": members.get(role=Role.UNIT_MANAGER, unit=owner).user,
        "planner": members.filter(role=Role.PLANNER, unit=None).order_by("user__username")[0].user,
        "administrator": members.filter(role=Role.ADMINISTRATOR, unit=None)
        .order_by("user__username")[0]
        .user,
        "committee member": members.filter(role=Role.COMMITTEE_MEMBER, unit=committee)
        .order_by("user__username")[0]
        .user,
    }
    activity = (
        Activity.objects.filter(goal__plan=largest, unit=None, evaluated_months__gte=YEAR_END)
        .order_by("pk")
        .first()
    )
    indicator = Indicator.objects.filter(goal__plan=largest).order_by("pk").first()
    return City(organisation, open_period, closed_period, largest, draft, people, activity,
                indicator)  # fmt: skip


def session_of(user) -> str:
    """A session for the user, stored in the database as a login stores it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- Floors: the rows of a page, with plain queries -------------------------------------------


def fetch(queryset, *fields) -> int:
    return len(list(queryset.values_list(*fields)))


def report_floor(plan, period) -> Callable[[], int]:
    """What the report and the overview show: goals, indicators, their values up to the period
    (the trend), the activities' statuses and the analyses of the period."""
    from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp
    from indicators.models import Indicator, Measurement, ReferenceValue

    def floor() -> int:
        return (
            fetch(Goal.objects.filter(plan=plan), "id", "number", "title", "contributes_to__title")
            + fetch(Indicator.objects.filter(goal__plan=plan), *INDICATOR_FIELDS)
            + fetch(
                Measurement.objects.filter(
                    indicator__goal__plan=plan, unit=None, period__ends_on__lte=period.ends_on
                ),
                "indicator_id",
                "period_id",
                "gender",
                "value",
                "comment",
                "origin",
            )
            + fetch(
                ReferenceValue.objects.filter(indicator__goal__plan=plan),
                "indicator_id",
                "kind",
                "year",
                "value",
            )
            + fetch(
                Activity.objects.filter(goal__plan=plan),
                "id",
                "goal_id",
                "title",
                "unit__name",
                "due_on",
                "ongoing",
            )
            + fetch(
                ActivityStatus.objects.filter(activity__goal__plan=plan, period=period),
                "activity_id",
                "status",
                "comment",
            )
            + fetch(
                GoalFollowUp.objects.filter(goal__plan=plan, period=period),
                "goal_id",
                "assessment",
                "analysis",
            )
        )

    return floor


INDICATOR_FIELDS = (
    "id", "goal_id", "position", "name", "sub_goal_id", "target_kind", "unit", "unit_label",
    "decimals", "direction", "green_bound", "green_bound_inclusive", "red_bound",
    "red_bound_inclusive", "target_value", "target_text", "source",
)  # fmt: skip


def _items_floor(goal_ids) -> int:
    """The indicators and activities of these goals, as the plan page shows them."""
    from goals.models import Activity
    from indicators.models import Indicator

    return fetch(Indicator.objects.filter(goal_id__in=goal_ids), *INDICATOR_FIELDS) + fetch(
        Activity.objects.filter(goal_id__in=goal_ids),
        "id", "goal_id", "title", "responsible_role", "unit__name",
        "responsible_user__first_name", "due_on", "ongoing", "evaluated_months",
    )  # fmt: skip


def _goal_heads(plan) -> int:
    from django.db.models import Count

    from goals.models import Goal

    return fetch(
        Goal.objects.filter(plan=plan).annotate(
            n_indicators=Count("indicators", distinct=True),
            n_activities=Count("activities", distinct=True),
        ),
        "id", "number", "title", "contributes_to__title", "n_indicators", "n_activities",
    )  # fmt: skip


def structure_floor(plan) -> Callable[[], int]:
    """The plan page: its goals with their counts, and the items of the goals it shows in
    full (the leading goals within the page's row budget, found once by its own selector)."""
    from authoring.selectors import plan_page_goals

    shown = [goal.pk for goal in plan_page_goals(plan) if not goal.is_lazy]

    def floor() -> int:
        return _goal_heads(plan) + _items_floor(shown)

    return floor


def whole_structure_floor(plan) -> Callable[[], int]:
    """The plan's every goal, indicator and activity (what an export starts from)."""
    from goals.models import Goal

    def floor() -> int:
        goals = fetch(Goal.objects.filter(plan=plan), "id", "number", "title",
                      "contributes_to__title")  # fmt: skip
        return goals + _items_floor(Goal.objects.filter(plan=plan).values("pk"))

    return floor


def goal_items_floor(goal_id: int) -> Callable[[], int]:
    """One goal's items, loaded into the plan page as it comes into view."""
    return lambda: _items_floor([goal_id])


def export_floor(plan) -> Callable[[], int]:
    """An export of the plan: its structure and everything reported under it."""
    from goals.models import ActivityStatus, GoalFollowUp
    from indicators.models import Measurement

    structure = whole_structure_floor(plan)

    def floor() -> int:
        return (
            structure()
            + fetch(
                Measurement.objects.filter(indicator__goal__plan=plan),
                "indicator_id",
                "period__kind",
                "period__year",
                "unit__name",
                "gender",
                "value",
                "comment",
                "source",
            )
            + fetch(
                ActivityStatus.objects.filter(activity__goal__plan=plan),
                "activity_id",
                "period__kind",
                "period__year",
                "status",
                "comment",
            )
            + fetch(
                GoalFollowUp.objects.filter(goal__plan=plan),
                "goal_id",
                "period_id",
                "assessment",
                "analysis",
            )
        )

    return floor


def _index_rows(plans: set[int], periods: list[int]) -> int:
    """The reporting index's plain values: every row of the plans, by ids, with whether it is
    reported in the periods (the counts and jump links of the reporting and start pages)."""
    from goals.models import Activity, ActivityStatus, Goal
    from indicators.models import Indicator, Measurement

    return (
        fetch(Goal.objects.filter(plan_id__in=plans), "id", "plan_id", "number", "title")
        + fetch(Activity.objects.filter(goal__plan_id__in=plans), "goal_id", "id", "unit_id",
                "responsible_user_id", "evaluated_months")
        + fetch(Indicator.objects.filter(goal__plan_id__in=plans), "goal_id", "id")
        + fetch(ActivityStatus.objects.filter(activity__goal__plan_id__in=plans,
                                              period_id__in=periods),
                "activity_id", "period_id")
        + fetch(Measurement.objects.filter(unit=None, indicator__goal__plan_id__in=plans,
                                           period_id__in=periods, gender="T"),
                "indicator_id", "period_id", "unit_id")
    )  # fmt: skip


def reporting_floor(user, query: dict | None = None) -> Callable[[], int]:
    """The reporting page's rows: the index's plain values for every row of the open periods,
    and the rows of the page shown in full, by their ids (the page found once by the page's
    own selector, not timed)."""
    from goals.models import Activity, ActivityStatus
    from indicators.models import Indicator, Measurement
    from planning.selectors import scope_for
    from reports.selectors.reporting import reporting_listing

    query = query or {}
    listing = reporting_listing(user, scope_for(user), goal_id=query.get("goal"),
                                unreported=query.get("unreported", False))  # fmt: skip
    periods = [block.period.pk for block in listing.index]
    plans = {entry.plan.pk for block in listing.index for entry in block.plans}
    activities = [row.activity.pk for row in listing.activity_rows]
    indicators = [row.indicator.pk for row in listing.indicator_rows]

    def floor() -> int:
        return (
            _index_rows(plans, periods)
            + fetch(Activity.objects.filter(pk__in=activities), "id", "goal_id", "title",
                    "responsible_role", "unit__name", "due_on", "ongoing")
            + fetch(ActivityStatus.objects.filter(activity_id__in=activities,
                                                  period_id__in=periods),
                    "activity_id", "period_id", "status", "comment", "version",
                    "reported_by__first_name", "reported_by__last_name")
            + fetch(Indicator.objects.filter(pk__in=indicators), *INDICATOR_FIELDS)
            + fetch(Measurement.objects.filter(indicator_id__in=indicators, period_id__in=periods,
                                               gender="T"),
                    "indicator_id", "period_id", "unit_id", "value", "comment", "version")
        )  # fmt: skip

    return floor


def index_floor(user) -> Callable[[], int]:
    """The start page's counts of what is left to report: the reporting index's plain values."""
    from planning.selectors import scope_for
    from reports.selectors.reporting import reporting_index

    index = reporting_index(user, scope_for(user))
    periods = [block.period.pk for block in index]
    plans = {entry.plan.pk for block in index for entry in block.plans}
    return lambda: _index_rows(plans, periods)


def plans_floor(user) -> Callable[[], int]:
    """A start page's list of plans: those the user may read."""
    from planning.models import Plan
    from planning.selectors import plans_visible_to

    ids = list(plans_visible_to(user).values_list("pk", flat=True))

    def floor() -> int:
        return fetch(Plan.objects.filter(pk__in=ids), "id", "name", "kind", "status",
                     "start_year", "end_year", "owner_unit__name")  # fmt: skip

    return floor


def plan_page_goals_first(plan) -> int:
    """The plan's first goal (the reporting page narrowed to it)."""
    from goals.models import Goal

    return Goal.objects.filter(plan=plan).order_by("number").values_list("pk", flat=True)[0]


def largest_goal(plan) -> int:
    """The goal of the plan with the most indicators and activities."""
    from django.db.models import Count

    from goals.models import Goal

    return (
        Goal.objects.filter(plan=plan)
        .annotate(rows=Count("indicators", distinct=True) + Count("activities", distinct=True))
        .order_by("-rows", "number")
        .values_list("pk", flat=True)[0]
    )


def both(*floors: Callable[[], int]) -> Callable[[], int]:
    return lambda: sum(floor() for floor in floors)


def history_floor(plan) -> Callable[[], int]:
    """The newest page of history records of each part of the plan's content (more than the
    page shows: it shows a page of the four together), with who made them."""
    from authoring.selectors import HISTORY_PAGE_SIZE
    from goals.models import Activity, Goal
    from indicators.models import Indicator
    from planning.models import Plan

    def floor() -> int:
        goals = list(Goal.history.filter(plan_id=plan.pk).values_list("id", flat=True).distinct())
        found = len(goals)
        for records in (
            Plan.history.filter(id=plan.pk),
            Goal.history.filter(plan_id=plan.pk),
            Indicator.history.filter(goal_id__in=goals),
            Activity.history.filter(goal_id__in=goals),
        ):
            newest = records.order_by("-history_date")[:HISTORY_PAGE_SIZE]
            found += fetch(newest, "history_id", "id", "history_date", "history_type",
                           "history_user__username")  # fmt: skip
        return found

    return floor


def change_floor(model, pk: int) -> Callable[[], int]:
    """A change as bare SQL: one UPDATE of the row and one INSERT of its history record."""
    from django.db import transaction
    from django.db.models import F

    def floor() -> int:
        with transaction.atomic():
            model.objects.filter(pk=pk).update(comment="Golv", version=F("version") + 1)
            obj = model.objects.get(pk=pk)
            model.history.bulk_history_create([obj], update=True)
        return 1

    return floor


# --- Pages through gunicorn -------------------------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    person: str
    floor: Callable[[], int] | None = None
    method: str = "GET"
    data: Callable[[], dict] | None = None  # a post's form data (read fresh before each post)
    htmx: bool = False
    result: dict = field(default_factory=dict)


class Server:
    """gunicorn serving the project on a free port of 127.0.0.1, with gunicorn.conf.py."""

    def __init__(self, environment: dict, log: Path, workers: int | None) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py",
            "--bind", f"{HOST}:{self.port}", "--access-logfile", f"{log}.access",
        ]  # fmt: skip
        if workers:
            command += ["--workers", str(workers)]
        self.log = log
        with log.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/login/", {})[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(port: int, method: str, url: str, headers: dict, body: bytes | None = None):
    """(status, body, seconds) of one request on a new connection, as a browser's would be."""
    connection = http.client.HTTPConnection(HOST, port, timeout=600)
    started = time.perf_counter()
    try:
        connection.request(method, url, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return response.status, content, time.perf_counter() - started
    finally:
        connection.close()


def headers_for(session: str, *, post: bool = False, htmx: bool = False) -> dict:
    from django.conf import settings

    headers = {
        "Host": f"{HOST}",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF}",
        "Accept-Language": "sv",
    }
    if post:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = CSRF
    if htmx:
        headers["HX-Request"] = "true"
    return headers


def count_queries(page: Page, user) -> int:
    """The page's queries, counted in this process (the same request through Django)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    extra = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
    with CaptureQueriesContext(connection) as queries:
        if page.method == "POST":
            response = client.post(page.url, page.data(), **extra)
        else:
            response = client.get(page.url, **extra)
    if response.status_code >= 400:
        raise SystemExit(f"{page.name}: {response.status_code} in this process")
    return len(queries)


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


FIXED = "/health/"  # the fixed cost of a request: HTTP, WSGI, middleware, session and user


def measure_pages(pages: list[Page], server: Server, sessions: dict, users: dict, repeat: int):
    """Each page `repeat` times, interleaved, and each person's request to /health/ (the fixed
    cost of a request through the same stack, counted into every floor)."""
    fixed: dict[str, list[float]] = {person: [] for person in sessions}
    for page in pages:  # a first, untimed run of each (templates and caches warmed)
        status, content, seconds = send(page, server, sessions)
        if status >= 400:
            raise SystemExit(f"{page.name}: {page.method} {page.url} answered {status}")
        page.result = {"name": page.name, "method": page.method, "url": page.url,
                       "person": page.person, "status": status, "times_s": []}  # fmt: skip
    for round_ in range(repeat):
        for person, session in sessions.items():
            fixed[person].append(request(server.port, "GET", FIXED, headers_for(session))[2])
        for page in pages:
            status, content, seconds = send(page, server, sessions)
            page.result["times_s"].append(round(seconds, 4))
            page.result["bytes"] = len(content)
            if status >= 400:
                raise SystemExit(f"{page.name}: answered {status} in round {round_ + 1}")
        print(f"  round {round_ + 1} of {repeat} done", flush=True)
    request_floor = {person: statistics.median(times) for person, times in fixed.items()}
    for page in pages:
        result = page.result
        result["median_s"] = round(statistics.median(result["times_s"]), 4)
        result["queries"] = count_queries(page, users[page.person])
        if page.floor is not None:
            result["floor_rows"] = page.floor()
            queries_s = median_time(page.floor, repeat)
            result["floor_queries_s"] = round(queries_s, 5)
            result["floor_request_s"] = round(request_floor[page.person], 5)
            result["floor_median_s"] = round(queries_s + request_floor[page.person], 5)
            result["ratio"] = round(result["median_s"] / result["floor_median_s"], 1)
            result["ratio_to_queries_alone"] = round(result["median_s"] / queries_s)
    return {person: round(seconds, 5) for person, seconds in request_floor.items()}


def send(page: Page, server: Server, sessions: dict):
    post = page.method == "POST"
    body = urlencode(page.data()).encode() if post else None
    headers = headers_for(sessions[page.person], post=post, htmx=page.htmx)
    return request(server.port, page.method, page.url, headers, body)


def the_pages(city: City) -> list[Page]:
    from django.urls import reverse

    from goals.models import ActivityStatus
    from indicators.models import Measurement

    plan, closed, open_ = city.largest, city.closed_period, city.open_period
    manager = city.people["unit manager"]

    def status_data() -> dict:
        current = ActivityStatus.objects.filter(activity=city.activity, period=open_).first()
        version = current.version if current else 0
        status = "in_progress" if current and current.status == "done" else "done"
        return {"status": status, "comment": "Uppdaterat i mätningen.",
                "expected_version": version}  # fmt: skip

    def value_data() -> dict:
        current = Measurement.objects.filter(
            indicator=city.indicator, period=open_, unit=None, gender="T"
        ).first()
        value = 71 if current and current.value == 72 else 72
        return {"value": str(value), "comment": "Enligt uppföljningen.", "source": "Mätning",
                "expected_version": current.version if current else 0}  # fmt: skip

    status = ActivityStatus.objects.filter(activity=city.activity, period=open_).first()
    if status is None:  # the floor changes a stored status: make sure there is one
        from goals.services import activity_status_set

        status = activity_status_set(activity=city.activity, period=open_, status="in_progress",
                                     comment="", actor=manager)  # fmt: skip
    value = Measurement.objects.filter(indicator=city.indicator, period=open_, unit=None,
                                       gender="T").first()  # fmt: skip
    if value is None:
        from indicators.services import measurement_record

        value = measurement_record(indicator=city.indicator, period=open_, value=70, comment="",
                                   source="", actor=manager)  # fmt: skip
    reporting = reporting_floor(manager)
    first_goal = plan_page_goals_first(plan)
    return [
        Page("reporting (unit manager)", reverse("reports:reporting"), "unit manager", reporting),
        Page("reporting: not reported", reverse("reports:reporting") + "?unreported=1",
             "unit manager", reporting_floor(manager, {"unreported": True})),
        Page("reporting: one goal", reverse("reports:reporting") + f"?goal={first_goal}",
             "unit manager", reporting_floor(manager, {"goal": first_goal})),
        Page("start page: unit manager", reverse("home"), "unit manager",
             both(index_floor(manager), plans_floor(manager))),
        Page("start page: planner", reverse("home"), "planner",
             plans_floor(city.people["planner"])),
        Page("start page: administrator", reverse("home"), "administrator",
             plans_floor(city.people["administrator"])),
        Page("start page: committee member", reverse("home"), "committee member",
             plans_floor(city.people["committee member"])),
        Page("plan page: decided", reverse("authoring:plan_structure", args=[plan.pk]),
             "planner", structure_floor(plan)),
        Page("plan page: draft", reverse("authoring:plan_structure", args=[city.draft.pk]),
             "planner", structure_floor(city.draft)),
        Page("plan page: largest goal (htmx)",
             reverse("authoring:plan_fragment", args=[plan.pk])
             + f"?goal={largest_goal(plan)}&items=1",
             "planner", goal_items_floor(largest_goal(plan)), htmx=True),
        Page("committee overview", reverse("reports:overview", args=[plan.pk, closed.pk]),
             "committee member", report_floor(plan, closed)),
        Page("report (HTML)", reverse("reports:report", args=[plan.pk, closed.pk]), "planner",
             report_floor(plan, closed)),
        Page("status change (htmx)",
             reverse("reports:activity_status", args=[open_.pk, city.activity.pk]),
             "unit manager", change_floor(ActivityStatus, status.pk), "POST", status_data,
             htmx=True),
        Page("value entry (htmx)",
             reverse("reports:measurement", args=[open_.pk, city.indicator.pk]),
             "unit manager", change_floor(Measurement, value.pk), "POST", value_data, htmx=True),
        Page("change history", reverse("authoring:plan_history", args=[plan.pk]), "planner",
             history_floor(plan)),
        Page("change history: last page",
             reverse("authoring:plan_history", args=[plan.pk]) + "?page=999999", "planner",
             history_floor(plan)),
        Page("export: Excel", reverse("transfer:plan_export_xlsx", args=[plan.pk]), "planner",
             export_floor(plan)),
        Page("export: CSV (zip)", reverse("transfer:plan_export_zip", args=[plan.pk]), "planner",
             export_floor(plan)),
    ]  # fmt: skip


# --- Reports made by the background worker ----------------------------------------------------


def peak_memory(pid: int) -> dict:
    """The process's peak and current resident memory, in MiB (from /proc)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            found[line.split(":")[0]] = round(int(line.split()[1]) / 1024, 1)
    return {"peak_mib": found.get("VmHWM"), "resident_mib": found.get("VmRSS")}


def background_report(server: Server, environment: dict, session: str, url: str, log: Path,
                      timeout: float) -> dict:  # fmt: skip
    """Ask for a report through gunicorn, let a worker of its own render it; its time, pages
    and the worker's peak memory."""
    from reports.models import ReportJob

    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        time.sleep(3)  # started and idle: its memory before the job
        before = peak_memory(worker.pid)
        last = ReportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        status, _content, _seconds = request(
            server.port, "POST", url, headers_for(session, post=True), b""
        )
        if status != 302:
            raise SystemExit(f"asking for the report at {url} answered {status}")
        job = None
        deadline = time.monotonic() + timeout
        progress: list[tuple[float, int, int]] = []  # (seconds, percent, pages) at each change
        peak = 0.0
        while time.monotonic() < deadline:
            job = ReportJob.objects.filter(pk__gt=last).order_by("-pk").first()
            now = time.perf_counter() - started
            if job is not None and (
                not progress or progress[-1][1:] != (job.progress, job.pages or 0)
            ):
                progress.append((round(now, 1), job.progress, job.pages or 0))  # fmt: skip
            if job is not None and job.is_finished:
                break
            if worker.poll() is not None:
                raise SystemExit(f"The worker stopped:\n{log.read_text()[-3000:]}")
            peak = max(peak, peak_memory(worker.pid)["peak_mib"] or 0)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        memory = peak_memory(worker.pid)
        if job is None or job.status != ReportJob.Status.DONE:
            return {"url": url, "status": job.status if job else "not queued",
                    "error": job.error if job else "", "seconds": round(seconds, 1)}  # fmt: skip
        return {
            "url": url,
            "status": job.status,
            "plans": job.plans.count(),
            "pages": job.pages,
            "pdf_bytes": len(bytes(ReportJob.objects.values_list("pdf", flat=True).get(pk=job.pk))),
            "seconds": round(seconds, 2),
            "rendering_s": round((job.finished_at - job.started_at).total_seconds(), 2),
            "worker_idle_mib": before["resident_mib"],
            "worker_peak_mib": memory["peak_mib"],
            **progress_summary(progress, job),
        }
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def progress_summary(progress: list[tuple[float, int, int]], job) -> dict:
    """How the job's page moved: the longest time its percent stood still, and the longest
    time neither the percent nor the count of pages laid out moved, while the job ran; its
    changes (seconds from the request, percent, pages laid out)."""
    started = next((at for at, value, _pages in progress if value > 0), 0.0)

    def longest(times: list[float]) -> float | None:
        stills = [b - a for a, b in itertools.pairwise(times)]
        return round(max(stills), 1) if stills else None

    percents = [at for number, (at, value, _pages) in enumerate(progress)
                if at >= started and (number == 0 or progress[number - 1][1] != value)]  # fmt: skip
    return {
        "progress_changes": len(progress),
        "progress_longest_still_s": longest(percents),
        "progress_or_pages_longest_still_s": longest(
            [at for at, _value, _pages in progress if at >= started]
        ),
        "progress": progress if len(progress) <= 400 else progress[:: len(progress) // 400 + 1],
    }


# --- Simulated users --------------------------------------------------------------------------


def locust_personas(city: City, count: int, seed: int) -> list[dict]:
    """Logged-in people for the simulated users: unit managers with the activities they tick,
    committee members and planners with the plans they read."""
    from django.urls import reverse

    from goals.evaluation import YEAR_END
    from goals.models import Activity, ActivityStatus
    from planning.models import Membership, Plan, Role, Unit
    from planning.selectors import plans_visible_to

    rng = random.Random(seed)
    organisation, open_, closed = city.organisation, city.open_period, city.closed_period
    members = Membership.objects.filter(organisation=organisation).select_related("user", "unit")
    current = Plan.objects.filter(
        organisation=organisation, status=Plan.Status.DECIDED, end_year__gte=open_.year
    ).select_related("owner_unit")
    below: dict[int, list[int]] = {}
    for unit in Unit.objects.filter(organisation=organisation):
        below.setdefault(unit.parent_id, []).append(unit.pk)

    def subtree(unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            node = stack.pop()
            found.add(node)
            stack.extend(below.get(node, []))
        return found

    personas = []
    managers = [m for m in members if m.role == Role.UNIT_MANAGER]
    rng.shuffle(managers)
    managers.sort(key=lambda m: m.unit.kind != "operation")  # the heavy pages among them
    for membership in managers[: max(1, count * 6 // 10)]:
        units = subtree(membership.unit_id)
        activities = list(
            Activity.objects.filter(goal__plan__in=current, evaluated_months__gte=YEAR_END)
            .filter(unit_id__in=units)
            .values_list("pk", flat=True)[:60]
        )
        versions = dict(
            ActivityStatus.objects.filter(activity_id__in=activities, period=open_).values_list(
                "activity_id", "version"
            )
        )
        personas.append({
            "kind": "unit_manager",
            "session": session_of(membership.user),
            "reporting": reverse("reports:reporting"),
            "home": reverse("home"),
            "activities": [
                {"url": reverse("reports:activity_status", args=[open_.pk, pk]),
                 "version": versions.get(pk, 0)}
                for pk in activities
            ],
        })  # fmt: skip
    for role in (Role.COMMITTEE_MEMBER, Role.PLANNER):
        chosen = [m for m in members if m.role == role]
        rng.shuffle(chosen)
        for membership in chosen[: max(1, count * 2 // 10)]:
            visible = set(plans_visible_to(membership.user).values_list("pk", flat=True))
            plans = [p for p in current if p.pk in visible]
            if not plans:
                continue  # reads none of this year's plans
            personas.append({
                "kind": "committee_member" if role == Role.COMMITTEE_MEMBER else "planner",
                "session": session_of(membership.user),
                "overviews": [reverse("reports:overview", args=[p.pk, closed.pk])
                              for p in plans[:10]],
                "reports": [reverse("reports:report", args=[p.pk, closed.pk]) for p in plans[:10]],
            })  # fmt: skip
    return personas


def run_locust(server: Server, city: City, users: int, seconds: int, work: Path, seed: int):
    from django.conf import settings

    personas = locust_personas(city, users, seed)
    path = work / "personas.json"
    path.write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "csrf": CSRF,
                                "personas": personas}))  # fmt: skip
    prefix = work / "locust"
    environment = {**os.environ, "STYRKORT_LOCUST_PERSONAS": str(path)}
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
        "--run-time", f"{seconds}s", "--host", f"http://{HOST}:{server.port}",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30",
    ]  # fmt: skip
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True,
                              text=True, timeout=seconds + 300)  # fmt: skip
    stats = list(csv.DictReader((work / "locust_stats.csv").open()))
    if not stats:
        raise SystemExit(f"locust wrote no statistics:\n{finished.stderr[-3000:]}")

    def row(entry: dict) -> dict:
        return {
            "requests": int(entry["Request Count"]),
            "failures": int(entry["Failure Count"]),
            "median_ms": float(entry["Median Response Time"]),
            "p99_ms": float(entry["99%"]),
            "requests_per_s": round(float(entry["Requests/s"]), 2),
        }

    return {
        "users": users,
        "seconds": seconds,
        "wall_s": round(time.perf_counter() - started, 1),
        "think_time_s": [3, 10],
        "all": row(next(e for e in stats if e["Name"] == "Aggregated")),
        "by_request": {e["Name"]: row(e) for e in stats if e["Name"] != "Aggregated"},
    }


def exports_and_import(work: Path, import_rows: int) -> dict:
    """bench/export_bench.py (the largest plan's export up to 100,000 rows) and
    bench/import_measurements.py (an import into PostgreSQL), each in a process of its own."""
    found = {}
    for name, script, arguments in (
        ("exports", "export_bench.py", []),
        ("import", "import_measurements.py", ["--rows", str(import_rows)]),
    ):
        print(f"\n{script} {' '.join(arguments)}...", flush=True)
        out = work / f"{name}.json"
        finished = subprocess.run([sys.executable, str(ROOT / "bench" / script), *arguments,
                                   "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                                  timeout=3600)  # fmt: skip
        print(finished.stdout[-2000:], flush=True)
        if finished.returncode != 0 or not out.exists():
            found[name] = {"error": finished.stderr[-3000:]}
        else:
            found[name] = json.loads(out.read_text())
    return found


# --- Main ---------------------------------------------------------------------------------------


def print_table(pages: list[Page]) -> None:
    print(f"\n{'page':<30} {'median s':>9} {'floor s':>9} {'ratio':>6} {'queries':>7} "
          f"{'KiB':>7}")  # fmt: skip
    for page in pages:
        r = page.result
        floor = f"{r['floor_median_s']:.4f}" if "floor_median_s" in r else "–"
        print(f"{page.name:<30} {r['median_s']:>9.3f} {floor:>9} {r.get('ratio', '–'):>6} "
              f"{r['queries']:>7} {r['bytes'] / 1024:>7.0f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per page (median)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (else GUNICORN_WORKERS "
                        "or gunicorn.conf.py's default)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="the JSON file (default bench/results/...)")
    parser.add_argument("--locust-seconds", type=int, default=60, help="0: no simulated users")
    parser.add_argument("--locust-users", type=int, default=50)
    parser.add_argument("--no-pdf", action="store_true", help="skip the largest plan's PDF")
    parser.add_argument("--organisation-report", action=argparse.BooleanOptionalAction,
                        default=True, help="the organisation's report too (long)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="who the simulated users are")
    parser.add_argument("--no-exports", action="store_true",
                        help="skip export_bench.py and import_measurements.py")  # fmt: skip
    parser.add_argument("--import-rows", type=int, default=10_000)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the database holding the city (make_city.py).")
    os.environ.setdefault("ALLOWED_HOSTS", f"localhost,{HOST},testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a city made by an older version of the code
    from django.urls import reverse
    from django.utils import translation

    translation.activate("sv")
    settings.DEBUG = False
    started_at = datetime.datetime.now(datetime.UTC)
    city = the_city()
    print(f"{CITY}: the largest plan is {city.largest} ({city.largest.pk}); "
          f"open period {city.open_period}, closed {city.closed_period}.", flush=True)  # fmt: skip
    sessions = {role: session_of(user) for role, user in city.people.items()}
    pages = the_pages(city)
    work = Path(tempfile.mkdtemp(prefix="styrkort-bench-"))
    environment = {
        **os.environ, "SECRET_KEY": settings.SECRET_KEY, "LOG_LEVEL": "WARNING",
        "STATIC_MANIFEST": os.environ.get("STATIC_MANIFEST", "false"),
    }  # fmt: skip
    environment.pop("DEBUG", None)
    gunicorn_conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # what gunicorn reads
    results: dict = {
        "started": started_at.isoformat(timespec="seconds"),
        "command": " ".join(["bench/run_all.py", *sys.argv[1:]]),
        "machine": machine(),
        "city": summary(),
        "largest_plan": {
            "id": city.largest.pk,
            "name": city.largest.name,
            "rows": rows_per_plan().get(city.largest.pk),
        },
        "serving": {
            "gunicorn_workers": options.workers or gunicorn_conf["workers"],
            "gunicorn_threads": gunicorn_conf["threads"],
            "gunicorn_timeout": gunicorn_conf["timeout"],
            "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
        },
        "repeat": options.repeat,
    }
    server = Server(environment, work / "gunicorn.log", options.workers)
    try:
        print(f"Pages through gunicorn on port {server.port}, {options.repeat} rounds:", flush=True)
        results["request_floor_s"] = measure_pages(pages, server, sessions, city.people,
                                                   options.repeat)  # fmt: skip
        results["pages"] = [page.result for page in pages]
        print_table(pages)
        if not options.no_pdf:
            print("\nThe largest plan's PDF, made by the worker...", flush=True)
            url = reverse("reports:pdf_job", args=[city.largest.pk, city.closed_period.pk])
            results["pdf_largest_plan"] = background_report(
                server, environment, sessions["planner"], url, work / "worker.log", 1800
            )
            print(f"  {results['pdf_largest_plan']}")
        if options.organisation_report:
            print("\nThe whole organisation's report, made by the worker...", flush=True)
            url = reverse("reports:organisation",
                          args=[city.organisation.pk, city.closed_period.pk])  # fmt: skip
            results["pdf_organisation"] = background_report(
                server, environment, sessions["planner"], url, work / "worker-org.log", 7200
            )
            print(f"  {results['pdf_organisation']}")
        if not options.no_exports:
            results.update(exports_and_import(work, options.import_rows))
        if options.locust_seconds > 0:
            print(f"\n{options.locust_users} simulated users for {options.locust_seconds} s...",
                  flush=True)  # fmt: skip
            results["locust"] = run_locust(server, city, options.locust_users,
                                           options.locust_seconds, work, options.seed)  # fmt: skip
            print(f"  {results['locust']['all']}")
    finally:
        server.stop()
    results["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    out = options.out or ROOT / "bench" / "results" / f"run-{started_at:%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
    print(f"\nWritten to {out} (logs in {work}).")


if __name__ == "__main__":
    main()
