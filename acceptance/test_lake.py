"""The lake: `remit etl stage` writes the net changes to Hive-partitioned Parquet; pyarrow and DuckDB read every
staged file, and the values match the objects the API returns."""
import json
import os
import signal
import subprocess
import tempfile
import time
import uuid

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


def oltp_rows(server, table, ids):
    """The source rows as they are in the OLTP store, by id."""
    placeholders = ", ".join(["?"] * len(ids))
    if server.database_url:
        import psycopg
        from psycopg.rows import dict_row
        with psycopg.connect(server.database_url, row_factory=dict_row) as connection:
            rows = connection.execute(f"SELECT * FROM {table} WHERE id = ANY(%s)", (list(ids),)).fetchall()
    else:
        import sqlite3
        with sqlite3.connect(os.path.join(server.data_dir, "remit.sqlite")) as connection:
            connection.row_factory = sqlite3.Row
            rows = [dict(row) for row in connection.execute(f"SELECT * FROM {table} WHERE id IN ({placeholders})", list(ids))]
    return {row["id"]: row for row in rows}


def staged_value(value, kind):
    """A staged value as the OLTP column holds it (timestamps → Unix seconds, booleans → 0/1)."""
    if value is None:
        return None
    if kind.startswith("timestamp"):
        return int(value.timestamp())
    if kind == "boolean":
        return int(value)
    return value


def test_every_staged_table_matches_the_oltp_rows_in_pyarrow_and_duckdb(server, merchant):
    # A bit of everything the nightly run extracts.
    customer = merchant.v1.customers.create(params={"email": "all@example.com", "payment_method": "pm_card_visa",
                                                    "invoice_settings": {"default_payment_method": "pm_card_visa"}})
    merchant.v1.customers.update(customer.id, params={"name": "All Tables"})
    product = merchant.v1.products.create(params={"name": "Plan"})
    price = merchant.v1.prices.create(params={"product": product.id, "currency": "usd", "unit_amount": 900,
                                              "recurring": {"interval": "month"}})
    merchant.v1.subscriptions.create(params={"customer": customer.id, "items": [{"price": price.id}]})
    charge = merchant.v1.charges.create(params={"amount": 4200, "currency": "eur", "source": "tok_visa"})
    merchant.v1.refunds.create(params={"charge": charge.id, "amount": 1200})
    merchant.v1.charges.create(params={"amount": 3100, "currency": "usd", "source": "tok_createDispute"})
    lake = tempfile.mkdtemp(prefix="remit-lake-all-")
    report = stage(server, lake)
    con = duckdb.connect()
    checked = {}
    for table in report["tables"]:
        schema = json.load(open(os.path.join(lake, "staging", table["table"], "_schema.json")))
        kinds = {column["name"]: column["type"] for column in schema["columns"]}
        if not table["files"]:
            continue
        arrow = [row for path in table["files"] for row in pq.read_table(path).to_pylist()]
        pattern = os.path.join(lake, "staging", table["table"], "**", f"{table['table']}_acc_*.parquet")
        result = con.execute(f"SELECT * FROM read_parquet('{pattern}', hive_partitioning = true)")
        names = [column[0] for column in result.description]
        duck = [dict(zip(names, values)) for values in result.fetchall()]
        assert len(duck) == len(arrow), table["table"]
        oltp = oltp_rows(server, schema["source"], [row["id"] for row in arrow])
        duck_by_id = {row["id"]: row for row in duck}
        for row in arrow:
            if row["_op"] == "delete":
                continue
            source = oltp[row["id"]]
            for name, kind in kinds.items():
                expected = source.get(name)
                if name == "review_id" and name not in source:
                    continue
                assert staged_value(row[name], kind) == expected, (table["table"], row["id"], name)
                assert staged_value(duck_by_id[row["id"]][name], kind) == expected, ("duckdb", table["table"], name)
        checked[table["table"]] = len(arrow)
    for name in ["payment", "customer", "merchant", "subscription", "dispute", "refund", "balance_transaction"]:
        assert checked.get(name, 0) > 0, f"{name} was staged and checked"


