import Foundation
import RemitCore
import RemitSQL
import RemitStore

extension WebhookEndpoint {
    public init(row: SQLRow) {
        let events = (try? JSONSerialization.jsonObject(with: Data(row.string("enabled_events").utf8))) as? [String] ?? []
        self.init(id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
                  url: row.string("url"), description: row.optionalString("description"), enabledEvents: events,
                  metadata: Metadata(storageText: row.string("metadata")), apiVersion: row.optionalString("api_version"),
                  status: row.string("status"), livemode: row.bool("livemode"),
                  disabledReason: row.optionalString("disabled_reason"), deleted: row.bool("deleted"))
    }
}

extension LedgerReader {
    /// A webhook endpoint that is not deleted (never with its secret).
    public func webhookEndpoint(_ id: String) async throws -> WebhookEndpoint? {
        try await connection.queryFirst(
            "SELECT * FROM webhook_endpoints WHERE id = \(id) AND account_id = \(accountID) AND deleted = 0"
        ).map(WebhookEndpoint.init(row:))
    }
}
