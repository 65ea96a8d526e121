"""The dashboards in a real browser: `remit demo` fills a store, headless Chromium (Debian's chromium and
chromium-driver, driven by selenium) signs in with the platform key and opens every page; the figures on the pages
are checked against the warehouse, the charts are there, the console is clean, the pages work by keyboard and on a
phone's width; screenshots are kept in acceptance/artifacts/."""
import os
import sqlite3
import subprocess
import tempfile
import time

import pytest

from server import REMIT_BIN, free_port

ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")
PAGES = [("/dashboard", "Overview"), ("/dashboard/api", "API performance"), ("/dashboard/fraud", "Fraud"),
         ("/dashboard/webhooks", "Webhooks"), ("/dashboard/etl", "Nightly ETL")]


@pytest.fixture(scope="module")
def demo():
    data_dir = tempfile.mkdtemp(prefix="remit-demo-")
    port = free_port()
    # The demo's output goes to a file: read through a pipe that nobody drains after start-up, the server would block
    # on its next log line once the pipe's buffer filled.
    # Beside the data directory, not in it: the demo refuses a directory that holds anything but a previous demo.
    log_path = data_dir + ".log"
    log = open(log_path, "w")
    process = subprocess.Popen([REMIT_BIN, "demo", "--days", "4", "--port", str(port), "--data-dir", data_dir],
                               stdout=log, stderr=subprocess.STDOUT, text=True)
    key, output, deadline = None, "", time.time() + 300
    while time.time() < deadline and process.poll() is None:
        with open(log_path) as reading:
            output = reading.read()
        if "Ctrl-C stops" in output:
            break
        time.sleep(0.2)
    with open(log_path) as reading:
        output = reading.read()
    for line in output.splitlines():
        if "Sign in with the platform key:" in line:
            key = line.rsplit(":", 1)[1].strip()
    if not key or "Ctrl-C stops" not in output:
        process.kill()
        pytest.fail("the demo did not become ready:\n" + "\n".join(output.splitlines()[-30:]))
    yield {"base": f"http://127.0.0.1:{port}", "key": key, "data_dir": data_dir, "output": output}
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def warehouse(demo, sql):
    with sqlite3.connect(os.path.join(demo["data_dir"], "warehouse.sqlite")) as connection:
        return connection.execute(sql).fetchall()


def usd(cents):
    sign = "−" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100:,}.{cents % 100:02d}"


def metric(driver, name):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, f'[data-metric="{name}"]').text


def test_the_demo_fills_every_flow(demo):
    output = demo["output"]
    assert "ETL published" in output and "webhook deliveries" in output
    assert warehouse(demo, "SELECT count(*) FROM fact_payment")[0][0] > 100
    assert warehouse(demo, "SELECT count(*) FROM fact_api_performance_realtime")[0][0] > 10
    assert warehouse(demo, "SELECT count(*) FROM stream_alerts")[0][0] >= 1, "the gateway's spike fired an alert"


def test_sign_in_and_every_page_in_a_browser(demo, browser):
    from selenium.webdriver.common.by import By
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser.get(demo["base"] + "/dashboard/fraud")
    assert "/dashboard/login" in browser.current_url, "signed out: the login form"
    browser.find_element(By.ID, "key").send_keys(demo["key"])
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    assert browser.current_url.endswith("/dashboard/fraud"), "back to the page asked for"
    assert demo["key"] not in browser.current_url
    cookie = browser.get_cookie("remit_dashboard")
    assert cookie and cookie["httpOnly"] and demo["key"] not in cookie["value"]
    for path, title in PAGES:
        browser.get(demo["base"] + path)
        assert browser.find_element(By.TAG_NAME, "h1").text == title
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert charts, f"{path} has charts"
        for chart in charts:
            assert chart.get_attribute("aria-labelledby"), "charts are labelled"
        assert browser.find_element(By.ID, "freshness").text, "the page says when its data was refreshed"
        assert browser.find_element(By.CSS_SELECTOR, 'meta[http-equiv="refresh"]')
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert not errors, f"console errors on {path}: {errors}"
        browser.save_screenshot(os.path.join(ARTIFACTS, f"dashboard{path.replace('/dashboard', '').replace('/', '-') or '-overview'}.png"))


def test_the_figures_are_the_warehouses(demo, browser):
    browser.get(demo["base"] + "/dashboard")
    newest = warehouse(demo, "SELECT MAX(date_key) FROM agg_merchant_daily")[0][0]
    payments, gross, net = warehouse(demo, f"""
        SELECT SUM(payments), SUM(gross_usd_cents), SUM(net_usd_cents) FROM agg_merchant_daily
        WHERE date_key > {newest - 100}""")[0]  # the demo's days all fall in one month
    assert metric(browser, "payments") == f"{payments:,}"
    assert metric(browser, "gross_usd") == usd(gross)
    assert metric(browser, "net_usd") == usd(net)
    browser.get(demo["base"] + "/dashboard/api")
    end = warehouse(demo, "SELECT MAX(window_end_ms) FROM fact_api_performance_realtime")[0][0]
    requests = warehouse(demo, f"""SELECT SUM(request_count) FROM fact_api_performance_realtime
        WHERE window_end_ms > {end - 86_400_000}""")[0][0]
    assert metric(browser, "requests") == f"{requests:,}"
    browser.get(demo["base"] + "/dashboard/etl")
    from selenium.webdriver.common.by import By
    rows = browser.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
    assert len(rows) == warehouse(demo, "SELECT count(*) FROM etl_run")[0][0]
    assert "published" in rows[0].text


def test_keyboard_and_a_phones_width(demo, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser.get(demo["base"] + "/dashboard/webhooks")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip", "the first stop skips to the content"
    visited = []
    for _ in range(8):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        visited.append(browser.switch_to.active_element.get_attribute("href") or "")
    assert any(link.endswith("/dashboard/etl") for link in visited), "the navigation is reachable by keyboard"
    browser.set_window_size(390, 844)
    try:
        for path, _ in PAGES:
            browser.get(demo["base"] + path)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            viewport = browser.execute_script("return window.innerWidth")
            assert width <= viewport + 1, f"{path} fits a phone's width ({width} > {viewport})"
        browser.save_screenshot(os.path.join(ARTIFACTS, "dashboard-etl-phone.png"))
    finally:
        browser.set_window_size(1280, 1000)
