"""The pages of run_all.py, the gunicorn server and timing each page."""

import http.client
import itertools
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from run_city import CSRF, HOST, ROOT, City, free_port
from run_floors import (
    both,
    change_floor,
    decided_floor,
    export_floor,
    goal_items_floor,
    history_floor,
    index_floor,
    indicator_list_floor,
    largest_goal,
    plan_page_goals_first,
    plans_floor,
    report_floor,
    reporting_floor,
    step_floor,
    structure_floor,
)


@dataclass
class Page:
    name: str
    url: str
    person: str
    floor: Callable[[], int] | None = None
    method: str = "GET"
    data: Callable[[], dict] | None = None  # a post's form data (read fresh before each post)
    htmx: bool = False
    # It changes the plan's goals, indicators or activities (a step, a drag): measured after
    # the pages that read, so that it does not make every read the first after a change.
    changes_plan: bool = False
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


def asker(page: Page, user) -> Callable[[], object]:
    """A function asking the page as `user` in this process (Django's test client), which
    stops the bench if the page answers with an error."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    extra = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}

    def ask():
        if page.method == "POST":
            response = client.post(page.url, page.data(), **extra)
        else:
            response = client.get(page.url, **extra)
        if response.status_code >= 400:
            raise SystemExit(f"{page.name}: {response.status_code} in this process")
        return response

    return ask


def count_queries(page: Page, user) -> int:
    """The page's queries, counted in this process (the same request through Django)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ask = asker(page, user)
    with CaptureQueriesContext(connection) as queries:
        ask()
    return len(queries)


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


FIXED = "/health/"  # the fixed cost of a request: HTTP, WSGI, middleware, session and user


def measure_pages(
    pages: list[Page], server: Server, sessions: dict, users: dict, repeat: int, warm: int = 1
):
    """Each page `repeat` times, interleaved, and each person's request to /health/ (the fixed
    cost of a request through the same stack, counted into every floor). The pages that change
    a plan's content come after the others' rounds, in rounds of their own: interleaved with
    them, each would make the next read of its plan the first after a change.

    Before that, `warm` untimed rounds of every page: each gunicorn worker compiles a page's
    templates and loads its modules at its first request of it, once in its life, and a round
    reaches one worker of several (whichever accepts); the warm-up's times are kept apart
    (`warm_times_s`)."""
    fixed: dict[str, list[float]] = {person: [] for person in sessions}
    for page in pages:
        page.result = {"name": page.name, "method": page.method, "url": page.url,
                       "person": page.person, "times_s": [], "warm_times_s": []}  # fmt: skip
    changing = [page for page in pages if page.changes_plan]
    reading = [page for page in pages if not page.changes_plan]
    for _round in range(warm):
        for page in changing + reading:
            status, content, seconds = send(page, server, sessions)
            if status >= 400:
                raise SystemExit(f"{page.name}: {page.method} {page.url} answered {status}")
            page.result["status"] = status
            page.result["warm_times_s"].append(round(seconds, 4))
    for group in (reading, changing):
        for round_ in range(repeat):
            if group is reading:
                for person, session in sessions.items():
                    headers = headers_for(session)
                    fixed[person].append(request(server.port, "GET", FIXED, headers)[2])
            for page in group:
                status, content, seconds = send(page, server, sessions)
                page.result["times_s"].append(round(seconds, 4))
                page.result["bytes"] = len(content)
                if status >= 400:
                    raise SystemExit(f"{page.name}: answered {status} in round {round_ + 1}")
            which = " (pages that change a plan)" if group is changing else ""
            print(f"  round {round_ + 1} of {repeat} done{which}", flush=True)
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


def _page_of_indicators(manager) -> int:
    """The page of the manager's reporting with the most indicators' rows (they follow the
    activities: the last pages), each a form of its own."""
    from planning.selectors import scope_for
    from reports.selectors.reporting import reporting_listing

    scope = scope_for(manager)
    last = reporting_listing(manager, scope).page.paginator.num_pages
    return max(
        range(max(1, last - 3), last + 1),
        key=lambda page: len(reporting_listing(manager, scope, page=page).indicator_rows),
    )


