import Foundation

/// The model Remit decides with until an operator promotes one: trained by Remit's own trainer on the
/// synthetic traffic generator's offline output. Regenerate it with:
///
///     remit simulate --offline --output sim.csv                      # 40,000 customers, 150 days, seed 1
///     head -n 841637 sim.csv > train.csv                              # the first 80 % of rows, by time
///     remit fraud train --input train.csv --output Sources/RemitFraud/Resources/default-fraud-model.json \
///         --trees 200 --max-depth 6 --eta 0.1
public enum DefaultFraudModel {
    public static let version = "remit-default-2026-11-25"
    static let fileName = "default-fraud-model.json"

    /// Where the model file is looked for: `REMIT_FRAUD_DEFAULT_MODEL`, the resource bundle next to the
    /// executable, then the source tree this binary was built from.
    static func candidates(environment: [String: String]) -> [URL] {
        var urls: [URL] = []
        if let path = environment["REMIT_FRAUD_DEFAULT_MODEL"], !path.isEmpty { urls.append(URL(fileURLWithPath: path)) }
        let executable = Bundle.main.bundleURL
        urls.append(executable.appendingPathComponent("Remit_RemitFraud.resources").appendingPathComponent(fileName))
        urls.append(executable.appendingPathComponent("Remit_RemitFraud.resources/Resources").appendingPathComponent(fileName))
        urls.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources").appendingPathComponent(fileName))
        return urls
    }

    /// Loaded once per process (a megabyte of JSON); nil when the file is missing or disabled.
    public static let shared: Result<FraudModel?, ModelLoadFailure> = {
        do { return .success(try load()) } catch { return .failure(ModelLoadFailure(description: "\(error)")) }
    }()

    public struct ModelLoadFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The default model, or nil when its file is not found (`REMIT_FRAUD_DEFAULT_MODEL=off` disables it).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FraudModel? {
        if environment["REMIT_FRAUD_DEFAULT_MODEL"] == "off" { return nil }
        for url in candidates(environment: environment) where FileManager.default.fileExists(atPath: url.path) {
            return try FraudModel(version: version, json: try Data(contentsOf: url))
        }
        return nil
    }
}
