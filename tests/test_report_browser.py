"""The HTML validation report in a real browser: offline, no console errors, a visible page.

The report is opened from a ``file://`` URL in headless Chromium with its network features off
and every host name unresolvable, so a report that needs the network (a CDN stylesheet, a remote
font or script) fails here instead of for a reader without a connection. Chromium's DevTools
performance log lists every request the page made; the browser log lists console errors and
uncaught exceptions. A screenshot of the whole page is saved in the test's temporary folder.

Needs /usr/bin/chromium and /usr/bin/chromedriver (``scripts/install_chromium.sh``) and the
``selenium`` package; without them the tests are skipped, except in CI (``CI=true``), where they
fail.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import burnoutkit as bk
from burnoutkit.datasets import load_reference_cohort

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

#: Schemes a self-contained page may load from; anything else (http, https, ws, ftp) is network.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "chrome:")

pytestmark = pytest.mark.browser


def _unavailable(reason: str) -> None:
    """Skip, or fail in CI, where the browser check must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser check")
    pytest.skip(reason)


@pytest.fixture
def browser(tmp_path, monkeypatch):
    """A headless Chromium through chromedriver, with a fresh profile and no network."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        _unavailable(
            f"{CHROMIUM} or {CHROMEDRIVER} not found; scripts/install_chromium.sh installs them"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.selenium_manager import SeleniumManager
    except ImportError:
        _unavailable("selenium is not installed (it is in the test extra: pip install selenium)")

    # The driver and browser paths are given, so Selenium Manager (which may download drivers)
    # must never run: make it fail loudly if it is ever asked.
    monkeypatch.setenv("SE_OFFLINE", "true")

    def no_selenium_manager(*args: Any, **kwargs: Any) -> dict[str, str]:
        raise AssertionError("Selenium Manager was called; it must not look for drivers online")

    monkeypatch.setattr(SeleniumManager, "binary_paths", no_selenium_manager)

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        # no host name resolves: a request that slips through fails without reaching a network
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1280,1024",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _open_offline(driver: Any, page: Path) -> dict[str, list[str]]:
    """Open ``page`` from a file:// URL; return its network requests and console errors."""
    driver.get_log("performance")  # drop what the browser did before the page (its new tab)
    driver.get_log("browser")
    driver.get(page.resolve().as_uri())
    driver.execute_script("return document.readyState")
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            params = message["params"]
            url = params.get("request", {}).get("url") or params.get("url", "")
            requests.append(url)
    errors = [
        f"{entry['source']}: {entry['message']}"
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE"
    ]
    return {
        "requests": requests,
        "network": [url for url in requests if not url.startswith(LOCAL_SCHEMES)],
        "console_errors": errors,
    }


def _full_page_screenshot(driver: Any, path: Path) -> np.ndarray:
    """Save a PNG of the whole page (capped at 16000 px) and return it as an RGB(A) array."""
    import matplotlib.image

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {
        "x": 0,
        "y": 0,
        "width": float(min(max(size["width"], 800), 4000)),
        "height": float(min(max(size["height"], 600), 16000)),
        "scale": 1,
    }
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    data = base64.b64decode(shot["data"])
    path.write_bytes(data)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    return matplotlib.image.imread(path)


def _assert_not_blank(image: np.ndarray) -> None:
    """Enough pixels differ from the background colour, in more than a handful of colours."""
    assert image.shape[0] >= 600 and image.shape[1] >= 800, image.shape
    rgb = np.round(image[..., :3].reshape(-1, 3) * 255).astype(np.int64)
    background = np.median(rgb[::97], axis=0)
    ink = np.abs(rgb - background).max(axis=1) > 25
    assert ink.mean() > 0.005, f"the page looks blank: {ink.mean():.2%} of pixels differ"
    codes = (rgb[::13, 0] << 16) | (rgb[::13, 1] << 8) | rgb[::13, 2]
    colours = np.unique(codes).size
    assert colours > 16, f"the page has only {colours} colours"


@pytest.fixture
def report_html(tmp_path):
    """The HTML report of bk.validate on 400 respondents of the reference cohort."""
    cohort = load_reference_cohort()
    data = cohort.data.head(400)
    retest = cohort.retest[cohort.retest["id"].isin(data["id"])]
    report = bk.validate(
        bk.load_bank("bai"),
        data,
        id_column="id",
        group="form",
        retest=retest,
        random_state=1,
    )
    path = tmp_path / "report.html"
    report.save(path)
    return path


def test_report_opens_offline_without_errors(browser, report_html, tmp_path):
    seen = _open_offline(browser, report_html)
    assert report_html.resolve().as_uri() in seen["requests"]
    assert seen["network"] == [], f"the report made network requests: {seen['network']}"
    assert seen["console_errors"] == [], f"console errors: {seen['console_errors']}"

    title = browser.title
    assert title.strip(), "the report has no <title>"
    # every figure is embedded and decodes
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth]);"
    )
    assert all(complete and width > 0 for complete, width in images), images
    assert browser.execute_script("return document.querySelectorAll('table').length") > 0
    text = browser.execute_script("return document.body.innerText")
    assert "bai" in text.lower() or "Burnout Architecture Inventory" in text

    shot = tmp_path / "report.png"
    image = _full_page_screenshot(browser, shot)
    _assert_not_blank(image)
    assert shot.stat().st_size > 10_000


def test_the_check_detects_network_requests_and_errors(browser, tmp_path):
    """A page with a remote stylesheet and a script error is caught (the check is not vacuous)."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>bad</title>"
        "<link rel='stylesheet' href='https://assets.example.invalid/report.css'></head>"
        "<body><h1>bad</h1><script>notDefinedAnywhere();</script></body></html>",
        encoding="utf-8",
    )
    seen = _open_offline(browser, page)
    assert seen["network"] == ["https://assets.example.invalid/report.css"]
    assert any("notDefinedAnywhere" in error for error in seen["console_errors"])