def the_pages(city: City) -> list[Page]:
    from django.urls import reverse

    from goals.models import Activity, ActivityStatus
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
    # A step down and back up of an activity in the middle of the draft's largest goal.
    in_draft = list(Activity.objects.filter(goal_id=largest_goal(city.draft))
                    .order_by("position", "pk").values_list("pk", flat=True))  # fmt: skip
    stepping, below = in_draft[len(in_draft) // 2], in_draft[len(in_draft) // 2 + 1]
    steps = itertools.count()

    def step_data() -> dict:
        return {"direction": "down" if next(steps) % 2 == 0 else "up"}

    # The first activity of that goal dragged to its end, and back to the top: every row moves.
    dragging = in_draft[0]
    drags = itertools.count()

    def drag_data() -> dict:
        order = list(Activity.objects.filter(goal_id=largest_goal(city.draft))
                     .order_by("position", "pk").values_list("pk", flat=True))  # fmt: skip
        order.remove(dragging)
        index = len(order) if next(drags) % 2 == 0 else 0
        order.insert(index, dragging)  # as the page shows them after the drop
        return {"index": str(index), "focus": "handle", "shown": ",".join(map(str, order))}

    reporting = reporting_floor(manager)
    first_goal = plan_page_goals_first(plan)
    with_indicators = _page_of_indicators(manager)
    return [
        Page("reporting (unit manager)", reverse("reports:reporting"), "unit manager", reporting),
        Page("reporting: not reported", reverse("reports:reporting") + "?unreported=1",
             "unit manager", reporting_floor(manager, {"unreported": True})),
        Page("reporting: one goal", reverse("reports:reporting") + f"?goal={first_goal}",
             "unit manager", reporting_floor(manager, {"goal": first_goal})),
        Page("reporting: a page of indicators",
             reverse("reports:reporting") + f"?page={with_indicators}", "unit manager",
             reporting_floor(manager, {"page": with_indicators})),
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
        Page("plan page: draft's largest goal (htmx)",
             reverse("authoring:plan_fragment", args=[city.draft.pk])
             + f"?goal={largest_goal(city.draft)}&items=1",
             "planner", goal_items_floor(largest_goal(city.draft)), htmx=True),
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
        Page("plan page: a step down or up (htmx)",
             reverse("authoring:item_place", args=["activity", stepping]), "planner",
             step_floor(Activity, [stepping, below]), "POST", step_data, htmx=True,
             changes_plan=True),
        Page("plan page: a row dragged to the end or the top (htmx)",
             reverse("authoring:item_place", args=["activity", dragging]), "planner",
             step_floor(Activity, in_draft), "POST", drag_data, htmx=True, changes_plan=True),
        Page("change history", reverse("authoring:plan_history", args=[plan.pk]), "planner",
             history_floor(plan)),
        Page("change history: last page",
             reverse("authoring:plan_history", args=[plan.pk]) + "?page=999999", "planner",
             history_floor(plan)),
        # Pages of a plan and an organisation at scale, measured since the twelfth pass.
        Page("indicator list, reds first",
             reverse("indicators:indicator_list", args=[plan.pk]) + "?sort=latest_colour",
             "planner", indicator_list_floor(plan)),
        Page("decided version", reverse("authoring:plan_decided", args=[plan.pk]), "planner",
             decided_floor(plan)),
        Page("an indicator's history",
             reverse("authoring:object_history", args=["indicator", city.indicator.pk]),
             "planner"),
        Page("setting up: start", reverse("planning:organisation_list"), "administrator"),
        Page("people and roles",
             reverse("planning:people", args=[plan.organisation_id]), "administrator"),
        Page("export: Excel", reverse("transfer:plan_export_xlsx", args=[plan.pk]), "planner",
             export_floor(plan)),
        Page("export: CSV (zip)", reverse("transfer:plan_export_zip", args=[plan.pk]), "planner",
             export_floor(plan)),
    ]  # fmt: skip


# --- Reports made by the background worker ----------------------------------------------------
