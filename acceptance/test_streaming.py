"""Flow 3 against DuckDB: request logs imported with `remit logs import`, processed by `remit stream run`, and every
window row of both queries compared with the same aggregates computed by DuckDB over the same file; then two
processors on one PostgreSQL, one killed mid-stream, and every window still written exactly once."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
from datetime import datetime, timezone

import duckdb
import pytest

from server import ADMIN_KEY, REMIT_BIN, new_postgres_database

ENGINES = ["sqlite"] + (["postgres"] if os.environ.get("REMIT_TEST_DATABASE_URL") else [])
BASE_MS = 1_760_968_800_000  # 2025-10-20T14:00:00Z
MIN_REQUESTS = 20


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def write_logs(path, count, seed=7):
    """A gateway's logs: 6 merchants × 4 endpoints over about 40 minutes, up to 5 s out of order, documents exactly
    on window boundaries, ~2 % of 5xx and a spike of errors for one merchant."""
    rng = random.Random(seed)
    time_ms = BASE_MS
    with open(path, "w") as out:
        for index in range(count):
            time_ms += rng.randint(0, 2 * 2_400_000 // count)
            at = time_ms - rng.randint(0, 3_000)
            if index % 97 == 0 and at % 60_000 < 2_000:
                at -= at % 60_000  # exactly on a minute (and sometimes a five-minute) boundary
            merchant = f"acct_{rng.randint(0, 5)}"
            spike = merchant == "acct_3" and BASE_MS + 600_000 <= at < BASE_MS + 840_000
            status = 503 if (spike and rng.random() < 0.3) or rng.random() < 0.02 else rng.choice([200, 200, 201, 402])
            out.write(json.dumps({
                "log_id": f"log_{index}", "merchant_id": merchant,
                "endpoint": rng.choice(["/v1/charges", "/v1/refunds", "/v1/customers", "/v1/charges/{id}"]),
                "status_code": status, "latency_ms": round(rng.lognormvariate(4.3, 0.6), 3), "timestamp": iso(at),
                "method": "POST",
            }) + "\n")


def remit(args, store, env=None, check=True):
    command = [REMIT_BIN] + args + ["--data-dir", store["data_dir"]]
    if store["database_url"]:
        command += ["--database-url", store["database_url"]]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY, **(env or {})))
    if check:
        assert run.returncode == 0, run.stdout + run.stderr
    return run


def fresh_store(engine):
    url = new_postgres_database() if engine == "postgres" else None
    return {"data_dir": tempfile.mkdtemp(prefix="remit-stream-"), "database_url": url,
            "warehouse_url": url + "?schema=warehouse" if url else None}


def warehouse_rows(store, sql):
    if store["warehouse_url"]:
        import psycopg
        with psycopg.connect(store["database_url"], options="-c search_path=warehouse") as connection:
            return connection.execute(sql).fetchall()
    with sqlite3.connect(os.path.join(store["data_dir"], "warehouse.sqlite")) as connection:
        return connection.execute(sql).fetchall()


def stream_args(store):
    # Documents arrive up to 5 s out of order: within the tolerance nothing is adjusted, so plain grouping is the truth.
    args = ["stream", "run", "--until-caught-up", "--out-of-order-tolerance", "10s", "--json"]
    if store["warehouse_url"]:
        args += ["--warehouse-url", store["warehouse_url"]]
    return args


def duckdb_windows(path):
    con = duckdb.connect()
    # The timestamps are read as text and parsed by DuckDB itself (an outside oracle for Remit's parser too).
    con.execute(f"""CREATE TABLE logs AS SELECT merchant_id, endpoint, status_code, latency_ms,
        epoch_ms(CAST(timestamp AS TIMESTAMPTZ)) AS ts FROM read_json('{path}', format = 'newline_delimited',
        columns = {{'log_id': 'VARCHAR', 'merchant_id': 'VARCHAR', 'endpoint': 'VARCHAR', 'status_code': 'INTEGER',
                   'latency_ms': 'DOUBLE', 'timestamp': 'VARCHAR', 'method': 'VARCHAR'}})""")
    # Azure's rule: windows (start, end], aligned to the epoch.
    performance = con.execute("""
        SELECT CAST(ceil(ts / 300000.0) AS BIGINT) * 300000 AS window_end, merchant_id, endpoint, count(*),
               avg(latency_ms), quantile_cont(latency_ms, 0.99), sum(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END)
        FROM logs GROUP BY ALL ORDER BY ALL""").fetchall()
    errors = con.execute(f"""
        SELECT window_end, merchant_id, total, errors, errors / total,
               CASE WHEN total >= {MIN_REQUESTS} AND errors / total > 0.05 THEN 1 ELSE 0 END
        FROM (SELECT CAST(ceil(ts / 60000.0) AS BIGINT) * 60000 AS window_end, merchant_id, count(*) AS total,
                     CAST(sum(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END) AS DOUBLE) AS errors
              FROM logs GROUP BY ALL) ORDER BY ALL""").fetchall()
    return sorted(performance), sorted(errors)


def close(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def assert_same_windows(store, expected_performance, expected_errors):
    performance = warehouse_rows(store, """
        SELECT window_end_ms, merchant_id, endpoint, request_count, avg_latency, p99_latency, error_count, window_end
        FROM fact_api_performance_realtime""")
    performance = sorted(performance)
    assert len(performance) == len(expected_performance)
    for got, want in zip(performance, expected_performance):
        assert got[:4] == tuple(want[:4]) and got[6] == want[6], (got, want)
        assert close(got[4], want[4]) and close(got[5], want[5]), (got, want)
        assert got[7] == iso(got[0])
    errors = warehouse_rows(store, """
        SELECT window_end_ms, merchant_id, total_requests, error_count, error_rate, breach
        FROM fact_merchant_errors_realtime""")
    errors = sorted(errors)
    assert len(errors) == len(expected_errors)
    for got, want in zip(errors, expected_errors):
        assert got[:4] == (want[0], want[1], want[2], int(want[3])) and close(got[4], want[4]) and got[5] == want[5]


def first_fire(errors, merchant):
    """The first window end of the first two adjacent breaching minutes of a merchant."""
    minutes = [(row[0], row[5]) for row in errors if row[1] == merchant]
    for (end_a, breach_a), (end_b, breach_b) in zip(minutes, minutes[1:]):
        if breach_a and breach_b and end_b - end_a == 60_000:
            return end_a
    return None


@pytest.mark.parametrize("engine", ENGINES)
def test_every_window_matches_duckdb_over_the_same_logs(engine):
    store = fresh_store(engine)
    path = os.path.join(store["data_dir"], "gateway.jsonl")
    os.makedirs(store["data_dir"], exist_ok=True)
    write_logs(path, 20_000)
    imported = remit(["logs", "import", path, "--name", "gateway"], store)
    assert "imported 20000 documents as import:gateway" in imported.stdout
    summary = json.loads(remit(stream_args(store), store).stdout.strip().splitlines()[-1])
    assert summary["events"] == 20_000 and summary["conversion_errors"] == 0
    performance, errors = duckdb_windows(path)
    assert_same_windows(store, performance, errors)
    # The spike fires one alert, at the second of its first two adjacent breaching minutes.
    alerts = warehouse_rows(store, "SELECT merchant_id, first_breach_end_ms, state FROM stream_alerts WHERE merchant_id = 'acct_3'")
    assert alerts and alerts[0][1] == first_fire(errors, "acct_3")
    again = json.loads(remit(stream_args(store), store).stdout.strip().splitlines()[-1])
    assert again["events"] == 0 and again["windows"] == 0


def test_a_file_with_a_line_that_cannot_be_stored_imports_nothing(tmp_path):
    store = fresh_store("sqlite")
    path = tmp_path / "bad.jsonl"
    path.write_text('{"log_id":"a","merchant_id":"m","endpoint":"/v1/x","status_code":200,"latency_ms":1,'
                    '"timestamp":"2025-10-20T14:00:01Z"}\n{"log_id":"b"}\n')
    run = remit(["logs", "import", str(path)], store, check=False)
    assert run.returncode == 1 and "nothing imported" in run.stdout
    assert "line 2: endpoint is missing" in run.stdout


@pytest.mark.skipif("postgres" not in ENGINES, reason="needs PostgreSQL")
def test_two_processors_one_killed_mid_stream_write_every_window_once():
    store = fresh_store("postgres")
    os.makedirs(store["data_dir"], exist_ok=True)
    path = os.path.join(store["data_dir"], "gateway.jsonl")
    write_logs(path, 60_000, seed=11)
    env = dict(os.environ, REMIT_ADMIN_KEY=ADMIN_KEY, REMIT_STREAM_LEASE="2s", REMIT_STREAM_BATCH_SIZE="150")
    command = [REMIT_BIN, "stream", "run", "--data-dir", store["data_dir"], "--database-url", store["database_url"],
               "--warehouse-url", store["warehouse_url"], "--out-of-order-tolerance", "10s"]
    processors = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) for _ in range(2)]
    first = f"%:{processors[0].pid}:stream"
    try:
        # The log is imported once the two share the partitions: imported before, one processor could read it all
        # while the other was still joining, and no window would be open when one of them is killed.
        deadline = time.time() + 60
        while time.time() < deadline:
            owners = warehouse_rows(store, "SELECT count(DISTINCT owner) FROM stream_leases WHERE owner IS NOT NULL") \
                if table_exists(store) else [(0,)]
            if owners[0][0] == 2:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the two processors never shared the partitions")
        remit(["logs", "import", path, "--name", "gateway"], store)
        deadline = time.time() + 60
        while time.time() < deadline:
            open_parts = warehouse_rows(store, "SELECT count(*) FROM stream_window_parts p JOIN stream_leases l "
                                               f"ON l.partition_id = p.partition_id WHERE l.owner LIKE '{first}'")
            if open_parts[0][0] > 0:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the first processor never held an open window")
        processors[0].send_signal(signal.SIGKILL)  # mid-stream: its partitions have open windows
        processors[0].wait()
        performance, errors = duckdb_windows(path)
        deadline = time.time() + 90
        while time.time() < deadline:
            done = warehouse_rows(store, "SELECT count(*) FROM fact_api_performance_realtime")[0][0]
            if done == len(performance) and not warehouse_rows(store, "SELECT 1 FROM stream_window_parts LIMIT 1"):
                break
            time.sleep(0.2)
        assert_same_windows(store, performance, errors)
        owners = warehouse_rows(store, "SELECT DISTINCT owner FROM stream_leases WHERE owner IS NOT NULL AND until_ms > 0")
        assert len(owners) == 1, "the survivor took the dead processor's partitions over"
    finally:
        for process in processors:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def table_exists(store):
    return bool(warehouse_rows(store, "SELECT 1 FROM information_schema.tables WHERE table_schema = 'warehouse' "
                                      "AND table_name = 'stream_window_parts'"))
