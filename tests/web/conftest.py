"""The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, through
Selenium) against a real uvicorn server on 127.0.0.1 serving the demo corpus's database plus one
hostile article of our own.

Without chromium, chromedriver or the built front-end files the browser tests skip; with
WIREWATCH_REQUIRE_BROWSER=1 (CI) they fail instead. Screenshots go to WIREWATCH_SCREENSHOTS when set,
else to the test run's temporary folder (pytest prints it with -v; `basetemp/screenshots/`).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from tests.conftest import free_port

from wirewatch.config import Options
from wirewatch.store import open_store

CHROMIUM = os.environ.get("WIREWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("WIREWATCH_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    "--window-size=1400,1100", "--lang=en-GB",
)  # fmt: skip

# a hostile article of our own: markup, event handlers and javascript: links that must show as text
HOSTILE = {
    "id": "hostile-1",
    "title": "Market shelling <script>window.__pwned='title'</script> <img src=x onerror=\"window.__pwned='img'\">",
    "url": "javascript:window.__pwned='url'",
    "outlet": "<b onmouseover=\"window.__pwned='outlet'\">Hostile Herald</b>",
    "published_at": "2025-03-06T09:00:00+00:00",
    "text": (
        "Shelling killed four civilians in Kharkiv on Wednesday, local officials said.\n\n"
        "<script>window.__pwned='script'</script>\n\n"
        "Residents said the shells hit a market. <img src=x onerror=\"window.__pwned='onerror'\"> "
        "<a href=\"javascript:window.__pwned='link'\">Read the official statement here</a>.\n\n"
        "<svg onload=\"window.__pwned='svg'\"></svg> Officials said repair crews were at work."
    ),
}


def browser_missing() -> str | None:
    from wirewatch.web import vendor_missing

    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)"
    if not Path(CHROMEDRIVER).exists():
        return f"no chromedriver at {CHROMEDRIVER} (apt-get install chromium-driver)"
    missing = vendor_missing()
    if missing:
        return f"dashboard files not built ({', '.join(missing)}): run `make install`"
    return None


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("WIREWATCH_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> dict:
    """The demo corpus and the hostile article, through the whole pipeline, in one SQLite file."""
    from wirewatch.demo import corpus_path
    from wirewatch.pipeline import run_pipeline

    folder = tmp_path_factory.mktemp("dashboard")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    path = str(folder / "demo.db")
    store = open_store(path)
    run_pipeline([str(corpus_path()), str(hostile)], store, Options())
    hostile_id = next(a.article_id for a in store.iter_articles() if a.external_id == HOSTILE["id"])
    store.close()
    return {"path": path, "hostile_article_id": hostile_id}


@pytest.fixture(scope="session")
def dashboard_url(demo_db):
    import uvicorn

    from wirewatch.api import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(demo_db["path"], Options()), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # a bounded wait for the server to listen, not a timing assertion
        if server.started:
            break
        time.sleep(0.05)
    if not server.started:
        pytest.fail("uvicorn did not start on 127.0.0.1")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    reason = browser_missing()
    if reason:
        if os.environ.get("WIREWATCH_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tmp_path_factory.mktemp("chromium-profile")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
