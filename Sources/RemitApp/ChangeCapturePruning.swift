import Foundation
import Prometheus
import RemitAPI
import RemitCore
import RemitStore

extension RemitRuntime {
    /// Deletes the change capture that the ETL has published and that is older than `retention` (the daily job in
    /// `remit serve`, and `remit etl prune`), and records the count in `/metrics`.
    public func pruneChangeCapture(retention: Duration,
                                   progress: @Sendable (ChangeCaptureRetention.Report) -> Void = { _ in })
        async throws -> ChangeCaptureRetention.Report {
        let cutoff = Timestamp.iso8601(ledger.clock.now().addingTimeInterval(-Double(retention.components.seconds)))
        let report = try await ChangeCaptureRetention(database: store.database).prune(olderThan: cutoff, progress: progress)
        let registry = metrics.registry
        registry.makeCounter(descriptor: .init(
            namespace: "remit", subsystem: "change_capture", metricName: "pruned", unitName: "total",
            helpText: "Change-capture rows deleted after the ETL published them and their retention passed"))
            .increment(by: Int64(report.deleted))
        registry.makeGauge(descriptor: .init(
            namespace: "remit", subsystem: "change_capture", metricName: "pruned_through", unitName: "lsn",
            helpText: "Every change at or below this LSN may have been pruned"))
            .set(Double(report.prunedThrough))
        return report
    }
}
