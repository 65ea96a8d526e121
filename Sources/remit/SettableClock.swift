import Foundation
import Synchronization

/// A clock a generator moves by hand (`remit bench etl`, `remit demo`): the ledger stamps each simulated request,
/// change and log document with the time it is set to.
final class SettableClock: Sendable {
    private let now: Mutex<Date>
    init(_ date: Date) { now = Mutex(date) }
    var date: Date { now.withLock { $0 } }
    func set(_ date: Date) { now.withLock { $0 = date } }
}
