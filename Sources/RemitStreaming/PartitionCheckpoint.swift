import Foundation
import RemitStore
import StreamEngine

/// A partition's durable state besides its open windows' parts: how far the feed was consumed, and every source's
/// watermark and alert streaks. Stored as JSON in `stream_checkpoint.state`.
struct PartitionCheckpoint: Sendable, Codable, Equatable {
    struct Source: Sendable, Codable, Equatable {
        var watermark: WatermarkTracker
        var alerts: ErrorRateAlertRule?
    }

    var sources: [String: Source] = [:]

    init() {}

    init(_ engine: StreamEngine) {
        for source in engine.sources {
            sources[source.name] = Source(watermark: source.watermark, alerts: source.alerts)
        }
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> PartitionCheckpoint {
        try JSONDecoder().decode(PartitionCheckpoint.self, from: Data(text.utf8))
    }
}

/// One partition of the feed as this processor holds it.
struct PartitionState: Sendable {
    var engine: StreamEngine
    /// The last feed position consumed for this partition.
    var position: FeedPosition
    /// Something changed since the last commit.
    var dirty = false
}
