import RemitCore

/// The built-in processor: Stripe's test-mode behaviour for every test instrument, and plain
/// approval for any other Luhn-valid number.
public struct Simulator: CardProcessor {
    /// The year against which expiry dates are checked (injected for deterministic tests).
    let currentYear: Int64
    let currentMonth: Int64
    let fingerprints: CardFingerprints

    public init(currentYear: Int64, currentMonth: Int64, fingerprints: CardFingerprints) {
        self.currentYear = currentYear
        self.currentMonth = currentMonth
        self.fingerprints = fingerprints
    }

    public func resolve(_ instrument: PaymentInstrument, param: String) throws(StripeError) -> ResolvedCard {
        switch instrument {
        case .reference(let id):
            guard let number = Self.number(forReference: id) else {
                let noun = id.hasPrefix("pm_") ? "PaymentMethod" : id.hasPrefix("card_") ? "source" : "token"
                throw StripeError.noSuch(noun, id, param: param)
            }
            var resolved = card(number: number, expMonth: 12, expYear: currentYear + 3, paymentMethodID: id)
            resolved.isNamedTestInstrument = true
            return resolved
        case .rawCard(let number, let expMonth, let expYear, _):
            let digits = number.filter { $0 != " " && $0 != "-" }
            guard digits.count >= 12, digits.count <= 19, digits.allSatisfy(\.isNumber), Luhn.isValid(digits) else {
                throw StripeError(type: .card, code: "incorrect_number",
                                  message: "Your card number is incorrect.", param: "\(param)[number]")
            }
            let year = try checkedExpiry(month: expMonth, year: expYear, param: param)
            let id = fingerprints.cardID(number: digits, expMonth: expMonth, expYear: year)
            return card(number: digits, expMonth: expMonth, expYear: year, paymentMethodID: id)
        }
    }

    public func checkedExpiry(month: Int64, year: Int64, param: String) throws(StripeError) -> Int64 {
        guard (1...12).contains(month) else {
            throw StripeError(type: .card, code: "invalid_expiry_month",
                              message: "Your card's expiration month is invalid.", param: "\(param)[exp_month]")
        }
        let fullYear = year < 100 ? year + 2000 : year
        guard fullYear > currentYear || (fullYear == currentYear && month >= currentMonth),
              fullYear <= currentYear + 50
        else {
            throw StripeError(type: .card, code: "invalid_expiry_year",
                              message: "Your card's expiration year is invalid.", param: "\(param)[exp_year]")
        }
        return fullYear
    }

    public func resolve(saved: SavedCard) -> ResolvedCard {
        let entry = TestCards.byTruncatedNumber[saved.issuerPrefix + "…" + saved.card.last4]
        var card = ResolvedCard(
            paymentMethodID: saved.paymentMethodID, card: saved.card, scenario: entry?.scenario ?? .success,
            issuerPrefix: saved.issuerPrefix, isNamedTestInstrument: saved.isNamedTestInstrument,
            passesCardCheck: entry?.passesCardCheck ?? true)
        card.threeDSecure = entry?.threeDSecure ?? .notEnrolled
        return card
    }

    public func checkCard(_ card: ResolvedCard) async -> Authorization.Result {
        guard !card.passesCardCheck, case .decline(let code, let declineCode, let message) = card.scenario else {
            return .approved
        }
        return .declined(code: code, declineCode: declineCode, message: message)
    }

