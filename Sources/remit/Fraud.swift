import ArgumentParser

struct Fraud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fraud models: train gradient-boosted trees, score CSV files.",
        subcommands: [FraudTrain.self, FraudPredict.self])
}
