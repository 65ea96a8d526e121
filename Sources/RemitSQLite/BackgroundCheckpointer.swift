import CSQLite
import Foundation
import RemitSQL
import Synchronization

/// Copies committed WAL frames into the database file on its own connection and thread, so the single writer
/// does not stop for that copy and its two fsyncs.
///
/// A checkpoint from another connection cannot reset the WAL: SQLite restarts the log only when a writer finds
/// every frame copied, and under steady load new frames arrive during each pass. The writer therefore keeps a
/// checkpoint of its own as a backstop, at ``writerBackstopFrames``. When it runs, most frames are already
/// copied, so it only copies the remainder, and the next transaction restarts the WAL. The WAL stays bounded
/// (about the backstop, 16 MB), and no checkpoint waits for readers or writers (`PASSIVE`).
final class BackgroundCheckpointer: Sendable {
    /// Frames the WAL gains before a background pass.
    static let passFrames: Int32 = 1000
    /// The writer's own checkpoint, for the frames background passes leave behind.
    static let writerBackstopFrames: Int32 = 4000

    private let handle: SQLiteHandle
    private let stopped = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// The WAL's frame count when a pass was last asked for (written by the writer's hook only).
    private let requestedAt = Atomic<Int32>(0)

    init(path: String, synchronous: SQLiteDatabase.Synchronous) throws(DatabaseError) {
        handle = try SQLiteHandle(path: path, synchronous: synchronous)
        // The thread holds the checkpointer until ``stop()``, which the database calls when it goes away.
        let thread = Thread { [self] in
            while true {
                wake.wait()
                if stopped.load(ordering: .acquiring) { break }
                handle.checkpointPassive()
            }
            finished.signal()
        }
        thread.name = "remit-sqlite-checkpoint"
        thread.start()
    }

    /// Installs the writer's hook: after each commit it asks for a background pass every ``passFrames`` and
    /// checkpoints itself (`PASSIVE`) past ``writerBackstopFrames``. Stands in for `wal_autocheckpoint`.
    func attach(to writer: SQLiteHandle) {
        writer.setWALHook(Unmanaged.passUnretained(self).toOpaque()) { context, db, _, frames in
            guard let context, let db else { return SQLITE_OK }
            let checkpointer = Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue()
            if checkpointer.committed(frames: frames) {
                sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            }
            return SQLITE_OK
        }
    }

    /// Returns true when the writer should checkpoint now.
    private func committed(frames: Int32) -> Bool {
        if frames >= Self.writerBackstopFrames { return true }
        let requested = requestedAt.load(ordering: .relaxed)
        if frames < requested {
            // The log restarted.
            requestedAt.store(0, ordering: .relaxed)
        } else if frames - requested >= Self.passFrames {
            requestedAt.store(frames, ordering: .relaxed)
            wake.signal()
        }
        return false
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        wake.signal()
        finished.wait()
    }
}
