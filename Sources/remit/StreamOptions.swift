import ArgumentParser
import RemitCommandSupport
import RemitApp
import RemitStreaming
import StreamEngine

/// The stream processor's options, shared by `serve` and `stream run`.
struct StreamOptions: ParsableArguments {
    @Option(name: .customLong("out-of-order-tolerance"),
            help: "Events this far behind the newest are taken as they are (default 0s, Azure's; or REMIT_STREAM_OUT_OF_ORDER).")
    var outOfOrderTolerance: DurationArgument?

    @Option(name: .customLong("late-arrival-tolerance"),
            help: "A live event received this long after its time is late (default 5s; or REMIT_STREAM_LATE_ARRIVAL).")
    var lateArrivalTolerance: DurationArgument?

    @Option(name: .customLong("late-policy"), help: "adjust (default: take it at the latest acceptable time) or drop.")
    var latePolicy: String?

    @Option(name: .customLong("window-boundary"),
            help: "end-inclusive (default, Azure's: an event on a boundary ends the earlier window) or start-inclusive.")
    var windowBoundary: String?

    @Option(name: .customLong("stream-min-requests"),
            help: "Requests a merchant's minute needs before its error rate can breach (default 20).")
    var minimumRequests: Int64?

    func apply(to configuration: inout RemitConfiguration) throws {
        func ms(_ argument: DurationArgument) -> Int64 {
            argument.duration.components.seconds * 1000 + argument.duration.components.attoseconds / 1_000_000_000_000_000
        }
        if let outOfOrderTolerance { configuration.stream.policy.outOfOrderToleranceMs = ms(outOfOrderTolerance) }
        if let lateArrivalTolerance { configuration.stream.policy.lateArrivalToleranceMs = ms(lateArrivalTolerance) }
        if let latePolicy {
            guard let value = EventTimePolicy.LatePolicy(rawValue: latePolicy) else {
                throw ValidationError("--late-policy must be adjust or drop")
            }
            configuration.stream.policy.latePolicy = value
        }
        if let windowBoundary {
            guard let value = EventTimePolicy.Boundary(rawValue: windowBoundary) else {
                throw ValidationError("--window-boundary must be end-inclusive or start-inclusive")
            }
            configuration.stream.policy.boundary = value
        }
        if let minimumRequests {
            guard minimumRequests >= 1 else { throw ValidationError("--stream-min-requests must be at least 1") }
            configuration.stream.minimumRequests = minimumRequests
        }
    }
}
