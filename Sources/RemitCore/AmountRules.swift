/// Stripe's amount rules: a positive integer, at least the currency's minimum, at most eight digits.
public enum AmountRules {
    public static func check(_ amount: Int64, _ currency: Currency, param: String = "amount") throws(StripeError) {
        guard amount > 0 else {
            throw StripeError.invalid(param, "Invalid positive integer", code: "parameter_invalid_integer")
        }
        guard amount >= currency.minimumChargeAmount else {
            throw StripeError.invalid(param, "Amount must be at least \(currency.format(currency.minimumChargeAmount))",
                                      code: "amount_too_small")
        }
        guard amount <= Currency.maximumAmount else {
            throw StripeError.invalid(param, "Amount must be no more than \(currency.format(Currency.maximumAmount))",
                                      code: "amount_too_large")
        }
    }
}
