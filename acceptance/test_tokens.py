"""Card tokens through the official stripe client (research/payment-intents.md §12, behaviour 24)."""
import pytest
import stripe

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}


def test_a_token_is_used_once(merchant):
    token = merchant.v1.tokens.create(params={"card": CARD})
    assert isinstance(token, stripe.Token) and token.used is False and token.card.brand == "Visa"
    charge = merchant.v1.charges.create(params={"amount": 900, "currency": "usd", "source": token.id})
    assert charge.payment_method == token.card.id
    assert merchant.v1.tokens.retrieve(token.id).used is True
    with pytest.raises(stripe.InvalidRequestError) as again:
        merchant.v1.charges.create(params={"amount": 900, "currency": "usd", "source": token.id})
    assert again.value.code == "token_already_used"
    for _ in range(2):
        assert merchant.v1.charges.create(params={"amount": 900, "currency": "usd", "source": "tok_visa"}).paid


def test_a_token_becomes_a_payment_method(merchant):
    token = merchant.v1.tokens.create(params={"card": CARD})
    by_token = merchant.v1.payment_methods.create(params={"type": "card", "card": {"token": token.id}})
    by_number = merchant.v1.payment_methods.create(params={"type": "card", "card": CARD})
    assert by_token.card.fingerprint == by_number.card.fingerprint
