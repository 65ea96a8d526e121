import ArgumentParser
import RemitCommandSupport
import Foundation
import RemitApp
import RemitFraud
import RemitStore

/// Runs `body` with the reference-table store of the store the options name (migrated first).
func withReferenceStore(_ store: StoreOptions, _ body: @Sendable @escaping (FraudReferenceStore) async throws -> Void) async throws {
    let logger = makeLogger()
    let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
    try await runtime.withStore(logger: logger) {
        try await runtime.ledger.migrate()
        try await body(FraudReferenceStore(database: runtime.store.database))
    }
}

func readReferenceFile(_ path: String) throws -> String {
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
}

struct FraudLoadBins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-bins",
        abstract: "Replace the card BIN → issuing country table (CSV with bin and alpha_2 columns, e.g. binlist's).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The CSV file.") var file: String

    func run() async throws {
        let bins: [String: String]
        do { bins = try ReferenceFiles.cardBins(try readReferenceFile(file)) } catch let problem as ReferenceFiles.Problem {
            throw ValidationError("\(file): \(problem)")
        }
        try await withReferenceStore(store) { try await $0.replaceCardBins(bins) }
        print("loaded \(bins.count) BINs (running servers reload within 10 s)")
    }
}

struct FraudLoadIPRanges: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-ip-ranges",
        abstract: "Replace the IPv4 range → country table (DB-IP Lite or IP2Location LITE DB1 CSV).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The CSV file.") var file: String

    func run() async throws {
        let ranges: [ReferenceData.IPRange]
        do { ranges = try ReferenceFiles.ipRanges(try readReferenceFile(file)) } catch let problem as ReferenceFiles.Problem {
            throw ValidationError("\(file): \(problem)")
        }
        try await withReferenceStore(store) { try await $0.replaceIPRanges(ranges) }
        print("loaded \(ranges.count) IPv4 ranges (running servers reload within 10 s)")
    }
}

struct FraudLoadDomains: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-domains",
        abstract: "Replace the email domain → registration date table (CSV: domain,YYYY-MM-DD or Unix seconds).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The CSV file.") var file: String

    func run() async throws {
        let domains: [String: Int64]
        do { domains = try ReferenceFiles.emailDomains(try readReferenceFile(file)) } catch let problem as ReferenceFiles.Problem {
            throw ValidationError("\(file): \(problem)")
        }
        try await withReferenceStore(store) { try await $0.replaceEmailDomains(domains) }
        print("loaded \(domains.count) email domains (running servers reload within 10 s)")
    }
}
