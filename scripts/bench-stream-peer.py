"""The DuckDB peer of `remit bench stream`: the same two queries over the same events (read from the Parquet file the
engine benchmark wrote, loaded into an in-memory table untimed), exact quantile_cont, Azure's end-inclusive windows;
best of 3. Prints the number of groups, which must equal the engine's window rows."""
import sys
import time

import duckdb

path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute(f"CREATE TABLE logs AS SELECT * FROM read_parquet('{path}')")
events = con.execute("SELECT count(*) FROM logs").fetchone()[0]
performance = """
    SELECT CAST(ceil(ts_ms / 300000.0) AS BIGINT) * 300000 AS window_end, merchant_id, endpoint, count(*),
           avg(latency_ms), quantile_cont(latency_ms, 0.99), sum(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END)
    FROM logs GROUP BY ALL"""
errors = """
    SELECT CAST(ceil(ts_ms / 60000.0) AS BIGINT) * 60000 AS window_end, merchant_id, count(*),
           sum(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END) AS e, e / count(*)
    FROM logs GROUP BY ALL"""
best = float("inf")
for attempt in range(3):
    start = time.perf_counter()
    groups = len(con.execute(performance).fetchall()) + len(con.execute(errors).fetchall())
    elapsed = time.perf_counter() - start
    best = min(best, elapsed)
    print(f"duckdb run {attempt + 1}: {events} events, {groups} groups in {elapsed:.3f} s")
print(f"duckdb {duckdb.__version__} (2 threads, in-memory table): best {best:.3f} s = {events / best:.0f} events/s, {groups} groups")
