import RemitSQL

/// Change capture stamps the ledger's clock, not only the database's: a history generated on an injected clock
/// (simulations, `remit bench etl`, the demo) lands on the days it simulates, so the nightly runs, their backfill by
/// day and the SCD2 versions follow it. In production both clocks are the same.
/// - SQLite: each write transaction stores its time in `cdc_clock.stamp` with the LSN bump it already makes; the
///   triggers are recreated to read it (and the `charges` image now carries `review_id`, as PostgreSQL's does).
/// - PostgreSQL: the trigger function reads the transaction-local setting `remit.clock` when a transaction set it
///   (only ledgers on an injected clock do; others keep the database's clock and no extra round trip).
enum Migration0009CaptureClock {
    static let captured: [(String, [String])] = [
        ("accounts", ["seq", "id", "created", "is_platform", "type", "country", "email", "default_currency",
                      "business_profile", "metadata", "livemode"]),
        ("customers", ["seq", "id", "account_id", "created", "email", "name", "description", "phone", "address",
                       "default_payment_method", "balance", "metadata", "deleted", "livemode"]),
        ("charges", ["seq", "id", "account_id", "created", "amount", "amount_captured", "amount_refunded",
                     "currency", "captured", "paid", "refunded", "disputed", "status", "customer_id",
                     "description", "receipt_email", "statement_descriptor", "payment_method_id", "card_brand",
                     "card_last4", "card_exp_month", "card_exp_year", "card_funding", "card_country",
                     "card_fingerprint", "failure_code", "failure_message", "decline_code", "outcome_type",
                     "outcome_network_status", "outcome_risk_level", "outcome_risk_score", "outcome_reason",
                     "outcome_seller_message", "balance_transaction_id", "funds_available_immediately",
                     "metadata", "livemode", "review_id"]),
        ("refunds", ["seq", "id", "account_id", "created", "charge_id", "amount", "currency", "status", "reason",
                     "balance_transaction_id", "metadata", "livemode"]),
        ("balance_transactions", ["seq", "id", "account_id", "created", "amount", "currency", "fee", "net",
                                  "type", "reporting_category", "source_id", "available_on", "description",
                                  "livemode"]),
        ("disputes", ["seq", "id", "account_id", "created", "charge_id", "amount", "currency", "reason", "status",
                      "evidence", "submission_count", "due_by", "metadata", "livemode"]),
        ("subscriptions", ["seq", "id", "account_id", "created", "customer_id", "status", "items", "currency",
                           "default_payment_method", "current_period_start", "current_period_end",
                           "cancel_at_period_end", "canceled_at", "ended_at", "latest_charge_id", "metadata",
                           "livemode"]),
    ]

    static let migration = Migration(id: 9, name: "capture stamps the ledger's clock") { dialect in
        switch dialect {
        case .sqlite:
            var statements = ["ALTER TABLE cdc_clock ADD COLUMN stamp TEXT"]
            for (table, columns) in captured {
                statements += ["DROP TRIGGER \(table)_capture_insert", "DROP TRIGGER \(table)_capture_update",
                               "DROP TRIGGER \(table)_capture_delete"]
                statements += ChangeCaptureDDL.triggers(table: table, key: "id", columns: columns, dialect: .sqlite,
                                                        stamp: ChangeCaptureDDL.ledgerClockStamp)
            }
            return statements
        case .postgres:
            return [
                """
                CREATE OR REPLACE FUNCTION capture_change() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    stamp TEXT := COALESCE(NULLIF(current_setting('remit.clock', true), ''),
                        to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
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
