import Crypto
import Foundation
import GradientBoosting

/// A model the fraud check can use: a tree ensemble over exactly ``FeatureSchema/current``'s features.
public struct FraudModel: Sendable {
    public let version: String
    public let ensemble: TreeEnsemble
    /// SHA-256 of the model file, hex.
    public let sha256: String

    /// Checks that the model reads the current features, by name and in order.
    public init(version: String, json: Data) throws(ModelError) {
        let ensemble = try TreeEnsemble(xgboostJSON: json)
        let expected = FeatureSchema.current.names
        guard ensemble.featureNames == expected else {
            throw ModelError("the model's features (\(ensemble.featureNames.joined(separator: ", "))) are not Remit's "
                + "fraud features in order (\(expected.joined(separator: ", ")))")
        }
        guard ensemble.objective == .logistic else { throw ModelError("a fraud model must output probabilities (binary:logistic)") }
        self.version = version
        self.ensemble = ensemble
        sha256 = SHA256.hash(data: json).map { String(format: "%02x", $0) }.joined()
    }

    /// Builds what explaining a decision needs (TreeSHAP's leaf-subset table, tens of milliseconds for 200 trees of
    /// depth 6), so the first review or block after the model goes live does not wait for it.
    public func prepareExplanations() {
        ensemble.prepareExplanations()
    }

    /// The fraud probability of one charge.
    @inline(__always)
    public func score(_ vector: FeatureVector) -> Double {
        Double(vector.values.withUnsafeBufferPointer { ensemble.predict($0) })
    }
}
