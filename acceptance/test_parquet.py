"""Remit's Parquet writer, read back by pyarrow and DuckDB: types, values, nulls, statistics, row groups."""
import csv
import decimal
import os
import subprocess
import tempfile
from datetime import datetime, timezone

import duckdb
import pyarrow.parquet as pq

from server import REMIT_BIN


def write_sample(rows=5000, row_group=2000):
    directory = tempfile.mkdtemp(prefix="remit-parquet-")
    path = os.path.join(directory, "payments.parquet")
    csv_path = os.path.join(directory, "payments.csv")
    subprocess.run([REMIT_BIN, "bench", "parquet", "--rows", str(rows), "--row-group", str(row_group),
                    "--output", path, "--csv", csv_path, "--repeats", "1"], check=True, capture_output=True)
    with open(csv_path, newline="") as f:
        expected = list(csv.DictReader(f))
    return path, expected


def expected_row(row):
    return {
        "id": row["id"],
        "merchant_id": row["merchant_id"],
        "customer_id": row["customer_id"] or None,
        "amount": decimal.Decimal(row["amount_minor"]).scaleb(-2),
        "currency": row["currency"],
        "status": row["status"],
        "created": datetime.fromtimestamp(int(row["created_us"]) // 1_000_000, tz=timezone.utc).replace(
            microsecond=int(row["created_us"]) % 1_000_000),
        "fee": int(row["fee"]),
        "refunded": row["refunded"] == "true",
        "risk_score": float(row["risk_score"]) if row["risk_score"] else None,
    }


def test_pyarrow_reads_every_value_type_and_null():
    path, expected = write_sample()
    metadata = pq.ParquetFile(path).metadata
    assert metadata.num_rows == 5000
    assert metadata.num_row_groups == 3
    assert metadata.row_group(0).column(0).compression == "SNAPPY"
    table = pq.read_table(path)
    types = {field.name: str(field.type) for field in table.schema}
    assert types == {
        "id": "string", "merchant_id": "string", "customer_id": "string", "amount": "decimal128(18, 2)",
        "currency": "string", "status": "string", "created": "timestamp[us, tz=UTC]", "fee": "int64",
        "refunded": "bool", "risk_score": "double",
    }
    assert table.schema.field("id").nullable is False, "a required column"
    assert table.schema.field("customer_id").nullable is True, "an optional column"
    assert table.column("customer_id").null_count == sum(1 for r in expected if not r["customer_id"])
    assert table.to_pylist() == [expected_row(r) for r in expected]


def test_statistics_match_the_data():
    path, expected = write_sample()
    metadata = pq.ParquetFile(path).metadata
    group = metadata.row_group(0)
    rows = [expected_row(r) for r in expected[:group.num_rows]]
    fee = group.column(7).statistics
    assert (fee.min, fee.max) == (min(r["fee"] for r in rows), max(r["fee"] for r in rows))
    ids = group.column(0).statistics
    assert (ids.min, ids.max) == (min(r["id"].encode() for r in rows).decode(), max(r["id"].encode() for r in rows).decode())
    customers = group.column(2).statistics
    assert customers.null_count == sum(1 for r in rows if r["customer_id"] is None)


def test_duckdb_reads_the_same_values():
    path, expected = write_sample()
    con = duckdb.connect()
    described = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()}
    assert described["amount"] == "DECIMAL(18,2)"
    assert described["created"] == "TIMESTAMP WITH TIME ZONE"
    totals = con.execute(
        f"SELECT count(*), sum(amount), count(customer_id), sum(fee), count(*) FILTER (WHERE refunded), "
        f"count(risk_score), count(DISTINCT currency) FROM read_parquet('{path}')").fetchone()
    rows = [expected_row(r) for r in expected]
    assert totals == (
        5000, sum(r["amount"] for r in rows), sum(1 for r in rows if r["customer_id"]), sum(r["fee"] for r in rows),
        sum(1 for r in rows if r["refunded"]), sum(1 for r in rows if r["risk_score"] is not None),
        len({r["currency"] for r in rows}))
    first = con.execute(f"SELECT id, epoch_us(created), risk_score FROM read_parquet('{path}') ORDER BY id LIMIT 3").fetchall()
    by_id = {r["id"]: r for r in expected}
    for row_id, created_us, risk in first:
        assert created_us == int(by_id[row_id]["created_us"])
        assert risk == (float(by_id[row_id]["risk_score"]) if by_id[row_id]["risk_score"] else None)
