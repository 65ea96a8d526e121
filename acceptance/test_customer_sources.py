"""Customer sources with the official client (issue #22 §6, research/payment-intents.md §6)."""
import pytest
import stripe


def test_sources_through_the_client(merchant):
    customer = merchant.v1.customers.create(params={"email": "sources@example.com"})
    card = merchant.v1.customers.payment_sources.create(customer.id, params={"source": "tok_visa"})
    assert card.object == "card" and card.id.startswith("card_") and card.customer == customer.id
    assert merchant.v1.customers.retrieve(customer.id).default_source == card.id
    charge = merchant.v1.charges.create(params={"amount": 1500, "currency": "usd", "customer": customer.id})
    assert charge.status == "succeeded" and charge.source.id == card.id

    second = merchant.v1.customers.payment_sources.create(customer.id, params={"source": "tok_mastercard"})
    listed = merchant.v1.customers.payment_sources.list(customer.id, params={"object": "card"})
    assert {source.id for source in listed.data} == {card.id, second.id}
    updated = merchant.v1.customers.payment_sources.update(customer.id, card.id, params={"name": "Grace Hopper"})
    assert updated.name == "Grace Hopper"
    assert merchant.v1.customers.payment_sources.retrieve(customer.id, card.id).name == "Grace Hopper"

    deleted = merchant.v1.customers.payment_sources.delete(customer.id, card.id)
    assert deleted.deleted is True
    assert merchant.v1.customers.retrieve(customer.id).default_source == second.id
    with pytest.raises(stripe.InvalidRequestError) as missing:
        merchant.v1.customers.payment_sources.retrieve(customer.id, card.id)
    assert missing.value.http_status == 404


def test_a_customer_created_with_a_token_is_charged_by_default(legacy):
    customer = legacy.Customer.create(source="tok_visa")
    assert customer.default_source.startswith("card_")
    charge = legacy.Charge.create(amount=900, currency="usd", customer=customer.id)
    assert charge.paid and charge.source.id == customer.default_source
    bare = legacy.Customer.create()
    with pytest.raises(stripe.CardError) as refused:
        legacy.Charge.create(amount=900, currency="usd", customer=bare.id)
    assert refused.value.code == "missing"
