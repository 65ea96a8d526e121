"""Fraud scoring end to end: a model trained by `remit fraud train`, registered and promoted with
`remit fraud models`, picked up by a running server, deciding raw-card charges made with stripe-python."""
import csv
import os
import subprocess
import time

import numpy as np
import pytest
import requests
import stripe

from server import ADMIN_KEY, REMIT_BIN, RemitServer

FEATURES = ["velocity_1h", "velocity_24h", "avg_amount_30d", "stddev_amount_30d", "card_country_mismatch",
            "ip_country_mismatch", "first_transaction_customer", "merchant_dispute_rate_30d",
            "customer_dispute_history", "time_since_last_tx", "device_fingerprint_new", "email_domain_age_days",
            "amount"]
CARD = {"object": "card", "number": "4000056655665556", "exp_month": 12, "exp_year": 2031}


def train_amount_model(directory):
    """Fraud probability by amount only: ~0.1 % under 500, ~80 % from 500 to 800, ~98 % above."""
    rng = np.random.default_rng(5)
    rows = 30000
    amount = rng.uniform(1, 1200, rows)
    p = np.where(amount < 500, 0.001, np.where(amount < 800, 0.8, 0.98))
    label = (rng.random(rows) < p).astype(int)
    path = os.path.join(directory, "train.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FEATURES + ["label"])
        for a, y in zip(amount, label):
            w.writerow([0, 0, "", "", "", "", 1, "", 0, "", "", "", f"{a:.2f}", y])
    model = os.path.join(directory, "amount.json")
    done = subprocess.run([REMIT_BIN, "fraud", "train", "--input", path, "--output", model, "--trees", "40",
                           "--max-depth", "3"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return model


@pytest.fixture
def scoring_server(tmp_path):
    server = RemitServer().start()
    yield server
    server.cleanup()


def models(server, *args):
    done = subprocess.run([REMIT_BIN, "fraud", "models", *args, "--data-dir", server.data_dir],
                          capture_output=True, text=True, env=dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY))
    return done


def test_a_promoted_model_blocks_and_reviews_raw_cards(scoring_server, tmp_path):
    server = scoring_server
    model = train_amount_model(str(tmp_path))
    done = models(server, "import", model, "--version", "amount-v1", "--promote")
    assert done.returncode == 0, done.stderr
    assert "amount-v1 (champion)" in done.stdout
    again = models(server, "import", model, "--version", "amount-v1")
    assert again.returncode != 0 and "immutable" in again.stderr

    platform = stripe.StripeClient(ADMIN_KEY, base_addresses={"api": server.base}, max_network_retries=0)
    account = platform.v1.accounts.create(params={"type": "custom", "country": "US"})
    client = stripe.StripeClient(account["secret_key"], base_addresses={"api": server.base}, max_network_retries=0)

    deadline = time.time() + 30  # the server's watcher reloads within 10 s
    while True:
        try:
            client.v1.charges.create(params={"amount": 100000, "currency": "usd", "source": CARD})
        except stripe.CardError as error:
            assert error.code == "card_declined"
            assert error.error.decline_code == "fraudulent"
            blocked_id = error.error.charge
            break
        assert time.time() < deadline, "the promoted model never started deciding"
        time.sleep(0.5)

    blocked = client.v1.charges.retrieve(blocked_id)
    assert blocked.outcome.type == "blocked" and blocked.outcome.risk_level == "highest"
    assessment = requests.get(f"{server.base}/v1/charges/{blocked_id}/fraud_assessment",
                              auth=(account["secret_key"], ""), timeout=10).json()
    assert assessment["model_version"] == "amount-v1"
    assert assessment["decision"] == "block" and assessment["applied"] is True
    assert assessment["score"] >= 0.9
    assert assessment["contributions"]["amount"] > 0
    assert sum(v for v in assessment["contributions"].values()) == pytest.approx(
        np.log(assessment["score"] / (1 - assessment["score"])), abs=1e-4)

    reviewed = client.v1.charges.create(params={"amount": 65000, "currency": "usd", "source": CARD})
    assert reviewed.outcome.type == "manual_review" and reviewed.outcome.risk_level == "elevated"
    review = client.v1.reviews.retrieve(reviewed.review)
    assert review.open and review.charge == reviewed.id
    assert client.v1.reviews.approve(review.id).reason == "approved"

    fine = client.v1.charges.create(params={"amount": 2000, "currency": "usd", "source": CARD})
    assert fine.outcome.type == "authorized" and fine.outcome.risk_level == "normal"
    # Stripe's named test instruments keep their documented outcome.
    tok = client.v1.charges.create(params={"amount": 100000, "currency": "usd", "source": "tok_visa"})
    assert tok.status == "succeeded"

    disputed = client.v1.charges.create(params={"amount": 3000, "currency": "usd", "source": "tok_createDispute"})
    assert client.v1.charges.retrieve(disputed.id).disputed

    listing = models(server, "list")
    assert "amount-v1\tchampion" in listing.stdout
    assert server.verify().returncode == 0

    # Every decision's vector comes back as training data, the fraud dispute labelled 1.
    today = time.strftime("%Y-%m-%d", time.gmtime())
    export = tmp_path / "export.csv"
    done = subprocess.run([REMIT_BIN, "fraud", "export", "--since", today, "--maturity", "0s", "--output", str(export),
                           "--data-dir", server.data_dir], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with open(export) as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == FEATURES + ["label"]
    assert [r["label"] for r in rows].count("1") == 1
    assert len(rows) >= 5
    immature = subprocess.run([REMIT_BIN, "fraud", "export", "--since", today, "--output", str(export),
                               "--data-dir", server.data_dir], capture_output=True, text=True)
    assert "wrote 0 rows" in immature.stdout, "60 days of maturity by default: today's charges wait"


def test_simulate_drives_a_live_server(server):
    done = subprocess.run([REMIT_BIN, "simulate", "--url", server.base, "--admin-key", ADMIN_KEY, "--customers", "300",
                           "--days", "5", "--speedup", "1000000", "--limit", "150"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    table = done.stdout.split("scenario", 1)[1].splitlines()
    counts = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in table[1:] if line.strip()}
    assert sum(sum(row) for row in counts.values()) == 150
    assert sum(row[-1] for row in counts.values()) == 0, "no request failed"
