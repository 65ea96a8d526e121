"""The pyarrow peer of `remit bench parquet`: the same rows (read from the CSV it wrote, untimed) as an Arrow table
with the same types, then `pq.write_table(..., compression='snappy')`, timed, best of N."""
import decimal
import sys
import time

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

csv_path, out_path = sys.argv[1], sys.argv[2]
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
raw = pacsv.read_csv(csv_path, convert_options=pacsv.ConvertOptions(
    column_types={"customer_id": pa.string(), "risk_score": pa.float64(), "refunded": pa.bool_()},
    strings_can_be_null=True))
amount = pa.array([decimal.Decimal(v).scaleb(-2) for v in raw["amount_minor"].to_pylist()], type=pa.decimal128(18, 2))
table = pa.table({
    "id": raw["id"], "merchant_id": raw["merchant_id"], "customer_id": raw["customer_id"], "amount": amount,
    "currency": raw["currency"], "status": raw["status"],
    "created": raw["created_us"].cast(pa.timestamp("us", tz="UTC")), "fee": raw["fee"],
    "refunded": raw["refunded"], "risk_score": raw["risk_score"],
})
best = float("inf")
for attempt in range(repeats):
    start = time.perf_counter()
    pq.write_table(table, out_path, compression="snappy")
    elapsed = time.perf_counter() - start
    best = min(best, elapsed)
    print(f"run {attempt + 1}: {table.num_rows} rows x {table.num_columns} columns in {elapsed:.3f} s")
print(f"pyarrow {pa.__version__} parquet: best {best:.3f} s ({table.num_rows / best:.0f} rows/s), snappy, default options")
