import Foundation
import Synchronization

/// A clock a generator moves by hand (`remit bench etl`, `remit demo`): the ledger stamps each simulated request,
/// change and log document with the time it is set to.
package final class SettableClock: Sendable {
    private let now: Mutex<Date>
    package init(_ date: Date) { now = Mutex(date) }
    package var date: Date { now.withLock { $0 } }
    package func set(_ date: Date) { now.withLock { $0 = date } }
}
