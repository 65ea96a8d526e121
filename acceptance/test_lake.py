"""The lake: `remit etl stage` writes the net changes to Hive-partitioned Parquet; pyarrow and DuckDB read every
staged file, and the values match the objects the API returns."""
import json
import os
import subprocess
import tempfile

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from server import ADMIN_KEY, REMIT_BIN


def stage(server, lake):
    args = [REMIT_BIN, "etl", "stage", "--data-dir", server.data_dir, "--lake-dir", lake, "--date", "2026-11-05",
            "--run", "acc", "--json"]
    if server.database_url:
        args += ["--database-url", server.database_url]
    run = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY))
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_staged_payments_and_customers_match_the_api(server, merchant):
    charges = [merchant.v1.charges.create(params={"amount": amount, "currency": currency, "source": "tok_visa"})
               for amount, currency in [(1000, "usd"), (2550, "eur"), (99, "gbp")]]
    customer = merchant.v1.customers.create(params={"email": "lake@example.com"})
    merchant.v1.customers.update(customer.id, params={"name": "Lake"})
    lake = tempfile.mkdtemp(prefix="remit-lake-")
    report = stage(server, lake)
    tables = {t["table"]: t for t in report["tables"]}
    payment_files = tables["payment"]["files"]
    assert payment_files and all("/staging/payment/year=2026/month=11/day=5/payment_acc_" in f for f in payment_files)

    payments = pq.read_table(payment_files[0]).to_pylist()
    by_id = {row["id"]: row for row in payments}
    for charge in charges:
        row = by_id[charge.id]
        assert (row["amount"], row["currency"], row["status"], row["account_id"]) == (
            charge.amount, charge.currency, charge.status, merchant.account_id)
        assert int(row["created"].timestamp()) == charge.created
        assert row["_op"] == "upsert"
        assert row["captured"] is True

    customers = ds.dataset(os.path.join(lake, "staging", "customer"), format="parquet", partitioning="hive").to_table()
    staged = {row["id"]: row for row in customers.to_pylist()}
    assert staged[customer.id]["name"] == "Lake", "the net change carries the final image"
    assert staged[customer.id]["year"] == 2026 and staged[customer.id]["day"] == 5

    con = duckdb.connect()
    pattern = os.path.join(lake, "staging", "payment", "**", "*.parquet")
    total = con.execute(
        f"SELECT sum(amount) FROM read_parquet('{pattern}', hive_partitioning=true) "
        f"WHERE id IN ({', '.join(repr(c.id) for c in charges)}) AND month = 11").fetchone()[0]
    assert total == sum(c.amount for c in charges)
    schema = json.load(open(os.path.join(lake, "staging", "payment", "_schema.json")))
    assert schema["source"] == "charges" and any(c["name"] == "amount" for c in schema["columns"])
