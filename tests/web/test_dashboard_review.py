"""The event page's review panel in headless Chromium: an analyst sets a field with a reason, is
refused without the review token, and rejects the event; the API then shows the hand-set value,
who and why. Its own server (with a review token) over a copy of the demo database."""

from __future__ import annotations

import shutil
import threading
import time

import httpx
import pytest
from tests.conftest import free_port

from wirewatch.config import Options

pytestmark = pytest.mark.browser

WAIT = 20  # seconds a page may take to answer (an upper bound on waiting, not a speed assertion)
TOKEN = "review-secret"


def _wait(driver, condition, message: str):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # the page is redrawn after each action: an element found a moment ago may be gone
    wait = WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(lambda d: condition(d), message)


def _text(driver, name: str) -> str:
    """An element's text read in one script (the panel is redrawn while a test waits on it)."""
    return driver.execute_script("const e = document.getElementById(arguments[0]); return e ? e.textContent : '';", name)


def _by_id(driver, name: str):
    return driver.find_element("id", name)


@pytest.fixture
def review_server(demo_db, tmp_path):
    import uvicorn

    from wirewatch.api import create_app

    path = str(tmp_path / "review.db")
    shutil.copyfile(demo_db["path"], path)
    options = Options()
    options.api.review_token = TOKEN
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(path, options), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # a bounded wait for the server to listen
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_set_a_field_be_refused_without_the_token_and_reject(browser, review_server, screenshot_dir):
    from selenium.webdriver.support.ui import Select

    events = httpx.get(review_server + "/events", params={"limit": 1000}, timeout=30).json()["events"]
    nyala = next(e for e in events if e["location"] == "Nyala")
    browser.get(f"{review_server}/event/{nyala['event_id']}")
    _wait(browser, lambda d: d.find_elements("id", "r-set"), "review panel")
    assert "not reviewed" in _text(browser, "r-status")
    for name, text in (("r-author", "ana"), ("r-token", TOKEN), ("r-reason", "the hospital's list")):
        _by_id(browser, name).clear()
        _by_id(browser, name).send_keys(text)
    Select(_by_id(browser, "r-field")).select_by_value("fatalities")
    _by_id(browser, "r-value").send_keys("14")
    _by_id(browser, "r-set").click()
    _wait(browser, lambda d: "Saved" in _text(d, "r-message"), "correction saved")
    assert "set by hand: fatalities" in _text(browser, "r-status")
    assert "14 best estimate" in browser.find_element("css selector", ".facts").text
    browser.save_screenshot(str(screenshot_dir / "11-review-field-set.png"))

    _by_id(browser, "r-token").clear()
    _by_id(browser, "r-reject").click()
    _wait(browser, lambda d: "W041" in _text(d, "r-message"), "refused without the token")
    _by_id(browser, "r-token").send_keys(TOKEN)
    _by_id(browser, "r-reason").send_keys(" and a duplicate")
    _by_id(browser, "r-reject").click()
    _wait(browser, lambda d: "rejected" in _text(d, "r-status"), "rejected")
    browser.save_screenshot(str(screenshot_dir / "12-review-rejected.png"))

    stored = httpx.get(f"{review_server}/events/{nyala['event_id']}", timeout=30).json()
    assert (stored["fatalities"], stored["hand_set"], stored["review_status"]) == (14, ["fatalities"], "rejected")
    corrected = [h for h in stored["history"] if h["action"] == "corrected"]
    assert [(h["author"], h["reason"]) for h in corrected] == [("ana", "the hospital's list")]
    listed = httpx.get(review_server + "/events", params={"limit": 1000}, timeout=30).json()["events"]
    assert nyala["event_id"] not in {e["event_id"] for e in listed}


def test_the_review_filter_shows_rejected_events(browser, review_server, screenshot_dir):
    from selenium.webdriver.support.ui import Select

    events = httpx.get(review_server + "/events", params={"limit": 1000}, timeout=30).json()["events"]
    target = events[0]["event_id"]
    answer = httpx.post(f"{review_server}/events/{target}/reject", headers={"Authorization": f"Bearer {TOKEN}"},
                        json={"author": "ana", "reason": "an opinion piece"}, timeout=30)  # fmt: skip
    assert answer.status_code == 201
    browser.get(review_server + "/")
    _wait(browser, lambda d: d.find_elements("css selector", "#map[data-cells]")
          and d.find_elements("css selector", "#events tbody tr[data-event-id]"), "dashboard drawn")  # fmt: skip
    shown = lambda d: d.execute_script(  # noqa: E731 - read in one script: the table is redrawn meanwhile
        "return [...document.querySelectorAll('#events tbody tr[data-event-id]')].map(r => r.dataset.eventId)"
    )
    assert target not in shown(browser)
    Select(_by_id(browser, "f-review")).select_by_value("rejected")
    _wait(browser, lambda d: shown(d) == [target], "only the rejected event")
    assert "review=rejected" in browser.current_url
    browser.save_screenshot(str(screenshot_dir / "13-review-filter-rejected.png"))
