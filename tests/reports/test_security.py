"""Text that users write can never make the server fetch a file or an address, nor run code.

User text is escaped in every output; and even HTML that reached WeasyPrint unescaped could not
fetch anything: the renderer's URL fetcher serves the app's static files only.
"""

import io
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pikepdf
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from goals.models import ActivityStatus
from goals.services import activity_status_set, goal_follow_up_save
from indicators.services import measurement_record
from reports.excel import FLAT, report_workbook
from reports.pdf import STATIC_BASE, FetchRefused, StaticOnlyFetcher, html_to_pdf, report_pdf
from reports.selectors import follow_up_report
from tests.reports.conftest import pdf_text


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A web server on 127.0.0.1 that records every request it gets."""
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def hostile(address: str) -> str:
    return (
        '<img src="file:///etc/passwd"> '
        f'<img src="{address}/tracker.png" alt="x"> '
        f'<link rel="stylesheet" href="{address}/evil.css"> '
        f'<script>fetch("{address}/script")</script> '
        f'<svg><image href="{address}/svg.png"/></svg> '
        f'<style>@import url("{address}/import.css");</style>'
    )


@pytest.fixture
def hostile_report(plan, periods, goal, indicator, activity, listener):
    """Every user-written text of the report carries tags that would fetch and run things."""
    address, _hits = listener
    text = hostile(address)
    t1 = periods[0]
    measurement_record(
        indicator=indicator, period=t1, value=Decimal("75"), comment=text, source=text, actor=None
    )
    activity_status_set(activity=activity, period=t1, status="done", comment=text, actor=None)
    goal_follow_up_save(goal=goal, period=t1, assessment="achieved", analysis=text, actor=None)
    goal.title = text[:400]
    goal.save()
    return plan, t1, text


def _images(content: bytes) -> int:
    pdf = pikepdf.Pdf.open(io.BytesIO(content))
    count = 0
    for page in pdf.pages:
        xobjects = page.Resources.get("/XObject", {})
        count += sum(1 for obj in xobjects.values() if obj.get("/Subtype") == "/Image")
    return count


def test_pdf_prints_hostile_text_and_fetches_nothing(hostile_report, listener, weasyprint_log):
    plan, period, _text = hostile_report
    _address, hits = listener
    content = report_pdf(follow_up_report(plan, period)).content
    assert hits == []
    assert _images(content) == 0
    printed = pdf_text(content)
    assert '<img src="file:///etc/passwd">' in printed  # shown as the text it is
    assert "root:x:0:0" not in printed
    assert weasyprint_log() == []


def test_html_page_escapes_hostile_text(client, hostile_report, listener, django_user_model):
    plan, period, _text = hostile_report
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    response = client.get(reverse("reports:report", args=[plan.pk, period.pk]))
    page = response.text
    assert '<img src="file:///etc/passwd">' not in page
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in page
    assert "<script>fetch" not in page and "&lt;script&gt;fetch" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert listener[1] == []


def test_excel_stores_hostile_text_as_text(hostile_report):
    plan, period, text = hostile_report
    ActivityStatus.objects.update(comment='=HYPERLINK("http://127.0.0.1/x","klick")')
    workbook = load_workbook(io.BytesIO(report_workbook(follow_up_report(plan, period), FLAT)))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    assert any(c.value == text for c in cells)


def test_unescaped_html_still_cannot_fetch(listener, weasyprint_log):
    """Defence in depth: even raw HTML reaching WeasyPrint fetches no file and no address."""
    address, hits = listener
    html = (
        '<!doctype html><html lang="sv"><head><title>t</title>'
        f'<link rel="stylesheet" href="{address}/evil.css"></head><body>'
        f"<p>Text</p>{hostile(address)}"
        f'<img src="{address}/a.png" alt="a"><img src="../../../../etc/passwd" alt="b">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="c">'
        f'<p style="background: url({address}/bg.png)">x</p></body></html>'
    )
    content = html_to_pdf(html).content
    assert hits == []
    assert _images(content) == 0
    assert "root:x:0:0" not in pdf_text(content)
    refusals = [r.getMessage() for r in weasyprint_log() if "Refused to fetch" in r.getMessage()]
    targets = (
        "evil.css",
        "import.css",
        "file:///etc/passwd",
        "tracker.png",
        "a.png",
        "https://styrkort.invalid/etc/passwd",
        "data:image/png",
        "bg.png",
        "svg.png",
    )
    for target in targets:
        assert any(target in message for message in refusals), target


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.com/x.png",
        "data:text/plain,hello",
        STATIC_BASE + "../../etc/passwd",
        STATIC_BASE + "css/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        STATIC_BASE + "/etc/passwd",
        STATIC_BASE + "css/nothing-here.css",
        STATIC_BASE + ".",
        STATIC_BASE + "css/",
    ],
)
def test_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_the_report_stylesheet():
    response = StaticOnlyFetcher().fetch(STATIC_BASE + "css/report-print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_fetcher_never_opens_addresses_itself():
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher().open("http://127.0.0.1/")
