import Foundation

/// The processing fee charged on each captured charge: a rate in basis points plus a fixed amount.
///
/// The default is Stripe's US standard pricing, 2.9% + 30 minor units. The percentage part rounds half up,
/// in integer arithmetic.
public struct FeePolicy: Sendable, Hashable {
    /// Hundredths of a percent: 290 is 2.9%.
    public var rateBasisPoints: Int64
    /// Minor units added to every fee.
    public var fixedMinorUnits: Int64

    public init(rateBasisPoints: Int64 = 290, fixedMinorUnits: Int64 = 30) {
        precondition(rateBasisPoints >= 0 && rateBasisPoints <= 10_000 && fixedMinorUnits >= 0)
        self.rateBasisPoints = rateBasisPoints
        self.fixedMinorUnits = fixedMinorUnits
    }

    /// The fee for a captured amount; never more than the amount itself.
    public func fee(for amount: Int64) -> Int64 {
        precondition(amount >= 0 && amount <= Currency.maximumAmount)
        let proportional = (amount * rateBasisPoints + 5_000) / 10_000
        return min(amount, proportional + fixedMinorUnits)
    }

    /// Parses `"2.9%+30"`, the form used on the command line and in `REMIT_FEE`.
    public init?(parsing text: String) {
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "+")
        guard parts.count == 2, parts[0].hasSuffix("%"), let fixed = Int64(parts[1]), fixed >= 0 else { return nil }
        let percent = parts[0].dropLast()
        let pieces = percent.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let whole = Int64(pieces[0]) else { return nil }
        var fraction: Int64 = 0
        if pieces.count == 2 {
            let digits = String(pieces[1])
            guard digits.count <= 2, let value = Int64(digits) else { return nil }
            fraction = digits.count == 1 ? value * 10 : value
        }
        let basisPoints = whole * 100 + fraction
        guard basisPoints <= 10_000 else { return nil }
        self.init(rateBasisPoints: basisPoints, fixedMinorUnits: fixed)
    }
}
