"""SetupIntents through the official stripe client (research/payment-intents.md §12, behaviours 19-21)."""
import pytest
import requests
import stripe

CARD_ONLY = {"payment_method_types": ["card"]}


def test_setup_attaches_the_card_and_leaves_the_default(merchant):
    customer = merchant.v1.customers.create(params={"email": "si@example.com"})
    intent = merchant.v1.setup_intents.create(params={"customer": customer.id, "payment_method": "pm_card_visa",
                                                      "confirm": True, **CARD_ONLY})
    assert isinstance(intent, stripe.SetupIntent)
    assert intent.status == "succeeded" and intent.usage == "off_session"
    assert merchant.v1.payment_methods.retrieve(intent.payment_method).customer == customer.id
    assert merchant.v1.customers.retrieve(customer.id).invoice_settings.default_payment_method is None
    types = [e.type for e in merchant.v1.events.list(params={"limit": 10}).data]
    assert types[:2] == ["setup_intent.succeeded", "payment_method.attached"]


def test_a_declined_card_fails_the_setup(merchant):
    customer = merchant.v1.customers.create(params={"email": "si@example.com"})
    with pytest.raises(stripe.CardError) as declined:
        merchant.v1.setup_intents.create(params={"customer": customer.id, "payment_method": "pm_card_chargeDeclined",
                                                 "confirm": True, **CARD_ONLY})
    intent = declined.value.error.setup_intent
    assert intent.status == "requires_payment_method" and intent.last_setup_error.code == "card_declined"
    retried = merchant.v1.setup_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    assert retried.status == "succeeded"


def test_a_card_set_up_with_3ds_pays_off_session(merchant, server):
    customer = merchant.v1.customers.create(params={"email": "si@example.com"})
    intent = merchant.v1.setup_intents.create(params={
        "customer": customer.id, "payment_method": "pm_card_authenticationRequiredOnSetup", "confirm": True,
        "return_url": server.base + "/healthz", **CARD_ONLY})
    assert intent.status == "requires_action"
    page = intent.next_action.redirect_to_url.url
    answered = requests.post(page, data={"result": "complete"}, allow_redirects=False, timeout=30)
    assert answered.status_code == 302 and "redirect_status=succeeded" in answered.headers["Location"]
    done = merchant.v1.setup_intents.retrieve(intent.id)
    assert done.status == "succeeded"
    paid = merchant.v1.payment_intents.create(params={
        "amount": 1500, "currency": "eur", "customer": customer.id, "payment_method": done.payment_method,
        "confirm": True, "off_session": True, **CARD_ONLY})
    assert paid.status == "succeeded"
