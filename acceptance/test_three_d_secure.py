"""3-D Secure in a real browser: the stripe client confirms a PaymentIntent on a card that always asks for
authentication, headless Chromium follows `next_action` to the hosted challenge, presses Stripe's test buttons, and
lands on the `return_url` with `redirect_status` (research/payment-intents.md §12, behaviours 13-15)."""
from urllib.parse import parse_qs, urlparse

import pytest
import stripe
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def challenge(merchant, server):
    intent = merchant.v1.payment_intents.create(params={
        "amount": 4200, "currency": "eur", "payment_method": "pm_card_authenticationRequired", "confirm": True,
        "payment_method_types": ["card"], "return_url": server.base + "/healthz?shop=1"})
    assert intent.status == "requires_action"
    assert intent.next_action.type == "redirect_to_url"
    return intent


def press(browser, url, button):
    browser.get(url)
    browser.find_element(By.ID, button).click()
    WebDriverWait(browser, 30).until(lambda driver: "redirect_status=" in driver.current_url)
    return parse_qs(urlparse(browser.current_url).query)


def test_completing_the_challenge_pays_the_intent(merchant, server, browser):
    intent = challenge(merchant, server)
    query = press(browser, intent.next_action.redirect_to_url.url, "test-source-authorize-3ds")
    assert query["redirect_status"] == ["succeeded"] and query["payment_intent"] == [intent.id]
    assert query["payment_intent_client_secret"] == [intent.client_secret] and query["shop"] == ["1"]
    paid = merchant.v1.payment_intents.retrieve(intent.id, params={"expand": ["latest_charge"]})
    assert paid.status == "succeeded"
    assert paid.latest_charge.payment_method_details.card.three_d_secure.result == "authenticated"


def test_failing_the_challenge_leaves_the_intent_open(merchant, server, browser):
    intent = challenge(merchant, server)
    query = press(browser, intent.next_action.redirect_to_url.url, "test-source-fail-3ds")
    assert query["redirect_status"] == ["failed"]
    failed = merchant.v1.payment_intents.retrieve(intent.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.code == "payment_intent_authentication_failure"
    assert merchant.v1.charges.list(params={"payment_intent": intent.id}).data == []


def test_off_session_authentication_is_a_card_error(merchant):
    with pytest.raises(stripe.CardError) as declined:
        merchant.v1.payment_intents.create(params={
            "amount": 4200, "currency": "eur", "payment_method": "pm_card_authenticationRequired", "confirm": True,
            "off_session": True, "payment_method_types": ["card"]})
    assert declined.value.code == "authentication_required"
    assert declined.value.error.payment_intent.status == "requires_payment_method"
