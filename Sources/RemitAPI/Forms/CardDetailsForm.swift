import RemitCore
import RemitProcessor

/// The raw card details of a card hash (`source[…]` on a charge, `card[…]` on a PaymentMethod).
enum CardDetailsForm {
    static let numberLengthMax = 30
    static let cvcLengthMax = 4

    /// `number`, `exp_month`, `exp_year` (required) and `cvc`; the caller reads the hash's other keys and finishes it.
    static func read(_ card: inout FormReader) throws(StripeError) -> PaymentInstrument {
        let number = try card.requiredString("number", maxLength: numberLengthMax)
        guard let month = try card.int("exp_month") else { throw StripeError.missing(card.name("exp_month")) }
        guard let year = try card.int("exp_year") else { throw StripeError.missing(card.name("exp_year")) }
        let cvc = try card.string("cvc", maxLength: cvcLengthMax)
        return .rawCard(number: number, expMonth: month, expYear: year, cvc: cvc)
    }
}
