import Parquet

/// How one captured OLTP table lands in the lake: its lake name and every source column the pipeline knows,
/// typed. A row image with a column not listed here is a source schema change: the run stops (no guessing).
public struct StagedTable: Sendable {
    /// A source column's type as staged.
    public enum ColumnType: Sendable, Equatable {
        /// Text; `dictionary` for low-cardinality values (currency, status, merchant id).
        case text(dictionary: Bool)
        /// A 64-bit integer (amounts stay in minor units, next to their currency).
        case integer
        /// A 0/1 flag, staged as a boolean.
        case flag
        /// Unix seconds, staged as a UTC timestamp (microseconds).
        case time
    }

    public struct Column: Sendable {
        public var name: String
        public var type: ColumnType
        public var optional: Bool
    }

    /// The lake's name (`payment` for `charges`, `merchant` for `accounts`).
    public var name: String
    public var source: String
    public var columns: [Column]

    init(_ name: String, source: String, _ columns: [(String, ColumnType, Bool)]) {
        self.name = name
        self.source = source
        self.columns = columns.map { Column(name: $0.0, type: $0.1, optional: $0.2) }
    }

    /// The Parquet schema of a staged file: the source columns, then the change's own `_op` (`upsert` or
    /// `delete`), `_lsn` and `_changed_at`.
    public var parquetSchema: ParquetSchema {
        ParquetSchema(columns.map { column in
            switch column.type {
            case .text(let dictionary): ParquetColumn(column.name, .string, optional: column.optional, dictionary: dictionary)
            case .integer: ParquetColumn(column.name, .int64, optional: column.optional)
            case .flag: ParquetColumn(column.name, .boolean, optional: column.optional)
            case .time: ParquetColumn(column.name, .timestampMicros, optional: column.optional)
            }
        } + [
            ParquetColumn("_op", .string, dictionary: true), ParquetColumn("_lsn", .int64),
            ParquetColumn("_changed_at", .timestampMicros),
        ])
    }
}

extension StagedTable {
    static let text = ColumnType.text(dictionary: false)
    static let code = ColumnType.text(dictionary: true)

    /// Every table the nightly run extracts (issue #5: payments, customers, subscriptions, disputes, refunds,
    /// merchants, balance transactions). `seq` is the OLTP row order; `review_id` arrived with the fraud flow,
    /// `payment_intent_id` with PaymentIntents, a customer's `default_source` with customer sources.
    public static let all: [StagedTable] = [
        StagedTable("payment", source: "charges", [
            ("seq", .integer, false), ("id", text, false), ("account_id", code, false), ("created", .time, false),
            ("amount", .integer, false), ("amount_captured", .integer, false), ("amount_refunded", .integer, false),
            ("currency", code, false), ("captured", .flag, false), ("paid", .flag, false), ("refunded", .flag, false),
            ("disputed", .flag, false), ("status", code, false), ("customer_id", text, true), ("description", text, true),
            ("receipt_email", text, true), ("statement_descriptor", text, true), ("payment_method_id", text, false),
            ("card_brand", code, false), ("card_last4", text, false), ("card_exp_month", .integer, false),
            ("card_exp_year", .integer, false), ("card_funding", code, false), ("card_country", code, false),
            ("card_fingerprint", text, false), ("failure_code", code, true), ("failure_message", text, true),
            ("decline_code", code, true), ("outcome_type", code, false), ("outcome_network_status", code, false),
            ("outcome_risk_level", code, false), ("outcome_risk_score", .integer, false), ("outcome_reason", code, true),
            ("outcome_seller_message", text, false), ("balance_transaction_id", text, true),
            ("funds_available_immediately", .flag, false), ("metadata", text, false), ("livemode", .flag, false),
            ("review_id", text, true), ("payment_intent_id", text, true), ("three_d_secure", code, true),
        ]),
        StagedTable("customer", source: "customers", [
            ("seq", .integer, false), ("id", text, false), ("account_id", code, false), ("created", .time, false),
            ("email", text, true), ("name", text, true), ("description", text, true), ("phone", text, true),
            ("address", text, true), ("default_payment_method", text, true), ("balance", .integer, false),
            ("metadata", text, false), ("deleted", .flag, false), ("livemode", .flag, false),
            ("default_source", text, true),
        ]),
        StagedTable("merchant", source: "accounts", [
            ("seq", .integer, false), ("id", text, false), ("created", .time, false), ("is_platform", .flag, false),
            ("type", code, false), ("country", code, false), ("email", text, true), ("default_currency", code, false),
            ("business_profile", text, false), ("metadata", text, false), ("livemode", .flag, false),
        ]),
        StagedTable("subscription", source: "subscriptions", [
            ("seq", .integer, false), ("id", text, false), ("account_id", code, false), ("created", .time, false),
            ("customer_id", text, false), ("status", code, false), ("items", text, false), ("currency", code, false),
            ("default_payment_method", text, true), ("current_period_start", .time, false),
            ("current_period_end", .time, false), ("cancel_at_period_end", .flag, false), ("canceled_at", .time, true),
            ("ended_at", .time, true), ("latest_charge_id", text, true), ("metadata", text, false),
            ("livemode", .flag, false),
        ]),
        StagedTable("dispute", source: "disputes", [
            ("seq", .integer, false), ("id", text, false), ("account_id", code, false), ("created", .time, false),
            ("charge_id", text, false), ("amount", .integer, false), ("currency", code, false), ("reason", code, false),
            ("status", code, false), ("evidence", text, false), ("submission_count", .integer, false),
            ("due_by", .time, false), ("metadata", text, false), ("livemode", .flag, false),
            ("payment_intent_id", text, true),
        ]),
        StagedTable("refund", source: "refunds", [
            ("seq", .integer, false), ("id", text, false), ("account_id", code, false), ("created", .time, false),
            ("charge_id", text, false), ("amount", .integer, false), ("currency", code, false), ("status", code, false),
            ("reason", code, true), ("balance_transaction_id", text, true), ("metadata", text, false),
            ("livemode", .flag, false), ("payment_intent_id", text, true),
        ]),
        StagedTable("balance_transaction", source: "balance_transactions", [
            ("seq", .integer, false), ("id", text, false), ("account_id", code, false), ("created", .time, false),
            ("amount", .integer, false), ("currency", code, false), ("fee", .integer, false), ("net", .integer, false),
            ("type", code, false), ("reporting_category", code, false), ("source_id", text, false),
            ("available_on", .time, false), ("description", text, true), ("livemode", .flag, false),
        ]),
    ]
}
