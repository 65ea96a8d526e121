import ArgumentParser
import RemitBenchmarks
import RemitCommandSupport
import RemitDemo

@main
struct RemitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remit",
        abstract: "A self-hosted, Stripe-compatible payments platform on an ACID ledger.",
        subcommands: [Serve.self, Migrate.self, Verify.self, Fraud.self, Simulate.self, Bench.self, Webhooks.self, ETL.self, FX.self, Logs.self, Stream.self, Demo.self],
        defaultSubcommand: Serve.self)
}
