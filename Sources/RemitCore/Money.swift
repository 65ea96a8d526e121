/// Integer minor units of one currency. Never floating point.
public struct Money: Hashable, Sendable {
    public var amount: Int64
    public var currency: Currency

    public init(_ amount: Int64, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// Adds two amounts of the same currency; overflow is a programmer error (amounts are bounded by validation).
    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "adding \(lhs.currency) to \(rhs.currency)")
        let (sum, overflow) = lhs.amount.addingReportingOverflow(rhs.amount)
        precondition(!overflow, "money overflow")
        return Money(sum, lhs.currency)
    }

    public static prefix func - (value: Money) -> Money {
        Money(-value.amount, value.currency)
    }
}
