import RemitSQL

/// An event as a webhook endpoint pinned to another Stripe API version receives it (research/payment-intents.md §8:
/// "Events sent to this endpoint will be generated with this Stripe Version"): rendered once per distinct endpoint
/// version, in the event's transaction, when the object's shape depends on the version. Delivery takes the
/// rendering of its endpoint's version, else the event's own payload.
enum Migration0023EventRenderings {
    static let migration = Migration(id: 23, name: "event renderings") { _ in
        [
            """
            CREATE TABLE event_renderings (
                event_id TEXT NOT NULL, api_version TEXT NOT NULL, created BIGINT NOT NULL, payload TEXT NOT NULL,
                PRIMARY KEY (event_id, api_version)
            )
            """,
            "CREATE INDEX event_renderings_created ON event_renderings (created)",
        ]
    }
}
