import RemitSQL

/// Fraud scoring: the feature vector of every charge (with its score, decision and later dispute label),
/// Stripe-shaped reviews, the model registry and the reference tables behind the country and domain features.
enum Migration0005Fraud {
    static let migration = Migration(id: 5, name: "fraud") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        return [
            "ALTER TABLE charges ADD COLUMN review_id TEXT",
            """
            CREATE TABLE fraud_features (
                charge_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, risk_key TEXT NOT NULL, created BIGINT NOT NULL,
                amount_major DOUBLE PRECISION NOT NULL, approved INTEGER NOT NULL, device TEXT, vector TEXT NOT NULL,
                score DOUBLE PRECISION, model_version TEXT, decision TEXT NOT NULL, applied INTEGER NOT NULL,
                shadow_score DOUBLE PRECISION, shadow_model_version TEXT, explanation TEXT,
                disputed_at BIGINT, dispute_reason TEXT, label INTEGER
            )
            """,
            // The key's history, newest first, with what the amount features read (index-only scans).
            "CREATE INDEX fraud_features_key ON fraud_features (account_id, risk_key, created, approved, amount_major)",
            "CREATE INDEX fraud_features_device ON fraud_features (account_id, risk_key, device) WHERE device IS NOT NULL",
            "CREATE INDEX fraud_features_disputed ON fraud_features (account_id, risk_key, disputed_at) WHERE disputed_at IS NOT NULL",
            "CREATE INDEX fraud_features_account ON fraud_features (account_id, created)",
            """
            CREATE TABLE reviews (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, charge_id TEXT NOT NULL,
                created BIGINT NOT NULL, open INTEGER NOT NULL, reason TEXT NOT NULL, opened_reason TEXT NOT NULL,
                closed_reason TEXT, closed_at BIGINT, ip_address TEXT, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX reviews_account ON reviews (account_id, seq)",
            "CREATE UNIQUE INDEX reviews_charge ON reviews (charge_id)",
            """
            CREATE TABLE fraud_models (
                version TEXT PRIMARY KEY, created BIGINT NOT NULL, sha256 TEXT NOT NULL, schema_hash TEXT NOT NULL,
                status TEXT NOT NULL, model_json TEXT NOT NULL, description TEXT, metrics TEXT, promoted_at BIGINT
            )
            """,
            "CREATE TABLE fraud_card_bins (prefix TEXT PRIMARY KEY, country TEXT NOT NULL)",
            "CREATE TABLE fraud_ip_ranges (first_ip BIGINT PRIMARY KEY, last_ip BIGINT NOT NULL, country TEXT NOT NULL)",
            "CREATE TABLE fraud_email_domains (domain TEXT PRIMARY KEY, registered_on BIGINT NOT NULL)",
            """
            CREATE TABLE fraud_thresholds (
                account_id TEXT PRIMARY KEY, block_threshold DOUBLE PRECISION NOT NULL,
                review_threshold DOUBLE PRECISION NOT NULL
            )
            """,
            // Bumped by every load, so running nodes notice and reload.
            "CREATE TABLE fraud_reference_versions (kind TEXT PRIMARY KEY, version BIGINT NOT NULL)",
            // The scheduler's runs: one row per job and period, claimed by exactly one node.
            """
            CREATE TABLE scheduled_runs (
                job TEXT NOT NULL, period TEXT NOT NULL, node TEXT NOT NULL, started BIGINT NOT NULL,
                finished BIGINT, outcome TEXT, PRIMARY KEY (job, period)
            )
            """,
        ]
    }
}
