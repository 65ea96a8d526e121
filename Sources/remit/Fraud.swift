import ArgumentParser
import RemitCommandSupport

struct Fraud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fraud models: train gradient-boosted trees, score CSV files, manage the model registry.",
        subcommands: [FraudTrain.self, FraudPredict.self, FraudModels.self, FraudLoadBins.self, FraudLoadIPRanges.self,
                      FraudLoadDomains.self, FraudExport.self, FraudRetrain.self,
                      FraudThresholds.self])
}
