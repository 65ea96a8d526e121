import Foundation
import RemitSQL
import RemitSQLite
import Testing

/// The WAL is copied into the database beside the writer, and the writer's backstop keeps it bounded.
struct CheckpointTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString).sqlite").path

    func size(_ file: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Each transaction writes a 12 KB row: about 5 WAL frames (measured: 3,000 of them fill a 62 MB WAL unchecked).
    func write(_ transactions: Int, to database: SQLiteDatabase) async throws {
        for _ in 0..<transactions {
            _ = try await database.write { try await $0.execute("INSERT INTO blobs (data) VALUES (randomblob(12000))") }
        }
    }

    @Test func framesReachTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let database = try SQLiteDatabase(path: path)
        _ = try await database.write { try await $0.execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, data BLOB)") }
        let before = size(path)
        // About 3,000 frames: past a background pass (1,000), short of the writer's backstop (4,000).
        try await write(600, to: database)
        var copied = false
        for _ in 0..<600 where !copied {
            copied = size(path) - before > 4_000_000
            if !copied { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(copied, "the background checkpointer copied frames into the database file (\(size(path)) bytes)")
    }

    @Test func theWALStaysBoundedAndEveryCommitSurvivesReopening() async throws {
        do {
            let database = try SQLiteDatabase(path: path)
            _ = try await database.write { try await $0.execute("CREATE TABLE blobs (n INTEGER PRIMARY KEY, data BLOB)") }
            // About 15,000 frames (62 MB) through the log.
            try await write(3_000, to: database)
            let wal = size(path + "-wal")
            // Unchecked, the WAL reaches 62 MB. The backstop keeps it near 16 MB, but while a background pass holds
            // the checkpoint the writer's attempt is busy and frames keep coming: on a loaded machine (a fresh-clone
            // run of the whole suite) it reached 34.8 MB. The bound tells a restarted WAL from one that never was.
            #expect(wal < 48_000_000, "the WAL restarts after the backstop instead of growing (\(wal) bytes)")
        }
        let reopened = try SQLiteDatabase(path: path)
        let count = try await reopened.read { try await $0.queryFirst("SELECT COUNT(*) AS n FROM blobs") }?.int("n")
        #expect(count == 3_000)
    }
}
