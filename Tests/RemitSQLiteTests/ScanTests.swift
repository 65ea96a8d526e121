import Foundation
import RemitSQL
import RemitSQLite
import Testing

/// The row-by-row scan reads what the materialized query reads, column by column.
struct ScanTests {
    @Test func aScanReadsEveryColumnAsTheQueryDoes() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString).sqlite").path
        let database = try SQLiteDatabase(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try await database.write { connection in
            try await connection.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, i BIGINT, r REAL, s TEXT)")
            try await connection.execute("""
                INSERT INTO t (n, i, r, s) VALUES (1, -9007199254740993, 0.1, 'café ☕'), (2, NULL, NULL, NULL),
                    (3, 0, -2.5e300, ''), (4, 42, 1e-300, 'acct_1PqR7sTuVwXyZ0123')
                """)
        }
        struct Read: Equatable {
            var n: Int64, i: Int64?, r: Double?, s: String?, bytes: [UInt8]
        }
        let select: SQL = "SELECT n, i, r, s FROM t WHERE n >= \(Int64(1)) ORDER BY n"
        let (scanned, queried) = try await database.read { connection in
            var scanned: [Read] = []
            try await connection.scan(select) { row in
                scanned.append(Read(n: row.int(at: 0), i: row.optionalInt(at: 1),
                                    r: row.isNull(at: 2) ? nil : row.double(at: 2), s: row.optionalString(at: 3),
                                    bytes: row.withUTF8(at: 3) { Array($0) }))
            }
            let queried = try await connection.query(select).map { row in
                Read(n: row.int(at: 0), i: row.optionalInt(at: 1), r: row.isNull(at: 2) ? nil : row.double(at: 2),
                     s: row.optionalString(at: 3), bytes: row.withUTF8(at: 3) { Array($0) })
            }
            return (scanned, queried)
        }
        #expect(scanned == queried)
        #expect(scanned.map(\.s) == ["café ☕", nil, "", "acct_1PqR7sTuVwXyZ0123"])
        #expect(scanned[0].i == -9_007_199_254_740_993 && scanned[1].i == nil && scanned[2].r == -2.5e300)
        #expect(scanned[0].bytes == Array("café ☕".utf8) && scanned[1].bytes.isEmpty)
    }

    @Test func aScanThatFailsThrowsTheDatabaseError() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString).sqlite").path
        let database = try SQLiteDatabase(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(throws: DatabaseError.self) {
            try await database.read { connection in try await connection.scan("SELECT * FROM missing") { _ in } }
        }
    }
}
