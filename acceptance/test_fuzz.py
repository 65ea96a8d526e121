"""Schemathesis fuzzes every operation of /openapi.json on a live server: no 5xx, and the ledger
stays consistent (no partial write survives a rejected request)."""
import os
import subprocess
import sys

import pytest
import requests

from server import ADMIN_KEY, RemitServer, new_postgres_database

ENGINES = ["sqlite"] + (["postgres"] if os.environ.get("REMIT_TEST_DATABASE_URL") else [])
SCHEMATHESIS = os.path.join(os.path.dirname(sys.executable), "schemathesis")


@pytest.mark.parametrize("engine", ENGINES)
def test_fuzzing_finds_no_server_error_and_no_partial_write(engine):
    url = new_postgres_database() if engine == "postgres" else None
    server = RemitServer(database_url=url).start()
    try:
        account = requests.post(server.base + "/v1/accounts", auth=(ADMIN_KEY, ""), data={"type": "custom"}, timeout=30)
        key = account.json()["secret_key"]
        # Some real objects, so the fuzzer also hits existing ids through the stateful phase.
        requests.post(server.base + "/v1/charges", auth=(key, ""), timeout=30,
                      data={"amount": 1000, "currency": "usd", "source": "tok_createDispute"})
        run = subprocess.run(
            [SCHEMATHESIS, "run", server.base + "/openapi.json", "--checks", "not_a_server_error",
             "-H", f"Authorization: Bearer {key}", "-n", "25", "--generation-deterministic",
             "--request-timeout", "30"],
            capture_output=True, text=True, timeout=900)
        failures = run.stdout[run.stdout.find("FAILURES"):] if "FAILURES" in run.stdout else run.stdout[-3000:]
        assert run.returncode == 0, failures[:6000] + run.stderr[-2000:]
        assert "passed" in run.stdout
        assert requests.get(server.base + "/healthz", timeout=5).status_code == 200
        verify = server.verify()
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        server.cleanup()
