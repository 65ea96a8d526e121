import ArgumentParser
import RemitCommandSupport
import RemitFraud
import RemitStore

struct FraudThresholds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thresholds",
        abstract: "Per-merchant fraud thresholds (running servers follow within 10 s; others use the global ones).",
        subcommands: [Set.self, Clear.self, List.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a merchant its own block and review scores.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The merchant's account id (acct_…).") var account: String
        @Option(help: "Score that blocks.") var block: Double
        @Option(help: "Score that sends to review.") var review: Double

        func run() async throws {
            let account = self.account, policy = FraudPolicy(blockThreshold: block, reviewThreshold: review)
            try await withReferenceStore(store) { try await $0.setThresholds(account: account, policy) }
            print("\(account): block at \(block), review at \(review)")
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return a merchant to the global thresholds.")
        @OptionGroup var store: StoreOptions
        @Argument var account: String

        func run() async throws {
            let account = self.account
            try await withReferenceStore(store) { try await $0.setThresholds(account: account, nil) }
            print("\(account): global thresholds")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List merchants with their own thresholds.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withReferenceStore(store) { references in
                let all = try await references.thresholds()
                if all.isEmpty { print("no merchant has its own thresholds") }
                for (account, policy) in all.sorted(by: { $0.key < $1.key }) {
                    print("\(account)\tblock \(policy.blockThreshold)\treview \(policy.reviewThreshold)")
                }
            }
        }
    }
}
