"""PaymentMethods through the official stripe client (research/payment-intents.md §12, behaviours 22 and 23)."""
import pytest
import stripe


def card(number, **extra):
    return {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}, **extra}


def test_card_details_and_a_token_give_one_fingerprint(merchant):
    by_number = merchant.v1.payment_methods.create(params=card("4242424242424242",
                                                               billing_details={"name": "J", "email": "j@example.com"}))
    assert isinstance(by_number, stripe.PaymentMethod)
    assert by_number.type == "card" and by_number.card.brand == "visa" and by_number.card.last4 == "4242"
    assert by_number.billing_details.name == "J" and by_number.customer is None
    by_token = merchant.v1.payment_methods.create(params={"type": "card", "card": {"token": "tok_visa"}})
    assert by_token.card.fingerprint == by_number.card.fingerprint
    assert merchant.v1.payment_methods.retrieve(by_number.id).id == by_number.id
    with pytest.raises(stripe.CardError) as bad_month:
        merchant.v1.payment_methods.create(params={"type": "card", "card": {
            "number": "4242424242424242", "exp_month": 13, "exp_year": 2034}})
    assert bad_month.value.code == "invalid_expiry_month"


def test_attach_detach_and_no_reuse(merchant):
    jane = merchant.v1.customers.create(params={"email": "jane@example.com"})
    john = merchant.v1.customers.create(params={"email": "john@example.com"})
    attached = merchant.v1.payment_methods.attach("pm_card_visa", params={"customer": jane.id})
    assert attached.id.startswith("pm_") and attached.id != "pm_card_visa"
    assert attached.customer == jane.id
    with pytest.raises(stripe.InvalidRequestError) as taken:
        merchant.v1.payment_methods.attach(attached.id, params={"customer": john.id})
    assert "already been attached" in taken.value.user_message
    listed = merchant.v1.customers.payment_methods.list(jane.id, params={"type": "card"})
    assert [m.id for m in listed.data] == [attached.id]
    assert merchant.v1.customers.payment_methods.retrieve(jane.id, attached.id).id == attached.id
    by_customer = merchant.v1.payment_methods.list(params={"customer": jane.id, "type": "card"})
    assert [m.id for m in by_customer.data] == [attached.id]
    updated = merchant.v1.payment_methods.update(attached.id, params={"metadata": {"nick": "work"},
                                                                      "card": {"exp_month": 4}})
    assert updated.metadata["nick"] == "work" and updated.card.exp_month == 4
    detached = merchant.v1.payment_methods.detach(attached.id)
    assert detached.customer is None
    with pytest.raises(stripe.InvalidRequestError) as reused:
        merchant.v1.payment_methods.attach(attached.id, params={"customer": jane.id})
    assert "may not be used again" in reused.value.user_message
    with pytest.raises(stripe.CardError) as declined:
        merchant.v1.payment_methods.attach("pm_card_chargeDeclined", params={"customer": jane.id})
    assert declined.value.code == "card_declined"
    types = [e.type for e in merchant.v1.events.list(params={"type": "payment_method.*"}).data]
    assert types == ["payment_method.detached", "payment_method.updated", "payment_method.attached"]


def test_default_payment_method_is_charged_and_unset_on_detach(merchant):
    customer = merchant.v1.customers.create(params={
        "payment_method": "pm_card_mastercard",
        "invoice_settings": {"default_payment_method": "pm_card_mastercard"},
    })
    default = customer.invoice_settings.default_payment_method
    assert default.startswith("pm_") and default != "pm_card_mastercard"
    charge = merchant.v1.charges.create(params={"amount": 1200, "currency": "usd", "customer": customer.id})
    assert charge.payment_method == default and charge.payment_method_details.card.brand == "mastercard"
    merchant.v1.payment_methods.detach(default)
    assert merchant.v1.customers.retrieve(customer.id).invoice_settings.default_payment_method is None
