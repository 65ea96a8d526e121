import Foundation
import RemitSQL
import RemitSQLite
import Testing

struct GroupCommitTests {
    struct Refused: Error {}

    func database() throws -> SQLiteDatabase {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gc-\(UUID().uuidString).sqlite").path
        return try SQLiteDatabase(path: path)
    }

    @Test func concurrentTransactionsCommitTogetherAndFailAlone() async throws {
        let database = try database()
        _ = try await database.write { try await $0.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 0..<200 {
                group.addTask {
                    do {
                        let echoed = try await database.write { connection in
                            try await connection.execute("INSERT INTO t (n) VALUES (\(n))")
                            if n % 7 == 0 { throw Refused() }
                            return n
                        }
                        return (echoed, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            var collected: [(Int, Bool)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        #expect(results.filter { !$0.1 }.map(\.0).sorted() == stride(from: 0, to: 200, by: 7).map { $0 })
        let stored = try await database.read { try await $0.query("SELECT n FROM t ORDER BY n") }.map { Int($0.int("n")) }
        #expect(stored == (0..<200).filter { $0 % 7 != 0 }, "a failed transaction leaves nothing; the others all commit")
    }

    @Test func aConstraintViolationRollsBackOnlyItsTransaction() async throws {
        let database = try database()
        _ = try await database.write { try await $0.execute("CREATE TABLE u (k TEXT PRIMARY KEY, v INTEGER)") }
        async let first: Void = database.write { connection in
            try await connection.execute("INSERT INTO u (k, v) VALUES ('a', 1)")
        }
        async let second: Int = {
            do {
                try await database.write { connection in
                    try await connection.execute("INSERT INTO u (k, v) VALUES ('b', 2)")
                    try await connection.execute("INSERT INTO u (k, v) VALUES ('b', 3)")
                }
                return 0
            } catch let error as DatabaseError {
                return error.code == .uniqueViolation ? 1 : 2
            }
        }()
        try await first
        let outcome = try await second
        #expect(outcome == 1)
        let keys = try await database.read { try await $0.query("SELECT k FROM u ORDER BY k") }.map { $0.string("k") }
        #expect(keys == ["a"])
    }
}
