/// Hive-style partition directories, as pyarrow, DuckDB, Spark and Trino read them: `year=2026/month=1/day=5`
/// (integers unpadded, research data.md §2.7).
public enum HivePartition {
    public static func dayDirectory(year: Int, month: Int, day: Int) -> String { "year=\(year)/month=\(month)/day=\(day)" }
}
