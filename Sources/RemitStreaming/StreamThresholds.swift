/// The seed's alert thresholds for the stream metrics (Flow 3, "Métriques Stream Analytics").
public struct StreamThresholds: Sendable, Equatable {
    /// Input events per second over the last minute above this alerts (the seed: 50,000).
    public var inputEventsPerSecond: Double = 50_000
    /// A live window emitted later than this after its end alerts (the seed: 60 s).
    public var processingLatencyMs: Int64 = 60_000
    /// The live watermark this far behind the wall clock alerts (the seed: 2 min).
    public var watermarkDelayMs: Int64 = 120_000
    /// Any runtime error alerts (the seed: 0).
    public var runtimeErrors: Int64 = 0
    /// Documents that do not convert, as a share of the input over the last minute (the seed: 1 %).
    public var conversionErrorRate: Double = 0.01

    public init() {}
}
