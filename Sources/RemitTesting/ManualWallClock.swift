import Foundation
import RemitCore
import Synchronization

/// A clock a test moves by hand.
public final class ManualWallClock: Sendable {
    private let seconds: Mutex<Double>

    public init(start: Double) { seconds = Mutex(start) }

    public func advance(by interval: Double) { seconds.withLock { $0 += interval } }

    public var wallClock: WallClock {
        WallClock { [self] in Date(timeIntervalSince1970: self.seconds.withLock { $0 }) }
    }
}
