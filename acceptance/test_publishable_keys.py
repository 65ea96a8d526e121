"""Publishable keys with the official client and as Stripe.js sends them (issue #22 §7)."""
import pytest
import requests
import stripe

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


@pytest.fixture
def browser_client(server, merchant):
    return stripe.StripeClient(merchant.publishable_key, base_addresses={"api": server.base}, max_network_retries=0)


def test_the_browser_creates_a_method_and_confirms_with_the_client_secret(merchant, browser_client):
    assert merchant.publishable_key.startswith("pk_test_")
    method = browser_client.v1.payment_methods.create(params={"type": "card", "card": CARD})
    customer = merchant.v1.customers.create(params={"email": "buyer@example.com"})
    intent = merchant.v1.payment_intents.create(params={
        "amount": 2500, "currency": "usd", "customer": customer.id, "metadata": {"order": "42"},
        "payment_method_types": ["card"],
    })
    seen = browser_client.v1.payment_intents.retrieve(intent.id, params={"client_secret": intent.client_secret})
    assert seen.status == "requires_payment_method" and seen.amount == 2500
    assert "customer" not in seen and "metadata" not in seen, "the browser's view leaves them out"
    confirmed = browser_client.v1.payment_intents.confirm(intent.id, params={
        "client_secret": intent.client_secret, "payment_method": method.id, "return_url": "https://shop.example/done",
    })
    assert confirmed.status == "succeeded"
    assert merchant.v1.payment_intents.retrieve(intent.id).latest_charge.startswith("ch_")

    with pytest.raises(stripe.InvalidRequestError) as wrong:
        browser_client.v1.payment_intents.retrieve(intent.id, params={"client_secret": intent.client_secret + "x"})
    assert wrong.value.param == "client_secret"


def test_a_publishable_key_cannot_do_what_a_secret_key_does(merchant, browser_client):
    for call in (lambda: browser_client.v1.charges.list(),
                 lambda: browser_client.v1.customers.create(params={"email": "x@example.com"}),
                 lambda: browser_client.v1.payment_intents.create(params={"amount": 100, "currency": "usd"}),
                 lambda: browser_client.v1.refunds.create(params={"charge": "ch_x"})):
        with pytest.raises(stripe.AuthenticationError) as refused:
            call()
        assert refused.value.http_status == 401
        assert refused.value.json_body["error"]["code"] == "secret_key_required"


def test_stripe_js_sends_the_key_in_the_form(server, merchant):
    made = requests.post(server.base + "/v1/payment_methods", timeout=30, data={
        "key": merchant.publishable_key, "type": "card", "card[number]": "4242424242424242",
        "card[exp_month]": "12", "card[exp_year]": "2031", "card[cvc]": "123",
    })
    assert made.status_code == 200, made.text
    assert made.json()["id"].startswith("pm_")
    setup = merchant.v1.setup_intents.create(params={"payment_method_types": ["card"]})
    seen = requests.get(f"{server.base}/v1/setup_intents/{setup.id}", timeout=30,
                        params={"key": merchant.publishable_key, "client_secret": setup.client_secret})
    assert seen.status_code == 200 and seen.json()["status"] == "requires_payment_method"
    confirmed = requests.post(f"{server.base}/v1/setup_intents/{setup.id}/confirm", timeout=30, data={
        "key": merchant.publishable_key, "client_secret": setup.client_secret, "payment_method": made.json()["id"],
    })
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "succeeded", confirmed.text
    assert merchant.v1.setup_intents.retrieve(setup.id).payment_method == made.json()["id"]