    public func authorize(_ card: ResolvedCard, amount: Money) async -> Authorization {
        let score = 5 + Int64(StableHash.fnv1a(card.card.fingerprint + ":\(amount.amount)") % 40)
        if card.threeDSecure.requiresAuthentication(card.authentication), !card.authentication.authenticated {
            let outcome = Outcome(type: "issuer_declined", networkStatus: "declined_by_network", riskLevel: "normal",
                                  riskScore: score, reason: "authentication_required",
                                  sellerMessage: "The bank returned the decline code `authentication_required`.")
            return Authorization(result: .declined(code: "authentication_required", declineCode: "authentication_required",
                                                   message: Self.authenticationRequired), outcome: outcome)
        }
        let approved = Outcome(type: "authorized", networkStatus: "approved_by_network", riskLevel: "normal",
                               riskScore: score, reason: nil, sellerMessage: "Payment complete.")
        switch card.scenario {
        case .success:
            return Authorization(result: .approved, outcome: approved)
        case .bypassPending:
            return Authorization(result: .approved, outcome: approved, fundsAvailableImmediately: true)
        case .dispute(let reason, let status):
            return Authorization(result: .approved, outcome: approved, dispute: DisputeScenario(reason: reason, status: status))
        case .elevatedRisk:
            let outcome = Outcome(type: "manual_review", networkStatus: "approved_by_network", riskLevel: "elevated",
                                  riskScore: 74, reason: "elevated_risk_level",
                                  sellerMessage: "Remit evaluated this payment as having elevated risk, and placed it in your manual review queue.")
            return Authorization(result: .approved, outcome: outcome)
        case .blocked(let riskLevel):
            let outcome = Outcome(type: "blocked", networkStatus: "not_sent_to_network", riskLevel: riskLevel,
                                  riskScore: 95, reason: "highest_risk_level",
                                  sellerMessage: "Remit blocked this payment as too risky.")
            return Authorization(result: .declined(code: "card_declined", declineCode: "fraudulent",
                                                   message: TestCards.declined), outcome: outcome)
        case .decline(let code, let declineCode, let message):
            let outcome = Outcome(type: "issuer_declined", networkStatus: "declined_by_network", riskLevel: "normal",
                                  riskScore: score, reason: declineCode,
                                  sellerMessage: "The bank did not return any further details with this decline.")
            return Authorization(result: .declined(code: code, declineCode: declineCode, message: message), outcome: outcome)
        }
    }

    public static let authenticationRequired = "Your card was declined. This transaction requires authentication."

    static func number(forReference id: String) -> String? {
        for prefix in ["tok_", "pm_card_", "card_"] where id.hasPrefix(prefix) {
            if let number = TestCards.byName[String(id.dropFirst(prefix.count))] { return number }
        }
        return nil
    }

    private func card(number: String, expMonth: Int64, expYear: Int64, paymentMethodID: String) -> ResolvedCard {
        let entry = TestCards.byNumber[number]
        let card = Card(
            brand: CardBrand.of(number), last4: String(number.suffix(4)), expMonth: expMonth, expYear: expYear,
            funding: entry?.funding ?? "credit", country: entry?.country ?? "US",
            fingerprint: fingerprints.fingerprint(ofNumber: number))
        var resolved = ResolvedCard(
            paymentMethodID: paymentMethodID, card: card, scenario: entry?.scenario ?? .success,
            issuerPrefix: String(number.prefix(8)), passesCardCheck: entry?.passesCardCheck ?? true)
        resolved.threeDSecure = entry?.threeDSecure ?? .notEnrolled
        return resolved
    }
}

/// The card network from the number's leading digits (IIN ranges).
enum CardBrand {
    static func of(_ number: String) -> String {
        let digits = Array(number.utf8.prefix(6)).map { Int($0) - 48 }
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + $1 } }
        if digits.first == 4 { return "visa" }
        if (51...55).contains(prefix(2)) || (2221...2720).contains(prefix(4)) { return "mastercard" }
        if prefix(2) == 34 || prefix(2) == 37 { return "amex" }
        if prefix(4) == 6011 || prefix(2) == 65 || (644...649).contains(prefix(3)) { return "discover" }
        if (3528...3589).contains(prefix(4)) { return "jcb" }
        if prefix(2) == 36 || prefix(2) == 38 || (300...305).contains(prefix(3)) { return "diners" }
        if prefix(2) == 62 { return "unionpay" }
        return "unknown"
    }
}

/// The Luhn checksum every card number carries.
enum Luhn {
    static func isValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard let digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
