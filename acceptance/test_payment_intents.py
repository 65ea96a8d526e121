"""PaymentIntents through the official stripe client (research/payment-intents.md §12: 1, 3-12, 28, 30)."""
import re

import pytest
import stripe

CARD_ONLY = {"payment_method_types": ["card"]}


def test_create_and_confirm_with_a_test_payment_method(merchant):
    intent = merchant.v1.payment_intents.create(params={"amount": 2000, "currency": "usd",
                                                        "payment_method": "pm_card_visa", **CARD_ONLY})
    assert isinstance(intent, stripe.PaymentIntent)
    assert intent.status == "requires_confirmation"
    assert re.fullmatch(r"pi_[^_]+_secret_[^_]+", intent.client_secret)
    assert intent.payment_method.startswith("pm_") and intent.payment_method != "pm_card_visa"
    confirmed = merchant.v1.payment_intents.confirm(intent.id, params={"expand": ["latest_charge"]})
    assert confirmed.status == "succeeded" and confirmed.amount_received == 2000
    assert confirmed.latest_charge.payment_intent == intent.id
    charges = merchant.v1.charges.list(params={"payment_intent": intent.id})
    assert [c.id for c in charges.data] == [confirmed.latest_charge.id]
    with pytest.raises(stripe.InvalidRequestError) as again:
        merchant.v1.payment_intents.confirm(intent.id)
    assert again.value.code == "payment_intent_unexpected_state"
    assert again.value.error.payment_intent.id == intent.id
    with pytest.raises(stripe.InvalidRequestError) as cancel:
        merchant.v1.payment_intents.cancel(intent.id)
    assert "it has a status of succeeded" in cancel.value.user_message
    with pytest.raises(stripe.InvalidRequestError) as amount:
        merchant.v1.payment_intents.update(intent.id, params={"amount": 10})
    assert amount.value.param == "amount"


def test_decline_then_retry(merchant):
    with pytest.raises(stripe.CardError) as declined:
        merchant.v1.payment_intents.create(params={"amount": 1500, "currency": "eur", "confirm": True,
                                                   "payment_method": "pm_card_chargeDeclined", **CARD_ONLY})
    error = declined.value.error
    assert error.code == "card_declined" and error.decline_code == "generic_decline"
    intent = error.payment_intent
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.payment_method.object == "payment_method"
    assert intent.latest_charge == error.charge
    retried = merchant.v1.payment_intents.confirm(intent.id, params={"payment_method": "pm_card_visa"})
    assert retried.status == "succeeded" and retried.latest_charge != error.charge
    types = [e.type for e in merchant.v1.events.list(params={"limit": 20}).data][::-1]
    assert [t for t in types if t.startswith(("charge.", "payment_intent."))] == [
        "payment_intent.created", "charge.failed", "payment_intent.payment_failed", "charge.succeeded",
        "payment_intent.succeeded"]


def test_manual_capture_partial_and_cancel(merchant):
    held = merchant.v1.payment_intents.create(params={"amount": 1000, "currency": "usd", "confirm": True,
                                                      "payment_method": "pm_card_visa", "capture_method": "manual",
                                                      **CARD_ONLY})
    assert held.status == "requires_capture" and held.amount_capturable == 1000
    captured = merchant.v1.payment_intents.capture(held.id, params={"amount_to_capture": 600})
    assert captured.status == "succeeded" and captured.amount_received == 600
    charge = merchant.v1.charges.retrieve(captured.latest_charge)
    assert charge.amount_captured == 600 and charge.amount_refunded == 400 and charge.refunded is False
    other = merchant.v1.payment_intents.create(params={"amount": 800, "currency": "usd", "confirm": True,
                                                       "payment_method": "pm_card_visa", "capture_method": "manual",
                                                       **CARD_ONLY})
    canceled = merchant.v1.payment_intents.cancel(other.id, params={"cancellation_reason": "requested_by_customer"})
    assert canceled.status == "canceled" and canceled.cancellation_reason == "requested_by_customer"
    assert merchant.v1.charges.retrieve(other.latest_charge).refunded is True
    refund = merchant.v1.refunds.create(params={"payment_intent": held.id, "amount": 100})
    assert refund.payment_intent == held.id


def test_automatic_payment_methods_need_a_return_url(merchant):
    intent = merchant.v1.payment_intents.create(params={"amount": 1000, "currency": "usd",
                                                        "payment_method": "pm_card_visa"})
    assert intent.automatic_payment_methods.enabled is True
    with pytest.raises(stripe.InvalidRequestError) as refused:
        merchant.v1.payment_intents.confirm(intent.id)
    assert refused.value.param == "return_url"
    confirmed = merchant.v1.payment_intents.confirm(intent.id, params={"return_url": "https://shop.example/done"})
    assert confirmed.status == "succeeded"
    never = merchant.v1.payment_intents.create(params={
        "amount": 1000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"}})
    assert never.status == "succeeded"
    listed = merchant.v1.payment_intents.list(params={"limit": 5})
    assert {never.id, intent.id} <= {p.id for p in listed.data}
