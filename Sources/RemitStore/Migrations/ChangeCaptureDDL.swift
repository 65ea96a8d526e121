import RemitSQL

/// DDL for trigger-based change capture (research data.md §1.3), for one captured table.
///
/// Every INSERT writes one change row (op 2), every UPDATE two (op 3 with the old row, op 4 with the new),
/// every DELETE one (op 1), in the writing transaction. `tx_lsn` orders transactions for readers:
/// - SQLite: writers are serialized; each write transaction bumps `cdc_clock` first, and the triggers stamp it.
/// - PostgreSQL: the writer's transaction id (`pg_current_xact_id()`), read back below the snapshot's
///   xmin horizon, so writers never serialize on a clock row (the xid-horizon extractor, fix 2).
enum ChangeCaptureDDL {
    /// An auto-incrementing 64-bit primary key (`seq`, `change_id`, `log_seq`) in each engine's spelling.
    static func serialPrimaryKey(_ dialect: SQLDialect) -> String {
        dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    }

    /// The commit-time stamp of the first triggers: the database's clock.
    static let databaseClockStamp = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    /// Since migration 9: the ledger's clock, which each write transaction stores in `cdc_clock` (on SQLite); the
    /// database's clock for writes that come another way.
    static let ledgerClockStamp = "COALESCE((SELECT stamp FROM cdc_clock WHERE id = 1), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"

    static func triggers(table: String, key: String, columns: [String], dialect: SQLDialect,
                         stamp: String = databaseClockStamp) -> [String] {
        switch dialect {
        case .postgres:
            return [
                """
                CREATE TRIGGER \(table)_change_capture AFTER INSERT OR UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION capture_change('\(key)')
                """
            ]
        case .sqlite:
            func image(_ row: String) -> String {
                "json_object(" + columns.map { "'\($0)', \(row).\($0)" }.joined(separator: ", ") + ")"
            }
            func insert(_ op: Int, _ row: String) -> String {
                """
                INSERT INTO change_log (tx_lsn, table_name, op, row_key, row_data, changed_at)
                VALUES ((SELECT lsn FROM cdc_clock WHERE id = 1), '\(table)', \(op), \(row).\(key), \(image(row)),
                        \(stamp));
                """
            }
            return [
                "CREATE TRIGGER \(table)_capture_insert AFTER INSERT ON \(table) BEGIN \(insert(2, "NEW")) END",
                "CREATE TRIGGER \(table)_capture_update AFTER UPDATE ON \(table) BEGIN \(insert(3, "OLD")) \(insert(4, "NEW")) END",
                "CREATE TRIGGER \(table)_capture_delete AFTER DELETE ON \(table) BEGIN \(insert(1, "OLD")) END",
            ]
        }
    }

    /// SQLite's triggers of a captured table, dropped and created again with `columns` (its triggers name the
    /// columns of the image; PostgreSQL's take the whole row and need nothing when a table gains one).
    static func recreatedSQLiteTriggers(table: String, columns: [String]) -> [String] {
        ["DROP TRIGGER \(table)_capture_insert", "DROP TRIGGER \(table)_capture_update",
         "DROP TRIGGER \(table)_capture_delete"]
            + triggers(table: table, key: "id", columns: columns, dialect: .sqlite, stamp: ledgerClockStamp)
    }

    /// The capture table and, per engine, the ordering machinery.
    static func foundation(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                """
                CREATE TABLE change_log (
                    change_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tx_lsn BIGINT NOT NULL,
                    table_name TEXT NOT NULL,
                    op SMALLINT NOT NULL,
                    row_key TEXT NOT NULL,
                    row_data TEXT NOT NULL,
                    changed_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX change_log_lsn ON change_log (tx_lsn, change_id)",
                "CREATE TABLE cdc_clock (id INTEGER PRIMARY KEY CHECK (id = 1), lsn BIGINT NOT NULL)",
                "INSERT INTO cdc_clock (id, lsn) VALUES (1, 0)",
            ]
        case .postgres:
            return [
                """
                CREATE TABLE change_log (
                    change_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tx_lsn BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
                    table_name TEXT NOT NULL,
                    op SMALLINT NOT NULL,
                    row_key TEXT NOT NULL,
                    row_data TEXT NOT NULL,
                    changed_at TEXT NOT NULL
                )
                """,
                "CREATE INDEX change_log_lsn ON change_log (tx_lsn, change_id)",
                """
                CREATE FUNCTION capture_change() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    stamp TEXT := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
                    key_column TEXT := TG_ARGV[0];
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO change_log (table_name, op, row_key, row_data, changed_at)
                        VALUES (TG_TABLE_NAME, 2, to_jsonb(NEW) ->> key_column, to_jsonb(NEW)::text, stamp);
                        RETURN NEW;
                    ELSIF TG_OP = 'UPDATE' THEN
                        INSERT INTO change_log (table_name, op, row_key, row_data, changed_at)
                        VALUES (TG_TABLE_NAME, 3, to_jsonb(OLD) ->> key_column, to_jsonb(OLD)::text, stamp),
                               (TG_TABLE_NAME, 4, to_jsonb(NEW) ->> key_column, to_jsonb(NEW)::text, stamp);
                        RETURN NEW;
                    ELSE
                        INSERT INTO change_log (table_name, op, row_key, row_data, changed_at)
                        VALUES (TG_TABLE_NAME, 1, to_jsonb(OLD) ->> key_column, to_jsonb(OLD)::text, stamp);
                        RETURN OLD;
                    END IF;
                END
                $$
                """,
            ]
        }
    }
}
