import RemitCore

/// A validated `POST /v1/accounts`.
public struct AccountRequest: Sendable {
    public var type: String
    public var country: String
    public var email: String?
    public var defaultCurrency: Currency?
    /// `business_profile[…]` as a JSON object text.
    public var businessProfile: String
    public var metadata: Metadata

    public init(type: String = "standard", country: String = "US", email: String? = nil, defaultCurrency: Currency? = nil,
                businessProfile: String = "{}", metadata: Metadata = Metadata()) {
        self.type = type
        self.country = country
        self.email = email
        self.defaultCurrency = defaultCurrency
        self.businessProfile = businessProfile
        self.metadata = metadata
    }

    public static let types: Set<String> = ["standard", "express", "custom", "none"]

    /// The settlement currency a country's accounts default to.
    public static func defaultCurrency(forCountry country: String) -> Currency {
        let euro: Set<String> = ["AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU",
                                 "LV", "MT", "NL", "PT", "SI", "SK"]
        if euro.contains(country) { return .eur }
        let others: [String: String] = [
            "GB": "gbp", "JP": "jpy", "CA": "cad", "AU": "aud", "NZ": "nzd", "CH": "chf", "SE": "sek", "NO": "nok",
            "DK": "dkk", "PL": "pln", "CZ": "czk", "HU": "huf", "RO": "ron", "BG": "bgn", "SG": "sgd", "HK": "hkd",
            "MX": "mxn", "BR": "brl", "IN": "inr", "TH": "thb", "MY": "myr", "AE": "aed",
        ]
        return others[country].flatMap(Currency.init) ?? .usd
    }
}
