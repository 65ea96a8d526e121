import Foundation

/// The name a node's workers give themselves in leases and claims (`host:pid`, with the worker's role): another
/// node, or a restart, is a different owner.
public enum NodeIdentity {
    public static var current: String {
        ProcessInfo.processInfo.hostName + ":\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// The owner name of one worker of this node, e.g. `host:4242:stream`.
    public static func worker(_ role: String) -> String { current + ":" + role }
}
