"""Hostile requests against a live `remit serve`, on both engines: each is answered with a Stripe-shaped 4xx (never a
crash, a 5xx or minutes of CPU), races have exactly the winners Stripe's rules allow, and after each test the server
still answers /healthz and `remit verify` finds the ledger consistent."""
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

MIB = 1 << 20


@pytest.fixture(autouse=True)
def still_healthy_and_consistent(server):
    yield
    assert requests.get(server.base + "/healthz", timeout=30).status_code == 200
    verify = server.verify()
    assert verify.returncode == 0, verify.stdout + verify.stderr


def post(server, key, path, data, headers=None, timeout=60):
    return requests.post(server.base + path, auth=(key, ""), data=data, headers=headers or {}, timeout=timeout)


def assert_invalid(response, param=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    if param is not None:
        assert error.get("param") == param, error


def race(count, call):
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_a_megabyte_of_nesting_keys_and_arrays_is_refused(server, merchant):
    key = merchant.secret_key
    bodies = [
        "a" + "[]" * (MIB // 2 - 4) + "=1",
        "&".join(f"metadata[k{n}]=v" for n in range(40_000)),
        "&".join(f"a[]={n}" for n in range(80_000)),
        "&".join(f"k{n}=v" for n in range(60_000)),
    ]
    for body in bodies:
        response = post(server, key, "/v1/customers", body.encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
        assert_invalid(response)
    assert requests.get(server.base + "/v1/customers", auth=(key, ""), timeout=30).json()["data"] == []


def test_nul_and_invalid_utf8_are_refused_naming_the_parameter(server, merchant):
    key = merchant.secret_key
    assert_invalid(post(server, key, "/v1/customers", "name=ab%00cd"), "name")
    assert_invalid(post(server, key, "/v1/customers", b"name=ab\xff\xfecd",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}), "name")
    assert_invalid(post(server, key, "/v1/customers", "metadata[k]=%C3%28"), "metadata[k]")
    response = requests.get(server.base + "/v1/customers?email=a%00b", auth=(key, ""), timeout=30)
    assert_invalid(response, "email")


@pytest.mark.parametrize("amount", ["99999999999999999999", "1e3", "-5", "0x10", "1.5", " 100", "NaN"])
def test_numbers_that_are_not_minor_units_are_refused(server, merchant, amount):
    response = post(server, merchant.secret_key, "/v1/charges",
                    {"amount": amount, "currency": "usd", "source": "tok_visa"})
    assert_invalid(response)


def test_oversized_bodies_and_idempotency_keys_are_refused(server, merchant):
    key = merchant.secret_key
    response = post(server, key, "/v1/customers", b"description=" + b"x" * (2 * MIB),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413, response.text[:200]
    assert response.json()["error"]["type"] == "invalid_request_error"
    # A body declared far past the limit is refused before it is sent.
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(b"POST /v1/customers HTTP/1.1\r\nHost: remit\r\nContent-Length: 10737418240\r\n"
                           b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 413")
    assert_invalid(post(server, key, "/v1/customers", {"email": "a@b.c"}, headers={"Idempotency-Key": "k" * 300}),
                   "Idempotency-Key")


def test_json_bodies_and_expansions_past_the_depth_limit_are_refused(server, merchant):
    key = merchant.secret_key
    response = requests.post(server.base + "/v1/charges", auth=(key, ""), timeout=30,
                             json={"amount": 1000, "currency": "usd", "source": "tok_visa"})
    assert_invalid(response)
    charge = post(server, key, "/v1/charges", {"amount": 1000, "currency": "usd", "source": "tok_visa"}).json()
    response = requests.get(server.base + f"/v1/charges/{charge['id']}", auth=(key, ""), timeout=30,
                            params={"expand[]": "customer.default_source.customer.default_source.customer"})
    assert_invalid(response, "expand")


def test_idle_connections_do_not_keep_a_request_out(server, merchant):
    held = []
    try:
        for index in range(300):
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            connection.sendall(f"POST /v1/charges HTTP/1.1\r\nHost: remit\r\nX-Idle: {index}".encode())
            held.append(connection)
        response = requests.get(server.base + "/v1/balance", auth=(merchant.secret_key, ""), timeout=60)
        assert response.status_code == 200
    finally:
        for connection in held:
            connection.close()


def test_racing_full_refunds_refund_once(server, merchant):
    key = merchant.secret_key
    charge = post(server, key, "/v1/charges", {"amount": 5000, "currency": "usd", "source": "tok_visa"}).json()
    responses = race(16, lambda _: post(server, key, "/v1/refunds", {"charge": charge["id"]}))
    assert [r.status_code for r in responses].count(200) == 1, [r.status_code for r in responses]
    for response in responses:
        if response.status_code != 200:
            assert response.json()["error"]["code"] == "charge_already_refunded"
    refunds = requests.get(server.base + "/v1/refunds", auth=(key, ""), params={"charge": charge["id"]}, timeout=30)
    assert sum(refund["amount"] for refund in refunds.json()["data"]) == 5000


def test_racing_dispute_submissions_close_it_once(server, merchant):
    key = merchant.secret_key
    charge = post(server, key, "/v1/charges", {"amount": 5000, "currency": "usd", "source": "tok_createDispute"}).json()
    dispute = requests.get(server.base + "/v1/disputes", auth=(key, ""), params={"charge": charge["id"]},
                           timeout=30).json()["data"][0]
    responses = race(16, lambda _: post(server, key, f"/v1/disputes/{dispute['id']}",
                                        {"evidence[uncategorized_text]": "winning_evidence", "submit": "true"}))
    assert [r.status_code for r in responses].count(200) == 1, [r.text[:200] for r in responses]
    assert all(r.json()["error"]["code"] == "charge_dispute_closed" for r in responses if r.status_code != 200)
    closed = requests.get(server.base + f"/v1/disputes/{dispute['id']}", auth=(key, ""), timeout=30).json()
    assert closed["status"] == "won" and len(closed["balance_transactions"]) == 2


def test_racing_captures_and_refunds_leave_one_consistent_outcome(server, merchant):
    key = merchant.secret_key
    charge = post(server, key, "/v1/charges",
                  {"amount": 8000, "currency": "usd", "source": "tok_visa", "capture": "false"}).json()

    def act(index):
        if index % 2 == 0:
            return "capture", post(server, key, f"/v1/charges/{charge['id']}/capture", {"amount": 6000})
        return "refund", post(server, key, "/v1/refunds", {"charge": charge["id"]})

    outcomes = race(16, act)
    assert all(r.status_code < 500 for _, r in outcomes)
    captures = [r for kind, r in outcomes if kind == "capture" and r.status_code == 200]
    refunds = [r for kind, r in outcomes if kind == "refund" and r.status_code == 200]
    assert len(captures) <= 1
    final = requests.get(server.base + f"/v1/charges/{charge['id']}", auth=(key, ""), timeout=30).json()
    refunded = sum(r.json()["amount"] for r in refunds)
    if captures:
        assert final["captured"] and final["amount_captured"] == 6000
        assert final["amount_refunded"] == 2000 + refunded and refunded <= 6000
    else:
        assert not final["captured"] and len(refunds) == 1 and final["amount_refunded"] == 8000


def test_a_chargeback_refuses_refunds(server, merchant):
    key = merchant.secret_key
    charge = post(server, key, "/v1/charges", {"amount": 5000, "currency": "usd", "source": "tok_createDispute"}).json()
    response = post(server, key, "/v1/refunds", {"charge": charge["id"]})
    assert response.status_code == 400 and response.json()["error"]["code"] == "charge_disputed"