def load_todays_rates(server):
    """Rates for today: the last day of the ECB history Remit ships, dated today (test data: the other tests'
    charges in many currencies all happened today)."""
    shipped = open(os.path.join(os.path.dirname(__file__), "..", "Sources", "RemitETL", "Resources",
                                "ecb-eurofxref-hist-2026.csv")).read().splitlines()
    header, last = shipped[0], shipped[1]
    path = os.path.join(tempfile.mkdtemp(prefix="remit-fx-"), "today.csv")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    with open(path, "w") as out:
        out.write(header + "\n" + today + last[last.index(","):] + "\n")
    args = [REMIT_BIN, "fx", "load", path, "--data-dir", server.data_dir]
    if server.database_url:
        args += ["--database-url", server.database_url]
    run = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY))
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_run_killed_mid_way_loses_nothing_and_the_next_completes_the_range(server, merchant):
    for amount in range(500, 540):
        merchant.v1.charges.create(params={"amount": amount, "currency": "usd", "source": "tok_visa"})
    load_todays_rates(server)
    scratch = tempfile.mkdtemp(prefix="remit-etl-kill-")
    # The OLTP store is the session server's; the warehouse and the lake are this test's own.
    warehouse = (server.database_url + "?schema=kill_" + uuid.uuid4().hex[:8]) if server.database_url \
        else "sqlite:" + os.path.join(scratch, "warehouse.sqlite")
    common = ["--data-dir", server.data_dir, "--warehouse-url", warehouse]
    if server.database_url:
        common += ["--database-url", server.database_url]
    env = dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY, REMIT_ETL_LOCK_LEASE="2s")
    run = [REMIT_BIN, "etl", "run", "--lake-dir", os.path.join(scratch, "lake"), "--max-quarantine", "1"] + common
    process = subprocess.Popen(run, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in process.stdout:
        # Inside the warehouse's open transaction, the dimensions written and the facts, checks and publication to
        # come. (The lake is written beside the load, so "stage:" can come just before the commit: killed there,
        # the run had sometimes published.)
        if line.startswith("load dimensions:"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL
    time.sleep(2.5)  # the dead run's lease lapses
    again = subprocess.run(run + ["--json"], capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    report = json.loads(again.stdout.strip().splitlines()[-1])
    assert report["status"] == "published" and report["from_lsn"] == 0, "the killed run published nothing"
    runs = subprocess.run([REMIT_BIN, "etl", "runs"] + common, capture_output=True, text=True, env=env).stdout
    assert "abandoned" in runs, runs
    oltp = set(oltp_ids(server, "charges"))
    loaded = set(warehouse_ids(server, warehouse, "SELECT payment_id FROM fact_payment"))
    quarantined = set(warehouse_ids(server, warehouse,
                                    "SELECT row_key FROM etl_quarantine WHERE table_name = 'payment'"))
    assert loaded | quarantined == oltp and not loaded & quarantined, "every charge loaded or quarantined, once"


def oltp_ids(server, table):
    if server.database_url:
        import psycopg
        with psycopg.connect(server.database_url) as connection:
            return [row[0] for row in connection.execute(f"SELECT id FROM {table}")]
    import sqlite3
    with sqlite3.connect(os.path.join(server.data_dir, "remit.sqlite")) as connection:
        return [row[0] for row in connection.execute(f"SELECT id FROM {table}")]


def warehouse_ids(server, warehouse, sql):
    if warehouse.startswith("sqlite:"):
        import sqlite3
        with sqlite3.connect(warehouse[len("sqlite:"):]) as connection:
            return [row[0] for row in connection.execute(sql)]
    import psycopg
    schema = warehouse.rsplit("schema=", 1)[1]
    with psycopg.connect(server.database_url, options=f"-c search_path={schema}") as connection:
        return [row[0] for row in connection.execute(sql)]
