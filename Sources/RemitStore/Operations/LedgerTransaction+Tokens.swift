import RemitCore
import RemitProcessor
import RemitSQL

/// Card tokens (research/payment-intents.md §6): `POST /v1/tokens` stores one; the first payment, customer or
/// PaymentMethod that names it uses it up, any later one gets Stripe's `token_already_used`. Stripe's named test
/// tokens (`tok_visa`) are not stored objects and work any number of times.
extension LedgerTransaction {
    public func createToken(card details: PaymentInstrument, cardholderName: String?, clientIP: String?) async throws
        -> Token
    {
        let resolved = try ledger.processor.resolve(details, param: "card")
        let token = Token(
            id: ledger.ids("tok"), accountID: accountID, created: now, card: resolved.card, cardID: ledger.ids("card"),
            issuerPrefix: resolved.issuerPrefix, cardholderName: cardholderName, clientIP: clientIP,
            livemode: context.livemode)
        try await TokenRows.insert(token, on: connection)
        return token
    }

    /// The card of a stored token, which this use spends; nil when `id` is not a stored token (a named test token,
    /// or none at all: the processor answers for those).
    func spendToken(_ id: String, param: String) async throws -> ResolvedCard? {
        guard id.hasPrefix("tok_"), let token = try await TokenRows.find(id, account: accountID, on: connection) else {
            return nil
        }
        guard try await TokenRows.use(id, account: accountID, on: connection) else {
            throw StripeError(type: .invalidRequest, code: "token_already_used",
                              message: "You cannot use a Stripe token more than once: \(id).", param: param)
        }
        return ledger.processor.resolve(saved: SavedCard(paymentMethodID: token.cardID, card: token.card,
                                                         issuerPrefix: token.issuerPrefix, isNamedTestInstrument: false))
    }
}
