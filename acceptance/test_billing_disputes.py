"""Disputes and subscriptions through the official stripe-python client."""
import pytest
import stripe


def test_dispute_card_opens_a_dispute_that_evidence_wins(merchant):
    charge = merchant.v1.charges.create(params={"amount": 4000, "currency": "usd", "source": "tok_createDispute"})
    disputes = merchant.v1.disputes.list(params={"charge": charge.id})
    dispute = disputes.data[0]
    assert isinstance(dispute, stripe.Dispute)
    assert dispute.status == "needs_response" and dispute.reason == "fraudulent"
    assert dispute.balance_transactions[0].amount == -4000
    assert merchant.v1.charges.retrieve(charge.id).disputed is True
    won = merchant.v1.disputes.update(dispute.id, params={
        "evidence": {"uncategorized_text": "winning_evidence", "customer_name": "Jo"}, "submit": True,
    })
    assert won.status == "won"
    assert won.evidence.customer_name == "Jo"
    with pytest.raises(stripe.InvalidRequestError):
        merchant.v1.disputes.close(dispute.id)


def test_accepting_a_dispute_loses_it(merchant):
    charge = merchant.v1.charges.create(params={"amount": 4000, "currency": "usd",
                                                "payment_method": "pm_card_createDisputeProductNotReceived"})
    dispute = merchant.v1.disputes.list(params={"charge": charge.id}).data[0]
    assert dispute.reason == "product_not_received"
    assert merchant.v1.disputes.close(dispute.id).status == "lost"


def test_subscription_charges_its_first_period(merchant):
    product = merchant.v1.products.create(params={"name": "Team plan"})
    price = merchant.v1.prices.create(params={"product": product.id, "currency": "usd", "unit_amount": 2500,
                                              "recurring": {"interval": "month"}})
    customer = merchant.v1.customers.create(params={"email": "team@example.com", "payment_method": "pm_card_visa",
                                                    "invoice_settings": {"default_payment_method": "pm_card_visa"}})
    subscription = merchant.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id, "quantity": 3}],
    })
    assert isinstance(subscription, stripe.Subscription)
    assert subscription.status == "active"
    assert subscription["items"].data[0].price.id == price.id
    assert subscription["items"].data[0].quantity == 3
    charge = merchant.v1.charges.retrieve(subscription.latest_charge)
    assert charge.amount == 7500
    updated = merchant.v1.subscriptions.update(subscription.id, params={"cancel_at_period_end": True})
    assert updated.cancel_at_period_end is True
    canceled = merchant.v1.subscriptions.cancel(subscription.id)
    assert canceled.status == "canceled"
    listed = merchant.v1.subscriptions.list(params={"customer": customer.id})
    assert [s.id for s in listed.data] == [subscription.id]


def test_declined_first_payment_leaves_subscription_incomplete(merchant):
    price = merchant.v1.prices.create(params={"product_data": {"name": "Basic"}, "currency": "eur",
                                              "unit_amount": 900, "recurring": {"interval": "year"}})
    # 4000000000000341 attaches to a customer and declines when charged (0002 would not attach).
    customer = merchant.v1.customers.create(params={
        "payment_method": "pm_card_chargeCustomerFail",
        "invoice_settings": {"default_payment_method": "pm_card_chargeCustomerFail"},
    })
    subscription = merchant.v1.subscriptions.create(params={"customer": customer.id, "items": [{"price": price.id}]})
    assert subscription.status == "incomplete"
