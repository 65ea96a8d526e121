import RemitSQL

/// Radar asks for 3-D Secure (issue #22 §4): a challenge records who asked for it (the card's issuer, the merchant's
/// `request_three_d_secure`, or the risk check in its review band) and, for the risk check, the score that asked; a
/// charge's fraud record keeps whether the payment it scored was authenticated.
enum Migration0019RadarAuthentication {
    static let migration = Migration(id: 19, name: "radar asks for 3-D Secure") { _ in
        [
            """
            ALTER TABLE payment_authentications ADD COLUMN requested_by TEXT NOT NULL DEFAULT 'issuer'
                CHECK (requested_by IN ('issuer', 'merchant', 'radar'))
            """,
            "ALTER TABLE payment_authentications ADD COLUMN risk_score BIGINT",
            "ALTER TABLE fraud_features ADD COLUMN three_d_secure TEXT",
        ]
    }
}
