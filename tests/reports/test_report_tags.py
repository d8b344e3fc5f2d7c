"""The report pages' template tags."""

from django.utils import translation

from goals.models import ActivityStatus
from reports.templatetags.report_tags import status_buttons


def test_status_buttons_press_the_current_status_alone():
    with translation.override("en"):
        html = status_buttons("3-7", "done", ActivityStatus.Status.choices)
    buttons = html.split("\n")
    assert len(buttons) == len(ActivityStatus.Status.choices)
    pressed = [button for button in buttons if 'aria-pressed="true"' in button]
    assert pressed == [
        '<button type="submit" name="status" value="done" id="activity-3-7-done" '
        'class="ds-button status-button" data-variant="primary" aria-pressed="true">Done</button>'
    ]
    assert all('data-variant="secondary"' in b for b in buttons if b not in pressed)


def test_status_buttons_without_a_status_press_none_and_escape_their_labels():
    html = status_buttons("1-2", "", [("done", "<b>Klar</b>")])
    assert 'aria-pressed="false"' in html
    assert "&lt;b&gt;Klar&lt;/b&gt;" in html
