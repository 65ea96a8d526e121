"""Crash safety (kill -9 under load) and scale-out (two nodes on one PostgreSQL)."""
import concurrent.futures
import os
import threading
import time
import uuid

import pytest
import requests

from server import ADMIN_KEY, RemitServer, new_postgres_database

ENGINES = ["sqlite"] + (["postgres"] if os.environ.get("REMIT_TEST_DATABASE_URL") else [])


def create_merchant(server):
    response = requests.post(server.base + "/v1/accounts", auth=(ADMIN_KEY, ""), data={"type": "custom"}, timeout=30)
    response.raise_for_status()
    return response.json()["secret_key"]


def charge_loop(server, key, stop, acknowledged, attempted, lock):
    session = requests.Session()
    while not stop.is_set():
        idempotency_key = uuid.uuid4().hex
        with lock:
            attempted.append(idempotency_key)
        try:
            response = session.post(server.base + "/v1/charges", auth=(key, ""), timeout=10,
                                    headers={"Idempotency-Key": idempotency_key},
                                    data={"amount": 1000, "currency": "usd", "source": "tok_visa"})
        except requests.RequestException:
            return
        if response.status_code == 200:
            with lock:
                acknowledged[idempotency_key] = response.json()["id"]


@pytest.mark.parametrize("engine", ENGINES)
def test_kill_9_under_load_loses_nothing_acknowledged(engine):
    url = new_postgres_database() if engine == "postgres" else None
    server = RemitServer(database_url=url).start()
    try:
        key = create_merchant(server)
        stop, lock = threading.Event(), threading.Lock()
        acknowledged, attempted = {}, []
        threads = [threading.Thread(target=charge_loop, args=(server, key, stop, acknowledged, attempted, lock))
                   for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(2.0)
        server.kill()  # SIGKILL in the middle of the load
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert len(acknowledged) > 20, "the load did not run"
        server.start()
        session = requests.Session()
        for idempotency_key, charge_id in acknowledged.items():
            found = session.get(f"{server.base}/v1/charges/{charge_id}", auth=(key, ""), timeout=10)
            assert found.status_code == 200, f"acknowledged charge {charge_id} is missing after the crash"
        # Retrying every attempted request with its key: acknowledged ones replay, the others run once.
        for idempotency_key in attempted:
            retry = session.post(server.base + "/v1/charges", auth=(key, ""), timeout=10,
                                 headers={"Idempotency-Key": idempotency_key},
                                 data={"amount": 1000, "currency": "usd", "source": "tok_visa"})
            assert retry.status_code == 200
            if idempotency_key in acknowledged:
                assert retry.json()["id"] == acknowledged[idempotency_key]
                assert retry.headers.get("Idempotent-Replayed") == "true"
        # Exactly one charge per attempted key: none lost, none duplicated.
        ids, after = [], None
        while True:
            params = {"limit": 100, **({"starting_after": after} if after else {})}
            page = session.get(server.base + "/v1/charges", auth=(key, ""), params=params, timeout=10).json()
            ids += [c["id"] for c in page["data"]]
            if not page["has_more"]:
                break
            after = page["data"][-1]["id"]
        assert len(ids) == len(set(ids)) == len(set(attempted))
        verify = server.verify()
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        server.cleanup()


@pytest.mark.skipif("postgres" not in ENGINES, reason="scale-out needs PostgreSQL")
def test_two_nodes_on_one_postgres_keep_one_ledger():
    url = new_postgres_database()
    first = RemitServer(database_url=url).start()
    second = RemitServer(database_url=url).start()
    try:
        key = create_merchant(first)

        def work(index):
            node = first if index % 2 == 0 else second
            response = requests.post(node.base + "/v1/charges", auth=(key, ""), timeout=30,
                                     data={"amount": 1000 + index, "currency": "usd", "source": "tok_visa"})
            assert response.status_code == 200, response.text
            charge = response.json()
            other = second if node is first else first
            refund = requests.post(other.base + "/v1/refunds", auth=(key, ""), timeout=30,
                                   data={"charge": charge["id"], "amount": 100})
            assert refund.status_code == 200, refund.text
            return charge["amount"]

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            amounts = list(pool.map(work, range(200)))
        balance = requests.get(second.base + "/v1/balance", auth=(key, ""), timeout=10).json()
        total = sum(b["amount"] for b in balance["available"] + balance["pending"])
        fees = sum((a * 290 + 5000) // 10000 + 30 for a in amounts)
        assert total == sum(amounts) - fees - 100 * len(amounts)
        verify = first.verify()
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        first.cleanup()
        second.cleanup()
