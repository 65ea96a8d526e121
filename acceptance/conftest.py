import os

import pytest
import requests
import stripe

from server import ADMIN_KEY, RemitServer, new_postgres_database

ENGINES = ["sqlite"]
if os.environ.get("REMIT_TEST_DATABASE_URL"):
    ENGINES.append("postgres")
elif os.environ.get("REMIT_TEST_REQUIRE_POSTGRES") == "1":
    raise RuntimeError("REMIT_TEST_REQUIRE_POSTGRES=1 but REMIT_TEST_DATABASE_URL is not set")


@pytest.fixture(scope="session", params=ENGINES)
def server(request):
    url = new_postgres_database() if request.param == "postgres" else None
    remit = RemitServer(database_url=url).start()
    yield remit
    remit.cleanup()


@pytest.fixture(scope="session")
def platform(server):
    return stripe.StripeClient(ADMIN_KEY, base_addresses={"api": server.base}, max_network_retries=0)


@pytest.fixture
def merchant(server, platform):
    """A fresh merchant account and a client on its own secret key."""
    account = platform.v1.accounts.create(params={"type": "custom", "country": "US", "email": "m@example.com"})
    key = account["secret_key"]
    client = stripe.StripeClient(key, base_addresses={"api": server.base}, max_network_retries=0)
    client.account_id = account.id
    client.secret_key = key
    client.publishable_key = account["publishable_key"]
    return client


@pytest.fixture
def legacy(server, merchant):
    """The legacy global-style API configured for the merchant."""
    stripe.api_key = merchant.secret_key
    stripe.api_base = server.base
    stripe.max_network_retries = 0
    yield stripe
    stripe.api_key = None


def raw(server, method, path, key, **kwargs):
    return requests.request(method, server.base + path, auth=(key, ""), timeout=30, **kwargs)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's chromium and chromium-driver) driven by selenium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()
