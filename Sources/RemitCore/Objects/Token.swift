/// A card token (`tok_`): card details exchanged once for an id that a charge, a customer or a PaymentMethod uses
/// in their place, a single time (research/payment-intents.md §6). Never holds the number.
public struct Token: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var used: Bool
    /// The card as the token shows it; `cardID` is the `card_…` a charge made from it carries.
    public var card: Card
    public var cardID: String
    public var issuerPrefix: String
    public var cardholderName: String?
    public var clientIP: String?
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, used: Bool = false, card: Card, cardID: String,
                issuerPrefix: String, cardholderName: String? = nil, clientIP: String? = nil, livemode: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.used = used
        self.card = card
        self.cardID = cardID
        self.issuerPrefix = issuerPrefix
        self.cardholderName = cardholderName
        self.clientIP = clientIP
        self.livemode = livemode
    }

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("token")),
            ("card", card.sourceJSON(id: cardID, customer: .none, cvcCheck: "unchecked", name: cardholderName)),
            ("client_ip", .optional(clientIP)), ("created", .int(created)), ("livemode", .bool(livemode)),
            ("type", .string("card")), ("used", .bool(used)),
        ])
    }
}
