"""Webhooks against a live `remit serve`: deliveries verified by the official `stripe` and `svix` packages,
retries, crash safety (kill -9 with deliveries in flight), and two workers on one PostgreSQL."""
import http.server
import json
import os
import subprocess
import threading
import time

import pytest
import stripe
import svix.webhooks

from conftest import ENGINES
from server import ADMIN_KEY, REMIT_BIN, RemitServer, new_postgres_database

WEBHOOK_ENV = {
    "REMIT_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8",
    "REMIT_WEBHOOK_RETRY_SCHEDULE": "200ms,200ms,200ms,200ms",
    "REMIT_WEBHOOK_TIMEOUT": "2s",
    "REMIT_WEBHOOK_LEASE": "3s",
}


class Receiver:
    """A loopback receiver recording every request; `fail_first` requests answer 500, each waits `delay`."""

    def __init__(self, fail_first=0, delay=0.0):
        self.requests = []
        self.lock = threading.Lock()
        self.fail_first = fail_first
        self.delay = delay
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    index = len(receiver.requests)
                    receiver.requests.append((dict(self.headers.items()), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = 500 if index < receiver.fail_first else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def event_ids(self):
        with self.lock:
            return [json.loads(body)["id"] for _, body in self.requests]

    def close(self):
        self.httpd.shutdown()


def wait_for(condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture(params=ENGINES)
def webhook_server(request):
    url = new_postgres_database() if request.param == "postgres" else None
    remit = RemitServer(database_url=url, extra_env=WEBHOOK_ENV).start()
    yield remit
    remit.cleanup()


def merchant_on(server):
    platform = stripe.StripeClient(ADMIN_KEY, base_addresses={"api": server.base}, max_network_retries=0)
    account = platform.v1.accounts.create(params={"type": "custom", "country": "US"})
    return stripe.StripeClient(account["secret_key"], base_addresses={"api": server.base}, max_network_retries=0)


def test_deliveries_verify_with_the_stripe_and_svix_libraries(webhook_server):
    receiver = Receiver()
    try:
        client = merchant_on(webhook_server)
        endpoint = client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["*"]})
        secret = endpoint.secret
        assert secret.startswith("whsec_")
        charge = client.v1.charges.create(params={"amount": 2000, "currency": "usd", "source": "tok_visa"})
        assert wait_for(lambda: len(receiver.requests) >= 1)
        headers, body = receiver.requests[0]
        event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], secret)
        assert event.type == "charge.succeeded"
        assert event.data.object.id == charge.id
        standard_headers = {k.lower(): v for k, v in headers.items()}
        svix.webhooks.Webhook(secret).verify(body, standard_headers)  # raises unless a signature matches
        assert standard_headers["webhook-id"] == event.id
        with pytest.raises(svix.webhooks.WebhookVerificationError):
            svix.webhooks.Webhook(secret).verify(body.replace(b"charge", b"chargE"), standard_headers)
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(body + b" ", headers["Stripe-Signature"], secret)
        listed = client.v1.webhook_endpoints.list()
        assert [e.id for e in listed.data] == [endpoint.id]
        assert "secret" not in client.v1.webhook_endpoints.retrieve(endpoint.id)
        assert wait_for(lambda: client.v1.events.retrieve(event.id).pending_webhooks == 0)
    finally:
        receiver.close()


def test_a_receiver_that_fails_then_recovers_gets_the_event(webhook_server):
    receiver = Receiver(fail_first=2)
    try:
        client = merchant_on(webhook_server)
        endpoint = client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["customer.created"]})
        client.v1.customers.create(params={"email": "retry@example.com"})
        assert wait_for(lambda: len(receiver.requests) >= 3)
        ids = receiver.event_ids()
        assert len(set(ids)) == 1, "retries carry the original event id"
        headers, body = receiver.requests[-1]
        assert stripe.Webhook.construct_event(body, headers["Stripe-Signature"], endpoint.secret).id == ids[0]
    finally:
        receiver.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_kill_9_with_deliveries_in_flight_loses_no_event(engine):
    url = new_postgres_database() if engine == "postgres" else None
    receiver = Receiver(delay=0.2)
    # One request in flight at a time: the 40 deliveries take 8 s, so the kill lands among them however slowly the
    # customers are created on a loaded machine.
    server = RemitServer(database_url=url, extra_env=dict(WEBHOOK_ENV, REMIT_WEBHOOK_ENDPOINT_IN_FLIGHT="1")).start()
    try:
        client = merchant_on(server)
        client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["customer.created"]})
        created = {client.v1.customers.create(params={"email": f"c{i}@example.com"}).id for i in range(40)}
        time.sleep(0.3)
        assert len(receiver.requests) < 40, "the kill must land with deliveries still to make"
        server.kill()  # SIGKILL while deliveries are in flight
        server.start()

        def delivered_objects():
            with receiver.lock:
                return {json.loads(body)["data"]["object"]["id"] for _, body in receiver.requests}

        assert wait_for(lambda: created <= delivered_objects(), timeout=60), \
            f"missing after restart: {len(created - delivered_objects())}"
        assert len(set(receiver.event_ids())) == 40, "each event keeps its original id across the crash"
    finally:
        receiver.close()
        server.cleanup()


@pytest.mark.skipif("postgres" not in ENGINES, reason="needs PostgreSQL")
def test_two_workers_on_one_postgres_never_deliver_an_event_twice():
    url = new_postgres_database()
    receiver = Receiver()
    server = RemitServer(database_url=url, extra_env=WEBHOOK_ENV).start(extra_args=["--no-webhook-worker"])
    api_process_env = dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY, **WEBHOOK_ENV)
    workers = [subprocess.Popen([REMIT_BIN, "webhooks", "work", "--database-url", url, "--log-level", "warning"],
                                env=api_process_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(2)]
    try:
        client = merchant_on(server)
        client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["customer.created"]})
        for i in range(300):
            client.v1.customers.create(params={"email": f"w{i}@example.com"})
        assert wait_for(lambda: len(set(receiver.event_ids())) == 300, timeout=60)
        time.sleep(1)
        ids = receiver.event_ids()
        assert len(ids) == 300, f"{len(ids) - len(set(ids))} duplicate deliveries"
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        receiver.close()
        server.cleanup()
