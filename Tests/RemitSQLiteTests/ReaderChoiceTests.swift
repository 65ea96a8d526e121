import Foundation
import RemitSQL
import RemitSQLite
import Testing

/// A read takes a free reader: one held by a long read does not queue the others while another reader is free.
struct ReaderChoiceTests {
    @Test func readsPassALongReadWhileAnotherReaderIsFree() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readers-\(UUID().uuidString).sqlite").path
        let database = try SQLiteDatabase(path: path, readerCount: 2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try await database.write { try await $0.execute("CREATE TABLE t (n INTEGER)") }
        let (held, hold) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseLong) = AsyncStream.makeStream(of: Void.self)
        let finished = try await withThrowingTaskGroup(of: String.self) { group in
            // The long read holds its reader until the short ones are done: were one of them queued behind it, the
            // group would never finish, and the guard below fails the test.
            group.addTask {
                try await database.read { connection in
                    _ = try await connection.query("SELECT count(*) AS n FROM t")
                    hold.yield()
                    for await _ in release { break }
                }
                return "long"
            }
            group.addTask {
                for await _ in held { break }
                for _ in 0..<5 { _ = try await database.read { try await $0.query("SELECT 1 AS one") } }
                releaseLong.yield()
                return "short reads"
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return "guard"
            }
            var finished: [String] = []
            for try await name in group {
                finished.append(name)
                if finished.count == 2 || name == "guard" { group.cancelAll() }
            }
            return finished
        }
        #expect(Array(finished.prefix(2)).sorted() == ["long", "short reads"], "\(finished)")
    }
}
