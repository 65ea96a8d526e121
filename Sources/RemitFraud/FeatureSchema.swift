import Crypto
import Foundation

/// The names, order and definitions of the model's features, and a hash of them that a model must carry.
public struct FeatureSchema: Sendable, Equatable {
    public let names: [String]
    public let hash: String

    public static let current = FeatureSchema(features: FraudFeature.allCases)

    init(features: [FraudFeature]) {
        names = features.map(\.name)
        let text = features.map { "\($0.name): \($0.definition)" }.joined(separator: "\n")
        hash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description
    }
}
