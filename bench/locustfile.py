"""Simulated users of the large city (locust), started by bench/run_all.py:

    locust -f bench/locustfile.py --headless --users 50 --spawn-rate 5 --run-time 60s \\
        --host http://127.0.0.1:PORT        (STYRKORT_LOCUST_PERSONAS=personas.json)

Each simulated user is one logged-in person of the city (run_all.py writes their sessions and
what each one reads or reports to the JSON file named by STYRKORT_LOCUST_PERSONAS) and waits
3-10 s between two actions, as a person reads before clicking:

- unit managers (6 of 10 users): open their reporting page, tick an activity (the htmx post
  of a status with a comment, as the page sends it) and open the start page;
- committee members (2 of 10): read a plan's overview, now and then its report;
- planners (2 of 10): read a plan's report, now and then its overview.

The requests to Styrkort alone are counted: no static files (browsers cache them).
"""

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

with open(os.environ["STYRKORT_LOCUST_PERSONAS"]) as file:
    CONFIG = json.load(file)
VERSION = re.compile(r'name="expected_version" value="(\d+)"')
STATUSES = ["in_progress", "done", "delayed", "done"]
_lock = threading.Lock()
_next = {
    kind: itertools.cycle([p for p in CONFIG["personas"] if p["kind"] == kind] or [None])
    for kind in ("unit_manager", "committee_member", "planner")
}


def next_persona(kind: str) -> dict:
    with _lock:
        persona = next(_next[kind])
    if persona is None:
        raise RuntimeError(f"run_all.py gave no {kind} to simulate")
    return persona


class Person(HttpUser):
    abstract = True
    wait_time = between(3, 10)
    kind = ""

    def on_start(self) -> None:
        self.persona = next_persona(self.kind)
        self.client.cookies.set(CONFIG["cookie"], self.persona["session"])
        self.client.cookies.set("csrftoken", CONFIG["csrf"])
        self.client.headers.update({"X-CSRFToken": CONFIG["csrf"], "Accept-Language": "sv"})
        self.versions: dict[str, int] = {}

    def read(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")


class UnitManager(Person):
    weight = 6
    kind = "unit_manager"

    @task(3)
    def reporting_page(self) -> None:
        self.read(self.persona["reporting"], "reporting page")

    @task(2)
    def tick_an_activity(self) -> None:
        if not self.persona["activities"]:
            return self.reporting_page()
        activity = random.choice(self.persona["activities"])
        url = activity["url"]
        version = self.versions.get(url, activity["version"])
        data = {"status": random.choice(STATUSES), "comment": "Uppdaterat under lasttestet.",
                "expected_version": version}  # fmt: skip
        with self.client.post(url, data=data, headers={"HX-Request": "true"},
                              name="tick an activity", catch_response=True) as answer:  # fmt: skip
            found = VERSION.search(answer.text or "")
            if found:
                self.versions[url] = int(found.group(1))
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
        return None

    @task(1)
    def start_page(self) -> None:
        self.read(self.persona["home"], "start page")


class CommitteeMember(Person):
    weight = 2
    kind = "committee_member"

    @task(3)
    def overview(self) -> None:
        self.read(random.choice(self.persona["overviews"]), "overview")

    @task(1)
    def report(self) -> None:
        self.read(random.choice(self.persona["reports"]), "report")


class Planner(Person):
    weight = 2
    kind = "planner"

    @task(2)
    def report(self) -> None:
        self.read(random.choice(self.persona["reports"]), "report")

    @task(1)
    def overview(self) -> None:
        self.read(random.choice(self.persona["overviews"]), "overview")
