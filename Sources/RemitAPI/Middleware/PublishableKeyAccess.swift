import HTTPTypes

/// What a publishable key may call: what Stripe.js does in the browser (research/payment-intents.md §7): create
/// PaymentMethods and tokens; retrieve and confirm a PaymentIntent, and retrieve, confirm and cancel a SetupIntent,
/// each with its client secret (checked by the intent's controller). Anything else answers 401
/// `secret_key_required`.
enum PublishableKeyAccess {
    static func allows(_ method: HTTPRequest.Method, path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "v1" else { return false }
        switch (method, parts.count) {
        case (.post, 2):
            return parts[1] == "payment_methods" || parts[1] == "tokens"
        case (.get, 3):
            return parts[1] == "payment_intents" || parts[1] == "setup_intents"
        case (.post, 4):
            switch parts[1] {
            case "payment_intents": return parts[3] == "confirm"
            case "setup_intents": return parts[3] == "confirm" || parts[3] == "cancel"
            default: return false
            }
        default:
            return false
        }
    }
}
