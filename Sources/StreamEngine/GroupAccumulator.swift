/// The running state of one group in one window: counts, and the latencies when the query keeps them. It records
/// how much of itself has been made durable, so the processor writes only what is new (a delta) at each checkpoint.
public struct GroupAccumulator: Sendable, Equatable {
    public private(set) var count: Int64 = 0
    public private(set) var serverErrors: Int64 = 0
    public private(set) var latencies: [Double] = []
    public private(set) var latencySum: Double = 0
    var durableCount: Int64 = 0
    var durableErrors: Int64 = 0
    var durableLatencies = 0

    public init() {}

    @inline(__always)
    mutating func add(statusCode: Int32, latency: Double, keepLatency: Bool) {
        count += 1
        if statusCode >= 500 { serverErrors += 1 }
        if keepLatency { latencies.append(latency) } else { latencySum += latency }
    }

    /// What has not been made durable yet.
    public var delta: Delta {
        Delta(count: count - durableCount, serverErrors: serverErrors - durableErrors,
              latencies: Array(latencies[durableLatencies...]))
    }

    mutating func markDurable() {
        durableCount = count
        durableErrors = serverErrors
        durableLatencies = latencies.count
    }

    /// Adds a delta read back from durable state (already durable).
    public mutating func restore(_ delta: Delta) {
        count += delta.count
        serverErrors += delta.serverErrors
        latencies += delta.latencies
        markDurable()
    }

    /// A part of a group's state, as written at one checkpoint.
    public struct Delta: Sendable, Equatable {
        public var count: Int64
        public var serverErrors: Int64
        public var latencies: [Double]

        public init(count: Int64, serverErrors: Int64, latencies: [Double]) {
            self.count = count
            self.serverErrors = serverErrors
            self.latencies = latencies
        }

        public var isEmpty: Bool { count == 0 }

        /// The latencies as little-endian IEEE 754 doubles (a BLOB / BYTEA).
        public var latencyBytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(latencies.count * 8)
            for value in latencies {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
            }
            return bytes
        }

        public static func latencies(from bytes: [UInt8]) -> [Double] {
            precondition(bytes.count % 8 == 0, "a latency blob holds whole doubles")
            var values: [Double] = []
            values.reserveCapacity(bytes.count / 8)
            var index = 0
            while index < bytes.count {
                var bits: UInt64 = 0
                for offset in 0..<8 { bits |= UInt64(bytes[index + offset]) << (8 * offset) }
                values.append(Double(bitPattern: bits))
                index += 8
            }
            return values
        }
    }
}
