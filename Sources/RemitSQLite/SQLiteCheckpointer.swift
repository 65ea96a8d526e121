import CSQLite
import Foundation
import RemitSQL
import Synchronization

/// Moves WAL checkpoints off the writer: the writer connection has automatic checkpoints turned off,
/// and this dedicated thread runs `PRAGMA wal_checkpoint(PASSIVE)` on its own connection every
/// `interval` (PASSIVE never blocks writers). Without it the transaction that crosses the WAL size
/// threshold copies pages to the database file (and fsyncs) while every other writer waits.
final class SQLiteCheckpointer: Sendable {
    static let interval: Duration = .milliseconds(100)
    /// WAL frames (pages) above which the WAL is restarted: about 64 MB of 4 KiB pages.
    static let restartFramesMin: Int64 = 16_384
    private let stopped = Atomic<Bool>(false)
    private let done = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(path: String, synchronous: SQLiteDatabase.Synchronous) throws {
        let handle = try SQLiteHandle(path: path, synchronous: synchronous)
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                let frames = (try? handle.run("PRAGMA wal_checkpoint(PASSIVE)").rows.first?.int("log")) ?? 0
                if frames > Self.restartFramesMin {
                    // Under steady load a passive checkpoint never catches the WAL's end, so the WAL would
                    // only grow; RESTART briefly holds new writers until the WAL can start over.
                    try? handle.exec("PRAGMA wal_checkpoint(RESTART)")
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            try? handle.exec("PRAGMA wal_checkpoint(TRUNCATE)")
            done.withLock { $0?.resume(); $0 = nil }
        }
        thread.name = "remit-sqlite-checkpoint"
        thread.start()
    }

    /// Stops the thread after a final checkpoint.
    func stop() async {
        await withCheckedContinuation { continuation in
            done.withLock { $0 = continuation }
            stopped.store(true, ordering: .releasing)
        }
    }

    deinit {
        stopped.store(true, ordering: .releasing)
    }
}
