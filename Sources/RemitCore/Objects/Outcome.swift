/// How the network and the risk checks judged a charge (`charge.outcome`).
public struct Outcome: Sendable, Equatable {
    public var type: String
    public var networkStatus: String
    public var riskLevel: String
    public var riskScore: Int64
    public var reason: String?
    public var sellerMessage: String

    public init(type: String, networkStatus: String, riskLevel: String, riskScore: Int64, reason: String?,
                sellerMessage: String) {
        self.type = type
        self.networkStatus = networkStatus
        self.riskLevel = riskLevel
        self.riskScore = riskScore
        self.reason = reason
        self.sellerMessage = sellerMessage
    }

    public var json: JSONValue {
        .object([
            ("advice_code", .null), ("network_advice_code", .null), ("network_decline_code", .null),
            ("network_status", .string(networkStatus)), ("reason", .optional(reason)),
            ("risk_level", .string(riskLevel)), ("risk_score", .int(riskScore)), ("rule", .null),
            ("seller_message", .string(sellerMessage)), ("type", .string(type)),
        ])
    }
}
