"""Charges, refunds, balance and events through the official stripe-python client."""
import pytest
import stripe

from conftest import raw


def test_charge_with_expanded_balance_transaction(merchant):
    charge = merchant.v1.charges.create(params={
        "amount": 2000, "currency": "usd", "source": "tok_visa", "description": "order 1",
        "metadata": {"order": "1"}, "expand": ["balance_transaction"],
    })
    assert isinstance(charge, stripe.Charge)
    assert charge.status == "succeeded" and charge.paid and charge.captured
    assert charge.balance_transaction.object == "balance_transaction"
    assert charge.balance_transaction.fee == 88  # 2.9% of 2000 = 58, + 30
    assert charge.balance_transaction.net == 2000 - 88
    assert charge.outcome.type == "authorized"
    assert charge.metadata["order"] == "1"
    again = merchant.v1.charges.retrieve(charge.id)
    assert again.id == charge.id and again.amount == 2000


@pytest.mark.parametrize("token,code,decline_code", [
    ("tok_chargeDeclined", "card_declined", "generic_decline"),
    ("tok_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ("tok_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ("tok_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc"),
    ("tok_chargeDeclinedProcessingError", "processing_error", "processing_error"),
    ("pm_card_chargeDeclinedFraudulent", "card_declined", "fraudulent"),
    ("tok_riskLevelHighest", "card_declined", "fraudulent"),
])
def test_declines_raise_card_error_and_are_stored(merchant, token, code, decline_code):
    key = "payment_method" if token.startswith("pm_") else "source"
    with pytest.raises(stripe.CardError) as caught:
        merchant.v1.charges.create(params={"amount": 1000, "currency": "usd", key: token})
    error = caught.value
    assert error.http_status == 402
    assert error.code == code
    assert error.error.decline_code == decline_code
    failed = merchant.v1.charges.retrieve(error.error.charge)
    assert failed.status == "failed" and failed.paid is False


def test_elevated_risk_goes_to_manual_review(merchant):
    charge = merchant.v1.charges.create(params={"amount": 1000, "currency": "usd", "source": "tok_riskLevelElevated"})
    assert charge.outcome.type == "manual_review"
    assert charge.outcome.risk_level == "elevated"


def test_amount_validation_maps_to_invalid_request_error(merchant):
    with pytest.raises(stripe.InvalidRequestError) as small:
        merchant.v1.charges.create(params={"amount": 10, "currency": "usd", "source": "tok_visa"})
    assert small.value.code == "amount_too_small" and small.value.param == "amount"
    with pytest.raises(stripe.InvalidRequestError) as large:
        merchant.v1.charges.create(params={"amount": 100_000_000, "currency": "usd", "source": "tok_visa"})
    assert large.value.code == "amount_too_large"
    jpy = merchant.v1.charges.create(params={"amount": 500, "currency": "jpy", "source": "tok_visa"})
    assert jpy.amount == 500 and jpy.currency == "jpy"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        merchant.v1.charges.create(params={"currency": "usd", "source": "tok_visa"})
    assert missing.value.code == "parameter_missing" and missing.value.param == "amount"


def test_capture_later_and_partially(merchant):
    auth = merchant.v1.charges.create(params={"amount": 5000, "currency": "usd", "source": "tok_visa", "capture": False})
    assert auth.captured is False and auth.balance_transaction is None
    captured = merchant.v1.charges.capture(auth.id, params={"amount": 4000})
    assert captured.captured and captured.amount_captured == 4000 and captured.amount_refunded == 1000


def test_refunds_full_partial_and_over(merchant):
    charge = merchant.v1.charges.create(params={"amount": 3000, "currency": "eur", "source": "tok_mastercard"})
    refund = merchant.v1.refunds.create(params={"charge": charge.id, "amount": 1000, "reason": "requested_by_customer"})
    assert isinstance(refund, stripe.Refund) and refund.amount == 1000 and refund.status == "succeeded"
    with pytest.raises(stripe.InvalidRequestError) as over:
        merchant.v1.refunds.create(params={"charge": charge.id, "amount": 2001})
    assert over.value.param == "amount"
    rest = merchant.v1.refunds.create(params={"charge": charge.id})
    assert rest.amount == 2000
    assert merchant.v1.charges.retrieve(charge.id).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as twice:
        merchant.v1.refunds.create(params={"charge": charge.id})
    assert twice.value.code == "charge_already_refunded"
    refunds = merchant.v1.refunds.list(params={"charge": charge.id})
    assert len(refunds.data) == 2


def test_balance_and_balance_transactions(merchant):
    merchant.v1.charges.create(params={"amount": 1000, "currency": "usd", "source": "tok_bypassPending"})
    merchant.v1.charges.create(params={"amount": 1000, "currency": "usd", "source": "tok_visa"})
    balance = merchant.v1.balance.retrieve()
    available = {b.currency: b.amount for b in balance.available}
    pending = {b.currency: b.amount for b in balance.pending}
    assert available["usd"] == 941 and pending["usd"] == 941
    history = merchant.v1.balance_transactions.list(params={"limit": 10})
    assert len(history.data) == 2
    assert all(t.net == t.amount - t.fee for t in history.data)


def test_events_carry_the_charge_and_request(merchant):
    charge = merchant.v1.charges.create(params={"amount": 1500, "currency": "usd", "source": "tok_visa"},
                                        options={"idempotency_key": "evt-check-1"})
    merchant.v1.refunds.create(params={"charge": charge.id, "amount": 500})
    events = merchant.v1.events.list(params={"type": "charge.succeeded"})
    event = events.data[0]
    assert isinstance(event, stripe.Event)
    assert event.data.object.id == charge.id
    assert event.request.idempotency_key == "evt-check-1"
    assert event.request.id.startswith("req_")
    refunded = merchant.v1.events.list(params={"type": "charge.refunded"}).data[0]
    assert refunded.data.object.object == "charge"
    assert refunded.data.previous_attributes.amount_refunded == 0
    assert merchant.v1.events.retrieve(event.id).id == event.id
    wildcard = merchant.v1.events.list(params={"type": "charge.*"})
    assert {e.type for e in wildcard.data} == {"charge.succeeded", "charge.refunded"}


def test_auto_paging_walks_every_charge(merchant):
    ids = [merchant.v1.charges.create(params={"amount": 100 + i, "currency": "usd", "source": "tok_visa"}).id
           for i in range(7)]
    seen = [c.id for c in merchant.v1.charges.list(params={"limit": 3}).auto_paging_iter()]
    assert seen == list(reversed(ids))


def test_raw_card_numbers_and_basic_auth(server, merchant):
    response = raw(server, "POST", "/v1/charges", merchant.secret_key, data={
        "amount": 1000, "currency": "usd", "source[object]": "card", "source[number]": "4000000000000077",
        "source[exp_month]": 12, "source[exp_year]": 2040, "source[cvc]": "123",
    })
    assert response.status_code == 200, response.text
    assert response.headers["Request-Id"].startswith("req_")
    bad = raw(server, "POST", "/v1/charges", merchant.secret_key, data={
        "amount": 1000, "currency": "usd", "source[object]": "card", "source[number]": "4242424242424241",
        "source[exp_month]": 12, "source[exp_year]": 2040,
    })
    assert bad.status_code == 402 and bad.json()["error"]["code"] == "incorrect_number"


def test_legacy_global_api_works_too(legacy):
    charge = legacy.Charge.create(amount=1200, currency="usd", source="tok_amex")
    assert charge.payment_method_details.card.brand == "amex"
    assert legacy.Charge.retrieve(charge.id).amount == 1200
