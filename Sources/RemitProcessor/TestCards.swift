import RemitCore

/// Stripe's test card numbers, tokens and PaymentMethod ids, and what each does.
public enum TestCards {
    struct Entry {
        let number: String
        let scenario: TestScenario
        let funding: String
        let country: String
        /// False for the decline cards Stripe refuses to attach to a customer.
        let passesCardCheck: Bool
        let threeDSecure: ThreeDSecureSupport
    }

    public static let declined = "Your card was declined."

    static let byNumber: [String: Entry] = {
        var table: [String: Entry] = [:]
        func add(_ number: String, _ scenario: TestScenario, funding: String = "credit", country: String = "US",
                 threeDSecure: ThreeDSecureSupport = .notEnrolled) {
            var passesCardCheck = true
            if case .decline = scenario { passesCardCheck = attachableDeclines.contains(number) }
            table[number] = Entry(number: number, scenario: scenario, funding: funding, country: country,
                                  passesCardCheck: passesCardCheck, threeDSecure: threeDSecure)
        }
        add("4242424242424242", .success)
        add("4000056655665556", .success, funding: "debit")
        add("5555555555554444", .success)
        add("2223003122003222", .success)
        add("5200828282828210", .success, funding: "debit")
        add("378282246310005", .success, threeDSecure: .notSupported)
        add("371449635398431", .success)
        add("6011111111111117", .success)
        add("3056930009020004", .success)
        add("3566002020360505", .success, country: "JP")
        add("6200000000000005", .success, country: "CN")
        add("4000002500000003", .success, country: "FR")
        add("4000002760000016", .success, country: "DE")
        add("4000008260000000", .success, country: "GB")
        add("4000001240000000", .success, country: "CA")
        add("4000000760000002", .success, country: "BR")
        add("4000003920000003", .success, country: "JP")
        add("4000000000000077", .bypassPending)
        add("4000000000000002", .decline(code: "card_declined", declineCode: "generic_decline", message: declined))
        add("4000000000009995", .decline(code: "card_declined", declineCode: "insufficient_funds",
                                         message: "Your card has insufficient funds."))
        add("4000000000009987", .decline(code: "card_declined", declineCode: "lost_card", message: declined))
        add("4000000000009979", .decline(code: "card_declined", declineCode: "stolen_card", message: declined))
        add("4000000000000069", .decline(code: "expired_card", declineCode: "expired_card",
                                         message: "Your card has expired."))
        add("4000000000000127", .decline(code: "incorrect_cvc", declineCode: "incorrect_cvc",
                                         message: "Your card's security code is incorrect."))
        add("4000000000000119", .decline(code: "processing_error", declineCode: "processing_error",
                                         message: "An error occurred while processing your card. Try again in a little bit."))
        add("4000000000000341", .decline(code: "card_declined", declineCode: "generic_decline", message: declined))
        add("4100000000000019", .blocked(riskLevel: "highest"))
        add("4000000000004954", .blocked(riskLevel: "highest"))
        add("4000000000009235", .elevatedRisk)
        // 3-D Secure (research/payment-intents.md §3).
        add("4000002500003155", .success, threeDSecure: .unlessSetUp)
        add("4000002760003184", .success, threeDSecure: .always)
        add("4000003800000446", .success, threeDSecure: .onSessionOnly)
        add("4000008260003178", .decline(code: "card_declined", declineCode: "insufficient_funds",
                                         message: "Your card has insufficient funds."),
            threeDSecure: .always)
        add("4000000000003220", .success, threeDSecure: .always)
        add("4000000000003063", .success, threeDSecure: .always)
        add("4000008400000027", .success, threeDSecure: .always)
        add("4000008400001629", .decline(code: "card_declined", declineCode: "card_declined", message: declined),
            threeDSecure: .always)
        add("4000000000003055", .success, threeDSecure: .optional)
        add("4000000032200000", .success, threeDSecure: .optional)
        add("4000000000000259", .dispute(reason: "fraudulent", status: .needsResponse))
        add("4000000000002685", .dispute(reason: "product_not_received", status: .needsResponse))
        add("4000000000001976", .dispute(reason: "general", status: .warningNeedsResponse))
        return table
    }()

    /// The decline cards that still attach to a customer ("Attaching this card to a Customer object succeeds, but
    /// attempts to charge the customer fail"); every other decline card fails the check at attachment.
    static let attachableDeclines: Set<String> = ["4000000000000341"]

    /// The entries by what a saved card keeps of its number: the first eight digits and the last four. Distinct
    /// for every test card (a test checks it).
    static let byTruncatedNumber: [String: Entry] = {
        var table: [String: Entry] = [:]
        for (number, entry) in byNumber { table[truncated(number)] = entry }
        return table
    }()

    static func truncated(_ number: String) -> String { String(number.prefix(8)) + "…" + String(number.suffix(4)) }

    /// Token and PaymentMethod names (without the `tok_` / `pm_card_` prefix) to card numbers.
    static let byName: [String: String] = [
        "visa": "4242424242424242", "visa_debit": "4000056655665556", "mastercard": "5555555555554444",
        "mastercard_debit": "5200828282828210", "amex": "378282246310005", "discover": "6011111111111117",
        "diners": "3056930009020004", "jcb": "3566002020360505", "unionpay": "6200000000000005",
        "fr": "4000002500000003", "de": "4000002760000016", "gb": "4000008260000000", "ca": "4000001240000000",
        "br": "4000000760000002", "jp": "4000003920000003",
        "bypassPending": "4000000000000077",
        "chargeDeclined": "4000000000000002", "visa_chargeDeclined": "4000000000000002",
        "chargeDeclinedInsufficientFunds": "4000000000009995",
        "visa_chargeDeclinedInsufficientFunds": "4000000000009995",
        "chargeDeclinedLostCard": "4000000000009987", "visa_chargeDeclinedLostCard": "4000000000009987",
        "chargeDeclinedStolenCard": "4000000000009979", "visa_chargeDeclinedStolenCard": "4000000000009979",
        "chargeDeclinedExpiredCard": "4000000000000069", "visa_chargeDeclinedExpiredCard": "4000000000000069",
        "chargeDeclinedIncorrectCvc": "4000000000000127", "visa_chargeDeclinedIncorrectCvc": "4000000000000127",
        "chargeDeclinedProcessingError": "4000000000000119",
        "visa_chargeDeclinedProcessingError": "4000000000000119",
        "chargeCustomerFail": "4000000000000341", "visa_chargeCustomerFail": "4000000000000341",
        "chargeDeclinedFraudulent": "4100000000000019", "radarBlock": "4100000000000019",
        "visa_chargeDeclinedFraudulent": "4100000000000019",
        "riskLevelHighest": "4000000000004954", "riskLevelElevated": "4000000000009235",
        "createDispute": "4000000000000259", "createDisputeProductNotReceived": "4000000000002685",
        "createDisputeInquiry": "4000000000001976",
        "authenticationRequiredOnSetup": "4000002500003155", "authenticationRequired": "4000002760003184",
        "authenticationRequiredSetupForOffSession": "4000003800000446",
        "authenticationRequiredChargeDeclinedInsufficientFunds": "4000008260003178",
        "threeDSecure2Required": "4000000000003220", "threeDSecureRequired": "4000000000003063",
        "threeDSecureRequiredChargeDeclined": "4000008400001629", "threeDSecureOptional": "4000000000003055",
        "amex_threeDSecureNotSupported": "378282246310005",
    ]
}
