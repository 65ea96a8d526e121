"""Accounts, keys, Connect-style scoping, customers, idempotency and errors."""
import concurrent.futures

import pytest
import requests
import stripe

from conftest import raw
from server import ADMIN_KEY


def test_platform_creates_accounts_and_keys(server, platform):
    account = platform.v1.accounts.create(params={
        "type": "custom", "country": "GB", "email": "uk@example.com",
        "business_profile": {"name": "UK Shop", "url": "https://shop.example"}, "metadata": {"tier": "gold"},
    })
    assert isinstance(account, stripe.Account)
    assert account.default_currency == "gbp"
    assert account.secret_key.startswith("sk_test_")
    own = stripe.StripeClient(account.secret_key, base_addresses={"api": server.base}).v1.accounts.retrieve_current()
    assert own.id == account.id and "secret_key" not in own


def test_platform_acts_for_a_merchant_with_stripe_account(platform, merchant):
    customer = platform.v1.customers.create(params={"email": "via-platform@example.com"},
                                            options={"stripe_account": merchant.account_id})
    assert merchant.v1.customers.retrieve(customer.id).email == "via-platform@example.com"


def test_merchants_cannot_see_each_other(server, platform, merchant):
    other = platform.v1.accounts.create(params={"type": "custom"})
    other_client = stripe.StripeClient(other.secret_key, base_addresses={"api": server.base})
    customer = merchant.v1.customers.create(params={"email": "mine@example.com"})
    with pytest.raises(stripe.InvalidRequestError) as missing:
        other_client.v1.customers.retrieve(customer.id)
    assert missing.value.http_status == 404 and missing.value.code == "resource_missing"
    with pytest.raises(stripe.PermissionError):
        other_client.v1.accounts.create(params={"type": "custom"})


def test_bad_keys_raise_authentication_error(server):
    client = stripe.StripeClient("sk_test_not_a_real_key_0000", base_addresses={"api": server.base})
    with pytest.raises(stripe.AuthenticationError):
        client.v1.customers.list()


def test_customer_crud_and_default_payment_method(merchant):
    customer = merchant.v1.customers.create(params={
        "email": "jo@example.com", "name": "Jo", "payment_method": "pm_card_visa",
        "invoice_settings": {"default_payment_method": "pm_card_visa"},
        "address": {"line1": "1 Main", "city": "Lyon", "country": "FR"},
    })
    assert isinstance(customer, stripe.Customer)
    charge = merchant.v1.charges.create(params={"amount": 900, "currency": "usd", "customer": customer.id,
                                                "expand": ["customer"]})
    assert charge.customer.id == customer.id
    updated = merchant.v1.customers.update(customer.id, params={"name": "Jo B", "metadata": {"vip": "yes"}})
    assert updated.name == "Jo B" and updated.metadata["vip"] == "yes"
    found = merchant.v1.customers.list(params={"email": "jo@example.com"})
    assert [c.id for c in found.data] == [customer.id]
    charges = merchant.v1.charges.list(params={"customer": customer.id})
    assert [c.id for c in charges.data] == [charge.id]
    deleted = merchant.v1.customers.delete(customer.id)
    assert deleted.deleted is True
    assert merchant.v1.customers.retrieve(customer.id).deleted is True


def test_idempotent_replay_and_mismatch(server, merchant):
    params = {"amount": 1000, "currency": "usd", "source": "tok_visa"}
    first = raw(server, "POST", "/v1/charges", merchant.secret_key, data=params, headers={"Idempotency-Key": "abc"})
    second = raw(server, "POST", "/v1/charges", merchant.secret_key, data=params, headers={"Idempotency-Key": "abc"})
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    with pytest.raises(stripe.IdempotencyError):
        merchant.v1.charges.create(params={"amount": 2000, "currency": "usd", "source": "tok_visa"},
                                   options={"idempotency_key": "abc"})


def test_parallel_requests_with_one_key_create_one_charge(server, merchant):
    def attempt(_):
        return raw(server, "POST", "/v1/charges", merchant.secret_key,
                   data={"amount": 1000, "currency": "usd", "source": "tok_visa"},
                   headers={"Idempotency-Key": "parallel-1"})

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(32)))
    assert {r.status_code for r in results} <= {200, 409}
    ids = {r.json()["id"] for r in results if r.status_code == 200}
    assert len(ids) == 1
    assert len(merchant.v1.charges.list(params={"limit": 100}).data) == 1


def test_conflict_409_is_an_api_error_for_the_client(server, merchant):
    response = raw(server, "POST", "/v1/charges", merchant.secret_key,
                   data={"amount": 1000, "currency": "usd", "source": "tok_visa", "bogus": "1"})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "parameter_unknown" and body["param"] == "bogus"


@pytest.mark.parametrize("data,param", [
    ("amount=abc&currency=usd&source=tok_visa", "amount"),
    ("amount=1000&currency=zzz&source=tok_visa", "currency"),
    ("amount=1000&currency=usd&source=tok_visa&metadata[" + "k" * 41 + "]=v", "metadata"),
    ("amount=1000&currency=usd&source=tok_visa&capture=maybe", "capture"),
    ("amount=1000&currency=usd&customer=cus_missing", "customer"),
])
def test_bad_input_is_a_stripe_shaped_400(server, merchant, data, param):
    before = len(merchant.v1.charges.list(params={"limit": 100}).data)
    response = raw(server, "POST", "/v1/charges", merchant.secret_key, data=data,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    assert len(merchant.v1.charges.list(params={"limit": 100}).data) == before


def test_body_over_one_mebibyte_is_rejected(server, merchant):
    response = raw(server, "POST", "/v1/customers", merchant.secret_key, data={"description": "x" * (1 << 20 + 1)})
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_health_and_metrics(server, merchant):
    merchant.v1.charges.create(params={"amount": 1000, "currency": "usd", "source": "tok_visa"})
    assert requests.get(server.base + "/healthz").json()["status"] == "ok"
    metrics = requests.get(server.base + "/metrics").text
    assert "remit_http_requests_total" in metrics
    assert 'route="/v1/charges"' in metrics
    assert "remit_charges_total" in metrics
